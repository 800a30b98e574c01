package org.p2pgrid.env.grid;

import com.powsybl.iidm.network.Bus;
import com.powsybl.iidm.network.Substation;
import com.powsybl.iidm.network.TopologyKind;
import com.powsybl.iidm.network.VoltageLevel;
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
            if (i == network.slackIndex() || (network.basePdPu(i) == 0 && network.baseQdPu(i) == 0)) {
                continue;
            }
            String bus = busId(network, i);
            vl.newLoad().setId("LD_" + bus).setBus(bus).setConnectableBus(bus)
                    .setP0(network.basePdPu(i) * network.baseMva()).setQ0(network.baseQdPu(i) * network.baseMva()).add();
        }
        String slack = busId(network, network.slackIndex());
        vl.newGenerator().setId("G_" + slack).setBus(slack).setConnectableBus(slack)
                .setMinP(-1e4).setMaxP(1e4).setTargetP(0).setTargetQ(0)
                .setTargetV(network.slackVmPu() * network.baseKv()).setVoltageRegulatorOn(true).add();
        return iidm;
    }

    /** AC load flow, flat start, slack = the generator bus, no distributed slack, no reactive limits. */
    public static LoadFlowParameters parameters() {
        LoadFlowParameters parameters = new LoadFlowParameters()
                .setDistributedSlack(false)
                .setUseReactiveLimits(false)
                .setVoltageInitMode(LoadFlowParameters.VoltageInitMode.UNIFORM_VALUES);
        OpenLoadFlowParameters.create(parameters)
                .setSlackBusSelectionMode(SlackBusSelectionMode.LARGEST_GENERATOR)
                .setNewtonRaphsonConvEpsPerEq(1e-10);
        return parameters;
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
