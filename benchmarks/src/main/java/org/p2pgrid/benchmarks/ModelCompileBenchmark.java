package org.p2pgrid.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.p2pgrid.env.device.DeviceState;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.device.ProsumerType;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.dso.DsoProblem;
import org.p2pgrid.expert.lang.Bindings;
import org.p2pgrid.expert.lang.PlacedProsumerModel;
import org.p2pgrid.expert.lang.Program;
import org.p2pgrid.expert.lang.ReferenceModelFactory;
import org.p2pgrid.expert.lang.ReferenceModels;
import org.p2pgrid.expert.model.ConvexModel;
import org.p2pgrid.expert.model.ProsumerForecast;

/**
 * Per-prosumer model cost in the expert (issue 3 target: compile + bind ≤ 5 ms): parse + DCP-check
 * a reference model, and bind + place it into a fresh model for a whole day (T = 96).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
@State(Scope.Thread)
public class ModelCompileBenchmark {
    @Param({"ENERGY_HUB", "RESIDENTIAL"})
    ProsumerType type;

    private String source;
    private Program program;
    private Bindings bindings;

    @Setup
    public void setUp() {
        Scenario scenario = Scenarios.defaults(1);
        int agent = 0;
        while (scenario.prosumers().get(agent).type() != type) {
            agent++;
        }
        ProsumerSpec spec = scenario.prosumers().get(agent);
        ProsumerForecast forecast = DsoProblem.forecast(scenario, scenario.exogenous().day(172), agent, 0);
        source = ReferenceModels.source(type);
        program = Program.compile(source);
        bindings = ReferenceModelFactory.bindings(spec, DeviceState.initial(spec), forecast);
    }

    @Benchmark
    public Program parseAndCheck() {
        return Program.compile(source);
    }

    @Benchmark
    public PlacedProsumerModel bindAndPlace() {
        return program.place(new ConvexModel(), "p.", bindings);
    }
}
