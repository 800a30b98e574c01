package org.p2pgrid.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import picocli.CommandLine.Option;

/** Options every scenario-running command shares: which scenario, which days, progress display. */
final class ScenarioOptions {

    @Option(names = "--days", defaultValue = "validation",
            description = "validation | test | training | all | a comma list of day-of-year indices 0..364 (default: ${DEFAULT-VALUE})")
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
        return switch (days) {
            case "validation" -> DataSplit.days(DataSplit.Split.VALIDATION);
            case "test" -> DataSplit.days(DataSplit.Split.TEST);
            case "training" -> DataSplit.days(DataSplit.Split.TRAINING);
            case "all" -> IntStream.range(0, 365).boxed().toList();
            default -> {
                List<Integer> list = new ArrayList<>();
                for (String part : days.split(",")) {
                    int d;
                    try {
                        d = Integer.parseInt(part.trim());
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("--days " + days + ": '" + part.trim()
                                + "' is neither validation/test/training/all nor a day index 0..364");
                    }
                    if (d < 0 || d > 364) {
                        throw new IllegalArgumentException("--days " + days + ": day " + d + " is outside 0..364");
                    }
                    list.add(d);
                }
                yield list;
            }
        };
    }

    ProgressBar progressBar(String task, int total) {
        return Progress.bar(task, total, noProgress);
    }
}
