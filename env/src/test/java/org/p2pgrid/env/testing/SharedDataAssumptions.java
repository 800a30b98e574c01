package org.p2pgrid.env.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.p2pgrid.env.data.SharedData;

/** Skips (not fails) a test when {@code ../shared} is absent, e.g. in a fresh clone elsewhere. CI always has it. */
public final class SharedDataAssumptions {
    private SharedDataAssumptions() {}

    /** Path of {@code shared/data/<relative>}, or the calling test is skipped with the reason. */
    public static Path requireSharedFile(String relative) {
        var file = SharedData.dataFile(relative);
        Assumptions.assumeTrue(file.isPresent(),
                () -> "skipped: reference file ../shared/data/" + relative + " not found "
                        + "(set -Dp2pgrid.shared=DIR or P2PGRID_SHARED to the shared folder; CI always has it)");
        return file.get();
    }
}
