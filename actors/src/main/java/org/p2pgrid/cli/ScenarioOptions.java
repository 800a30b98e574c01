package org.p2pgrid.cli;

import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import picocli.CommandLine.Option;

/** Options every scenario-running command shares: which scenario, which days, progress display. */
final class ScenarioOptions {

    @Option(names = "--days", defaultValue = "validation",
            description = "validation | test | training | all | SPLIT/K (every K-th day of a split) | a comma list of day-of-year indices 0..364 (default: ${DEFAULT-VALUE})")
    String days;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the generated profiles (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--config", description = "HOCON scenario file overriding reference.conf")
    Path config;

    @Option(names = "--no-progress", description = "do not draw a progress bar")
    boolean noProgress;

    Scenario scenario() {
        return config == null ? Scenarios.defaults(seed) : Scenarios.fromFile(config, seed);
    }

    List<Integer> dayList() {
        return DataSplit.parseDays(days, "--days");
    }

    ProgressBar progressBar(String task, int total) {
        return Progress.bar(task, total, noProgress);
    }
}
