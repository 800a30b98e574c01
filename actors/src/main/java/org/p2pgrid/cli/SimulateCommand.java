package org.p2pgrid.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.market.CostBreakdown;
import org.p2pgrid.env.pomdp.EpisodeMetrics;
import org.p2pgrid.env.pomdp.Episodes;
import org.p2pgrid.env.pomdp.JointPolicy;
import org.p2pgrid.env.pomdp.P2pTradingEnv;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./p2pgrid simulate}: runs days of the default scenario under the baseline policies. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs the default scenario (141-bus feeder, 20 prosumers of Table I) over a set of days with the rule-based and/or idle policy; prints a per-day table (cost by term, P2P volume, min/max voltage, violations) and totals.")
public final class SimulateCommand implements Callable<Integer> {

    @Mixin
    ScenarioOptions scenarioOptions;

    @Option(names = "--policy", defaultValue = "both",
            description = "rule | idle | both (default: ${DEFAULT-VALUE}); the per-day table shows the first named")
    String policy;

    @Option(names = "--csv", description = "write the per-day results of every policy run to this CSV file")
    Path csv;


    @Override
    public Integer call() throws IOException {
        Scenario scenario = scenarioOptions.scenario();
        List<Integer> dayList = scenarioOptions.dayList();
        Map<String, JointPolicy> policies = new LinkedHashMap<>();
        switch (policy) {
            case "rule" -> policies.put("rule", Scenarios.ruleBased(scenario));
            case "idle" -> policies.put("idle", Scenarios.idle(scenario));
            case "both" -> {
                policies.put("rule", Scenarios.ruleBased(scenario));
                policies.put("idle", Scenarios.idle(scenario));
            }
            default -> throw new IllegalArgumentException("--policy " + policy + ": expected rule, idle or both");
        }

        Map<String, List<EpisodeMetrics>> results = new LinkedHashMap<>();
        P2pTradingEnv env = new P2pTradingEnv(scenario);
        int total = dayList.size() * policies.size();
        try (ProgressBar bar = scenarioOptions.progressBar("simulate", total)) {
            for (var e : policies.entrySet()) {
                List<EpisodeMetrics> perDay = new ArrayList<>();
                for (int d : dayList) {
                    bar.setExtraMessage(e.getKey() + " " + DataSplit.date(d));
                    perDay.add(Episodes.runDay(env, e.getValue(), d));
                    bar.step();
                }
                results.put(e.getKey(), perDay);
            }
        }

        System.out.printf(Locale.ROOT, "Scenario: %d prosumers on a %d-bus feeder; %d days (%s); seed %d%n",
                scenario.prosumers().size(), scenario.network().busCount(), dayList.size(), scenarioOptions.days,
                scenarioOptions.seed);
        String first = results.keySet().iterator().next();
        System.out.println();
        System.out.println("Policy '" + first + "', per day (costs in CNY; voltage-violation rate = mean over steps and buses of max(0,|V-1|-0.05)):");
        printTable(dayList, results.get(first));
        System.out.println();
        System.out.println("Totals over the days:");
        System.out.printf(Locale.ROOT, "%-6s %12s %12s %10s %10s %10s %10s %12s %12s %8s %8s %11s %9s%n",
                "policy", "cost/day", "grid", "cdg", "bess", "cl", "p2p", "p2p kWh/d", "grid kWh/d", "Vmin", "Vmax", "viol p.u.", "viol st%");
        for (var e : results.entrySet()) {
            printTotals(e.getKey(), e.getValue());
        }
        if (csv != null) {
            writeCsv(csv, dayList, results);
            System.out.println("\nwrote " + csv);
        }
        return 0;
    }

    private static void printTable(List<Integer> dayList, List<EpisodeMetrics> perDay) {
        System.out.printf(Locale.ROOT, "%-4s %-10s %10s %10s %9s %8s %8s %9s %10s %7s %7s %10s %7s%n",
                "day", "date", "cost", "grid", "cdg", "bess", "cl", "p2p", "p2p kWh", "Vmin", "Vmax", "viol p.u.", "viol st");
        for (int k = 0; k < dayList.size(); k++) {
            EpisodeMetrics m = perDay.get(k);
            CostBreakdown c = m.costByTerm();
            System.out.printf(Locale.ROOT, "%-4d %-10s %10.2f %10.2f %9.2f %8.2f %8.2f %9.2f %10.1f %7.4f %7.4f %10.3e %4d/%d%n",
                    dayList.get(k), DataSplit.date(dayList.get(k)), m.totalCost(), c.grid(), c.cdg(), c.bess(), c.cl(), c.p2p(),
                    m.p2pEnergyKwh(), m.minVoltage(), m.maxVoltage(), m.violationRatePu(), m.violatedSteps(), m.steps());
        }
    }

    private static void printTotals(String name, List<EpisodeMetrics> perDay) {
        int n = perDay.size();
        double cost = 0, grid = 0, cdg = 0, bess = 0, cl = 0, p2p = 0, p2pKwh = 0, gridKwh = 0, viol = 0, violSteps = 0;
        double vmin = Double.POSITIVE_INFINITY, vmax = Double.NEGATIVE_INFINITY;
        for (EpisodeMetrics m : perDay) {
            CostBreakdown c = m.costByTerm();
            cost += m.totalCost();
            grid += c.grid();
            cdg += c.cdg();
            bess += c.bess();
            cl += c.cl();
            p2p += c.p2p();
            p2pKwh += m.p2pEnergyKwh();
            gridKwh += m.gridImportKwh() + m.gridExportKwh();
            viol += m.violationRatePu();
            violSteps += m.violatedStepFraction();
            vmin = Math.min(vmin, m.minVoltage());
            vmax = Math.max(vmax, m.maxVoltage());
        }
        System.out.printf(Locale.ROOT, "%-6s %12.2f %12.2f %10.2f %10.2f %10.2f %10.2f %12.1f %12.1f %8.4f %8.4f %11.3e %8.2f%%%n",
                name, cost / n, grid / n, cdg / n, bess / n, cl / n, p2p / n, p2pKwh / n, gridKwh / n, vmin, vmax,
                viol / n, 100 * violSteps / n);
    }

    private static void writeCsv(Path out, List<Integer> dayList, Map<String, List<EpisodeMetrics>> results) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("policy,day,date,cost_cny,grid_cny,cdg_cny,bess_cny,cl_cny,p2p_cny,p2p_kwh,grid_import_kwh,grid_export_kwh,"
                    + "vmin_pu,vmax_pu,violation_rate_pu,violated_steps,steps,reward,discounted_reward");
            for (var e : results.entrySet()) {
                for (int k = 0; k < dayList.size(); k++) {
                    EpisodeMetrics m = e.getValue().get(k);
                    CostBreakdown c = m.costByTerm();
                    w.printf(Locale.ROOT, "%s,%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.8f,%.8f,%.8e,%d,%d,%.6f,%.6f%n",
                            e.getKey(), dayList.get(k), DataSplit.date(dayList.get(k)), m.totalCost(), c.grid(), c.cdg(), c.bess(),
                            c.cl(), c.p2p(), m.p2pEnergyKwh(), m.gridImportKwh(), m.gridExportKwh(), m.minVoltage(),
                            m.maxVoltage(), m.violationRatePu(), m.violatedSteps(), m.steps(), m.reward(), m.discountedReward());
                }
            }
        }
    }
}
