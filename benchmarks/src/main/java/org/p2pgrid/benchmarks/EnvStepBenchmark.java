package org.p2pgrid.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * One environment step of the default scenario (20 prosumers, case141): projection, market
 * clearing, costs, AC power flow, reward. Actions come from the rule-based policy, computed outside
 * the measured region, replayed over a whole day; the day's data is generated once, and the reset
 * (initial device states only, once per 96 steps) is inside the measurement.
 * Target: ≥ 20 000 steps/s on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
@Threads(1)
@State(Scope.Thread)
public class EnvStepBenchmark {
    private P2pTradingEnv env;
    private ProsumerAction[][] actions;
    private int step;
    private DayExogenous day;

    @Setup(Level.Trial)
    public void setUp() {
        Scenario scenario = Scenarios.defaults(1);
        env = new P2pTradingEnv(scenario);
        JointPolicy rule = Scenarios.ruleBased(scenario);
        actions = new ProsumerAction[P2pTradingEnv.STEPS_PER_DAY][];
        double[][] obs = env.reset(180);
        for (int t = 0; t < actions.length; t++) {
            actions[t] = rule.act(obs);
            obs = env.step(actions[t]).observations();
        }
        day = scenario.exogenous().day(180);
        env.reset(day);
        step = 0;
    }

    @Benchmark
    public StepResult step() {
        if (step == P2pTradingEnv.STEPS_PER_DAY) {
            env.reset(day); // cheap: initial device states only; the day's data was generated in setUp
            step = 0;
        }
        return env.step(actions[step++]);
    }
}
