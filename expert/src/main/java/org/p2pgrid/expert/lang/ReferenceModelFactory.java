package org.p2pgrid.expert.lang;

import java.util.Objects;
import java.util.function.Function;
import org.p2pgrid.env.device.BessSpec;
import org.p2pgrid.env.device.CdgSpec;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerForecast;
import org.p2pgrid.expert.model.ProsumerModel;
import org.p2pgrid.expert.model.ProsumerModelFactory;

/**
 * Places model programs for prosumers, binding the standard params (the paper's {@code state}
 * dictionary, listed in LANGUAGE.md §"Standard params") from the device specs, the device state and
 * the perfect forecast. By default the program is the {@link ReferenceModels reference model} of the
 * prosumer's Table I type; {@link #of(Function)} plugs in other (e.g. LLM-written) programs unchanged.
 */
public final class ReferenceModelFactory implements ProsumerModelFactory {
    private final Function<ProsumerSpec, Program> programs;

    /** The reference models, chosen by {@link ProsumerSpec#type()}. */
    public ReferenceModelFactory() {
        this(spec -> ReferenceModels.program(spec.type()));
    }

    private ReferenceModelFactory(Function<ProsumerSpec, Program> programs) {
        this.programs = Objects.requireNonNull(programs);
    }

    /** A factory placing whatever program {@code programs} picks for a prosumer, with the standard bindings. */
    public static ReferenceModelFactory of(Function<ProsumerSpec, Program> programs) {
        return new ReferenceModelFactory(programs);
    }

    /** A factory placing one program for every prosumer. */
    public static ReferenceModelFactory of(Program program) {
        return new ReferenceModelFactory(spec -> program);
    }

    public static ReferenceModelFactory forType(ProsumerType type) {
        Program p = ReferenceModels.program(type);
        return new ReferenceModelFactory(spec -> p);
    }

    @Override
    public ProsumerModel place(ConvexModel model, String namePrefix, ProsumerSpec spec, DeviceState state,
                               ProsumerForecast forecast) {
        return placeProgram(model, namePrefix, spec, state, forecast);
    }

    /** As {@link #place}, with the richer result type (variable indices, auxiliary completion). */
    public PlacedProsumerModel placeProgram(ConvexModel model, String namePrefix, ProsumerSpec spec, DeviceState state,
                                            ProsumerForecast forecast) {
        return programs.apply(spec).place(model, namePrefix, bindings(spec, state, forecast));
    }

    /**
     * The standard params for one prosumer at step t = {@code forecast.firstStep()}. Device params are
     * present only for devices the prosumer owns, so a model using a device it lacks fails with
     * {@code unbound-param}.
     */
    public static Bindings bindings(ProsumerSpec spec, DeviceState state, ProsumerForecast forecast) {
        Bindings.Builder b = Bindings.builder(spec.id(), forecast.horizon())
                .scalar("dt", forecast.dtHours())
                .vector("lambda_B", forecast.buyCnyPerKwh())
                .vector("lambda_S", forecast.sellCnyPerKwh())
                .vector("lambda_P2P", forecast.p2pCnyPerKwh())
                .scalar("lambda_DSO", forecast.dsoFeeCnyPerKwh())
                .vector("P_Load", forecast.pLoadKw())
                .vector("Q_Load", forecast.qLoadKvar())
                .vector("P_RDG_max", forecast.pRdgMaxKw())
                .scalar("S_RDG_max", spec.rdg().sMaxKva())
                .scalar("alpha", spec.cl().alpha())
                .scalar("rho", spec.cl().discomfortCnyPerKwh());
        if (spec.hasCdg()) {
            CdgSpec cdg = spec.cdg();
            b.scalar("P_CDG_min", cdg.pMinKw())
                    .scalar("P_CDG_max", cdg.pMaxKw())
                    .scalar("R_CDG_max", cdg.rampKwPerStep())
                    .scalar("P_CDG_prev", state.prevPCdgKw())
                    .scalar("c_CDG", cdg.costQuadCnyPerKw2h())
                    .scalar("b_CDG", cdg.costLinCnyPerKwh());
        }
        if (spec.hasBess()) {
            BessSpec bess = spec.bess();
            b.scalar("P_BESS_ch_max", bess.pMaxChargeKw())
                    .scalar("P_BESS_dis_max", bess.pMaxDischargeKw())
                    .scalar("E_BESS", bess.capacityKwh())
                    .scalar("SOC_min", bess.socMin())
                    .scalar("SOC_max", bess.socMax())
                    .scalar("SOC_init", state.socFraction())
                    .scalar("eta", bess.efficiency())
                    .scalar("gamma", bess.wearCnyPerKwh());
        }
        // P_import_max / P_export_max: the range of P_EX = P_CDG + P_RDG + P_CL - P_Load - P_BESS over the
        // device bounds the reference models declare (eq 9), for bounding P_buy, P_sell and P_P2P.
        int h = forecast.horizon();
        double[] importMax = new double[h];
        double[] exportMax = new double[h];
        for (int k = 0; k < h; k++) {
            double load = forecast.pLoadKw()[k];
            double lo = -load;
            double hi = forecast.pRdgMaxKw()[k] + spec.cl().alpha() * load - load;
            if (spec.hasCdg()) {
                lo += spec.cdg().pMinKw();
                hi += spec.cdg().pMaxKw();
            }
            if (spec.hasBess()) {
                lo -= spec.bess().pMaxChargeKw();
                hi += spec.bess().pMaxDischargeKw();
            }
            importMax[k] = Math.max(0, -lo);
            exportMax[k] = Math.max(0, hi);
        }
        b.vector("P_import_max", importMax).vector("P_export_max", exportMax);
        return b.build();
    }
}
