package org.p2pgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = P2pGrid.commandLine();
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void writesOneRowPerPolicyAndDay(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("days.csv");
        assertEquals(0, run("simulate", "--days", "0,172", "--no-progress", "--csv", csv.toString()));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 2 * 2, lines.size(), "header + 2 policies × 2 days");
        assertTrue(lines.get(1).startsWith("rule,0,2023-01-01,"), lines.get(1));
        assertTrue(lines.get(4).startsWith("idle,172,2023-06-22,"), lines.get(4));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
        assertEquals(2, run("simulate", "--days", "400", "--no-progress"));
        assertTrue(err.toString().contains("day 400 is outside 0..364"), err.toString());
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "p2pgrid.scenario.background-load.peak-scale = -1\n");
        assertEquals(2, run("simulate", "--config", bad.toString(), "--days", "1", "--no-progress"));
        assertTrue(err.toString().contains("p2pgrid.scenario.background-load.peak-scale = -1"), err.toString());
    }
}
