package org.p2pgrid.learner.train;

import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.Episodes;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;

/** A policy run greedily over a list of days: the paper's evaluation metrics per day and summarised. */
public final class Evaluation {
    private Evaluation() {}

    /** One day: total cost (CNY), reward, discounted reward, violation rate (Table IV metric, p.u.), violated steps. */
    public record DayResult(int day, double cost, double reward, double discountedReward, double violationRatePu,
                            int violatedSteps) {
        static DayResult of(int day, EpisodeMetrics m) {
            return new DayResult(day, m.totalCost(), m.reward(), m.discountedReward(), m.violationRatePu(),
                    m.violatedSteps());
        }
    }

    /** Means (and the cost's sample standard deviation) over days. */
    public record Summary(int days, double meanCost, double stdCost, double meanReward, double meanDiscountedReward,
                          double meanViolationRatePu, double violatedStepFraction) {
        public static Summary of(List<DayResult> results, int stepsPerDay) {
            int n = results.size();
            if (n == 0) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double c = 0, r = 0, dr = 0, v = 0, steps = 0;
            for (DayResult d : results) {
                c += d.cost();
                r += d.reward();
                dr += d.discountedReward();
                v += d.violationRatePu();
                steps += d.violatedSteps();
            }
            double mean = c / n;
            double ss = 0;
            for (DayResult d : results) {
                ss += (d.cost() - mean) * (d.cost() - mean);
            }
            return new Summary(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, r / n, dr / n, v / n,
                    steps / ((double) n * stepsPerDay));
        }
    }

    public static List<DayResult> run(Scenario scenario, JointPolicy policy, List<Integer> days) {
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        List<DayResult> out = new ArrayList<>(days.size());
        for (int d : days) {
            out.add(DayResult.of(d, Episodes.runDay(env, policy, d)));
        }
        return out;
    }
}
