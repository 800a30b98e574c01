package org.p2pgrid.env.pomdp;

/** Runs whole days of an environment under a policy. */
public final class Episodes {
    private Episodes() {}

    /** Simulates day {@code dayOfYear} from reset to done and returns its metrics. */
    public static EpisodeMetrics runDay(P2pTradingEnv env, JointPolicy policy, int dayOfYear) {
        EpisodeMetrics metrics = new EpisodeMetrics(env.scenario().gamma(), env.scenario().dtHours());
        double[][] obs = env.reset(dayOfYear);
        boolean done = false;
        while (!done) {
            StepResult r = env.step(policy.act(obs));
            metrics.add(r);
            obs = r.observations();
            done = r.done();
        }
        return metrics;
    }
}
