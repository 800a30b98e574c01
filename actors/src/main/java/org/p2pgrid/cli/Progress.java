package org.p2pgrid.cli;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The CLI's progress bars: ASCII, 4 Hz, silent with --no-progress. */
final class Progress {
    private Progress() {}

    static ProgressBar bar(String task, long total, boolean silent) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate();
        if (silent) {
            b.setConsumer(new DelegatingProgressBarConsumer(s -> { }));
        }
        return b.build();
    }
}
