package org.p2pgrid.env.grid;

import com.powsybl.iidm.network.Bus;
import com.powsybl.iidm.network.Generator;
import com.powsybl.iidm.network.Substation;
import com.powsybl.iidm.network.TopologyKind;
import com.powsybl.iidm.network.VoltageLevel;
import com.powsybl.iidm.network.extensions.SlackTerminal;
import com.powsybl.loadflow.LoadFlowParameters;
import com.powsybl.openloadflow.OpenLoadFlowParameters;
import com.powsybl.openloadflow.network.SlackBusSelectionMode;

/**
 * Builds a PowSyBl IIDM network equivalent to a {@link Network}, for PowSyBl Open LoadFlow as an
 * independent oracle (tests) and peer (benchmarks). PowSyBl's MATPOWER importer only reads MAT-5 files,
 * so the network is built in code: one substation, one voltage level at baseKV, a bus per bus, a line
 * per branch (impedance converted back to ohm), a load per loaded bus (MW/MVAr) and one voltage-
 * regulating generator at the slack.
 */
public final class PowsyblNetworks {
    private PowsyblNetworks() {}

    /**
     * Why PowSyBl cannot build networks here, or empty if it can. IIDM networks need an implementation
     * ({@code com.powsybl:powsybl-iidm-impl}, a NetworkFactoryService) that Open LoadFlow does not pull
     * in transitively; without it {@code Network.create} fails with "No NetworkFactoryService providers".
     */
    public static java.util.Optional<String> unavailableReason() {
        boolean hasFactory = java.util.ServiceLoader.load(com.powsybl.iidm.network.NetworkFactoryService.class)
                .findFirst().isPresent();
        return hasFactory ? java.util.Optional.empty() : java.util.Optional.of(
                "no IIDM implementation on the class path: add com.powsybl:powsybl-iidm-impl:6.6.0 "
                        + "(same version as powsybl-iidm-api) next to powsybl-open-loadflow");
    }

    public static String busId(Network network, int index) {
        return "B" + network.busNumber(index);
    }

    public static com.powsybl.iidm.network.Network build(Network network) {
        var iidm = com.powsybl.iidm.network.Network.create(network.name(), "p2pgrid");
        Substation substation = iidm.newSubstation().setId("S").add();
        VoltageLevel vl = substation.newVoltageLevel().setId("VL").setNominalV(network.baseKv())
                .setTopologyKind(TopologyKind.BUS_BREAKER).add();
        for (int i = 0; i < network.busCount(); i++) {
            vl.getBusBreakerView().newBus().setId(busId(network, i)).add();
        }
        double zBase = network.baseOhm();
        for (int k = 0; k < network.branchCount(); k++) {
            String from = busId(network, network.branchFrom(k));
            String to = busId(network, network.branchTo(k));
            iidm.newLine().setId("L" + k + "_" + from + "_" + to)
                    .setVoltageLevel1("VL").setBus1(from).setConnectableBus1(from)
                    .setVoltageLevel2("VL").setBus2(to).setConnectableBus2(to)
                    .setR(network.branchR(k) * zBase).setX(network.branchX(k) * zBase)
                    .setG1(0).setB1(0).setG2(0).setB2(0).add();
        }
        for (int i = 0; i < network.busCount(); i++) {
            if (network.basePdPu(i) == 0 && network.baseQdPu(i) == 0) {
                continue;
            }
            String bus = busId(network, i);
            vl.newLoad().setId("LD_" + bus).setBus(bus).setConnectableBus(bus)
                    .setP0(network.basePdPu(i) * network.baseMva()).setQ0(network.baseQdPu(i) * network.baseMva()).add();
        }
        String slack = busId(network, network.slackIndex());
        Generator generator = vl.newGenerator().setId("G_" + slack).setBus(slack).setConnectableBus(slack)
                .setMinP(-1e4).setMaxP(1e4).setTargetP(0).setTargetQ(0)
                .setTargetV(network.slackVmPu() * network.baseKv()).setVoltageRegulatorOn(true).add();
        // The slack must be our slack bus. OLF drops a generator with targetP = 0 from active power
        // control, so LARGEST_GENERATOR found no candidate and silently fell back to the most meshed bus.
        // The SlackTerminal extension (read because readSlackBus = true) pins it.
        SlackTerminal.reset(vl, generator.getTerminal());
        return iidm;
    }

    /**
     * Newton–Raphson stopping threshold used by the oracle: max mismatch per equation, p.u. on OLF's
     * internal 100 MVA base. At 1e-10 OLF stops after 3 iterations with residuals that still move
     * case141 voltages by 4.5e-10 p.u. and the slack injection by 4.7e-9 p.u. (10 MVA base); at 1e-12
     * it takes 4–5 iterations and agrees with a fully converged sweep to ~1e-11 p.u.
     */
    public static final double ORACLE_CONV_EPS_PER_EQ = 1e-12;

    /** {@link #parameters(double)} at {@link #ORACLE_CONV_EPS_PER_EQ}. */
    public static LoadFlowParameters parameters() {
        return parameters(ORACLE_CONV_EPS_PER_EQ);
    }

    /**
     * AC load flow, flat start, slack = the generator bus (pinned by the SlackTerminal extension set in
     * {@link #build}; LARGEST_GENERATOR is only the fallback), no distributed slack, no reactive limits,
     * Newton–Raphson stopped at {@code convEpsPerEq} p.u. (100 MVA base) mismatch per equation.
     */
    public static LoadFlowParameters parameters(double convEpsPerEq) {
        LoadFlowParameters parameters = new LoadFlowParameters()
                .setDistributedSlack(false)
                .setUseReactiveLimits(false)
                .setVoltageInitMode(LoadFlowParameters.VoltageInitMode.UNIFORM_VALUES);
        OpenLoadFlowParameters.create(parameters)
                .setSlackBusSelectionMode(SlackBusSelectionMode.LARGEST_GENERATOR)
                .setNewtonRaphsonConvEpsPerEq(convEpsPerEq);
        return parameters;
    }

    /**
     * Id under which Open LoadFlow reports our slack bus ({@code SlackBusResult.getId()}, a bus-view bus
     * id such as {@code VL_0}), to check that OLF really used it as slack.
     */
    public static String slackBusViewId(com.powsybl.iidm.network.Network iidm, Network network) {
        String id = busId(network, network.slackIndex());
        return iidm.getBusBreakerView().getBus(id).getVoltageLevel().getBusView().getMergedBus(id).getId();
    }

    /** Voltage magnitude of bus {@code index} after a load flow, p.u. */
    public static double vmPu(com.powsybl.iidm.network.Network iidm, Network network, int index) {
        Bus bus = iidm.getBusBreakerView().getBus(busId(network, index));
        return bus.getV() / network.baseKv();
    }

    /** Voltage angle of bus {@code index} after a load flow, degrees. */
    public static double vaDeg(com.powsybl.iidm.network.Network iidm, Network network, int index) {
        return iidm.getBusBreakerView().getBus(busId(network, index)).getAngle();
    }
}
