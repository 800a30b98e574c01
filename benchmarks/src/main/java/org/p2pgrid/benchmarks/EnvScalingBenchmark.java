package org.p2pgrid.benchmarks;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.p2pgrid.env.device.ProsumerAction;
import org.p2pgrid.env.pomdp.DayExogenous;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.env.pomdp.StepResult;

/**
 * Environment step on seeded synthetic feeders of growing size, prosumer count growing with the
 * feeder (one per ~7 buses, as the default's 20 on 141). Expect time linear in buses + prosumers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
@Threads(1)
@State(Scope.Thread)
public class EnvScalingBenchmark {
    @Param({"141", "500", "1000", "2000"})
    int buses;

    private P2pTradingEnv env;
    private DayExogenous day;
    private ProsumerAction[][] actions;
    private int step;

    @Setup(Level.Trial)
    public void setUp() {
        Scenario scenario = Scenarios.synthetic(buses, Math.max(1, buses / 7), 11);
        env = new P2pTradingEnv(scenario);
        JointPolicy rule = Scenarios.ruleBased(scenario);
        day = scenario.exogenous().day(180);
        actions = new ProsumerAction[P2pTradingEnv.STEPS_PER_DAY][];
        double[][] obs = env.reset(day);
        for (int t = 0; t < actions.length; t++) {
            actions[t] = rule.act(obs);
            obs = env.step(actions[t]).observations();
        }
        env.reset(day);
        step = 0;
    }

    @Benchmark
    public StepResult step() {
        if (step == P2pTradingEnv.STEPS_PER_DAY) {
            env.reset(day);
            step = 0;
        }
        return env.step(actions[step++]);
    }
}
