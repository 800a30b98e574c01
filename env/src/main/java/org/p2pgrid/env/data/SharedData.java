package org.p2pgrid.env.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the read-only reference data folder ({@code ../shared} next to the checkout).
 *
 * <p>The reference files (MATPOWER cases, Elia series, load profiles) are never copied into the
 * project (licence notes in their READMEs); code that derives figures from them, and the tests that
 * compare against them, find the folder here. Order: system property {@code p2pgrid.shared},
 * environment variable {@code P2PGRID_SHARED}, then a folder named {@code shared} holding
 * {@code data/} beside the working directory or any of its parents.
 */
public final class SharedData {
    private SharedData() {}

    public static Optional<Path> root() {
        String explicit = System.getProperty("p2pgrid.shared", System.getenv("P2PGRID_SHARED"));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit).toAbsolutePath().normalize();
            return Files.isDirectory(p.resolve("data")) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return Optional.of(candidate.normalize());
            }
            if (Files.isDirectory(dir.resolve("shared").resolve("data"))) {
                return Optional.of(dir.resolve("shared").normalize());
            }
        }
        return Optional.empty();
    }

    /** A file under {@code shared/data}, if the shared folder and the file exist. */
    public static Optional<Path> dataFile(String relative) {
        return root().map(r -> r.resolve("data").resolve(relative)).filter(Files::isRegularFile);
    }
}
