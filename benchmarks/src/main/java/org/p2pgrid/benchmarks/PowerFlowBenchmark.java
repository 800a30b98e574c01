package org.p2pgrid.benchmarks;

import com.powsybl.loadflow.LoadFlow;
import com.powsybl.loadflow.LoadFlowParameters;
import com.powsybl.loadflow.LoadFlowResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.p2pgrid.env.grid.DefaultFeeder;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.NewtonRaphsonPowerFlow;
import org.p2pgrid.env.grid.PowerFlowResult;
import org.p2pgrid.env.grid.PowsyblNetworks;
import org.p2pgrid.env.grid.RadialPowerFlow;
import org.p2pgrid.env.grid.SyntheticFeeder;

/**
 * Base-load AC power flow: our backward/forward sweep vs PowSyBl Open LoadFlow (Newton–Raphson) on
 * the same 141-bus feeder in the same JVM, plus the sweep on synthetic feeders of growing size.
 * SampleTime mode so that RESULTS.md can quote medians (p0.50). Run with {@code benchmarks/run.sh}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Forks must stay offline like every JVM of the project (DJL would otherwise call home). PowSyBl logs
// through slf4j-simple at INFO by default: Open LoadFlow would render and print its parameter table and
// several lines per run, inside the timed loop; only errors are logged here.
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "-Dorg.slf4j.simpleLogger.log.com.powsybl=error"})
public class PowerFlowBenchmark {

    /** One sweep instance per benchmark thread (it is not thread-safe). */
    @State(Scope.Thread)
    public static class Case141Sweep {
        RadialPowerFlow flow;
        double[] p;
        double[] q;
        PowerFlowResult reuse;

        @Setup(Level.Trial)
        public void setUp() {
            Network network = DefaultFeeder.case141();
            flow = new RadialPowerFlow(network);
            p = network.basePdPu();
            q = network.baseQdPu();
            reuse = flow.solve(p, q);
            check(reuse);
        }
    }

    /** Our dense Newton–Raphson (the test cross-check), for scale: same equations, no radial shortcut. */
    @State(Scope.Thread)
    public static class Case141Newton {
        NewtonRaphsonPowerFlow flow;
        double[] p;
        double[] q;

        @Setup(Level.Trial)
        public void setUp() {
            Network network = DefaultFeeder.case141();
            flow = new NewtonRaphsonPowerFlow(network);
            p = network.basePdPu();
            q = network.baseQdPu();
            check(flow.solve(p, q));
        }
    }

    /**
     * Prebuilt PowSyBl network and parameters; only the load flow itself is timed (flat start every
     * run, results written back to the IIDM network as OLF always does). {@code convEpsPerEq}: 1e-12 is
     * the oracle setting (5 NR iterations on case141, agrees with the sweep to ~1e-11 p.u.); 1e-10
     * (3 iterations, ~4e-10 p.u.) is about the accuracy of the sweep at its 1e-9 tolerance.
     */
    @State(Scope.Thread)
    public static class Case141OpenLoadFlow {
        @Param({"1e-12", "1e-10"})
        double convEpsPerEq;

        com.powsybl.iidm.network.Network network;
        LoadFlowParameters parameters;
        LoadFlow.Runner runner;

        @Setup(Level.Trial)
        public void setUp() {
            PowsyblNetworks.unavailableReason().ifPresent(reason -> {
                throw new IllegalStateException("PowSyBl peer cannot run: " + reason);
            });
            Network feeder = DefaultFeeder.case141();
            network = PowsyblNetworks.build(feeder);
            parameters = PowsyblNetworks.parameters(convEpsPerEq);
            runner = LoadFlow.find("OpenLoadFlow");
            LoadFlowResult result = runner.run(network, parameters);
            if (!result.isOk()) {
                throw new IllegalStateException("Open LoadFlow failed on case141: " + result.getComponentResults());
            }
            // Time the right computation: our slack, and the same voltages as the sweep.
            String slack = result.getComponentResults().get(0).getSlackBusResults().get(0).getId();
            if (!slack.equals(PowsyblNetworks.slackBusViewId(network, feeder))) {
                throw new IllegalStateException("Open LoadFlow used slack " + slack + ", not bus 1");
            }
            PowerFlowResult sweep = new RadialPowerFlow(feeder).solve();
            for (int i = 0; i < feeder.busCount(); i++) {
                double dVm = Math.abs(PowsyblNetworks.vmPu(network, feeder, i) - sweep.vmPu()[i]);
                if (!(dVm < 1e-8)) {
                    throw new IllegalStateException("Open LoadFlow disagrees with the sweep at bus "
                            + feeder.busNumber(i) + ": |dVm| = " + dVm);
                }
            }
        }
    }

    @State(Scope.Thread)
    public static class SyntheticSweep {
        @Param({"141", "500", "1000", "2000"})
        int buses;

        RadialPowerFlow flow;
        double[] p;
        double[] q;

        @Setup(Level.Trial)
        public void setUp() {
            Network network = SyntheticFeeder.generate(buses, 1);
            flow = new RadialPowerFlow(network);
            p = network.basePdPu();
            q = network.baseQdPu();
            check(flow.solve(p, q));
        }
    }

    private static void check(PowerFlowResult result) {
        if (!result.converged()) {
            throw new IllegalStateException("sweep did not converge in set-up");
        }
    }

    @Benchmark
    public PowerFlowResult sweepCase141(Case141Sweep state) {
        return state.flow.solve(state.p, state.q);
    }

    @Benchmark
    public PowerFlowResult sweepCase141Into(Case141Sweep state) {
        return state.flow.solveInto(state.p, state.q, state.reuse);
    }

    @Benchmark
    public PowerFlowResult newtonRaphsonCase141(Case141Newton state) {
        return state.flow.solve(state.p, state.q);
    }

    @Benchmark
    public LoadFlowResult openLoadFlowCase141(Case141OpenLoadFlow state) {
        return state.runner.run(state.network, state.parameters);
    }

    @Benchmark
    public PowerFlowResult sweepSynthetic(SyntheticSweep state) {
        return state.flow.solve(state.p, state.q);
    }
}
