package org.p2pgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./p2pgrid node}: ClusterNode's arguments pass through untouched; bad ones are one line and exit code 2. */
class NodeCommandTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = P2pGrid.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void helpNamesTheRolesAndTheNodeOptions() {
        assertEquals(0, run("node", "--help"));
        String help = out.toString();
        assertTrue(help.contains("ROLE PORT [SEED...] [options]"), help);
        assertTrue(help.contains("expert (labels visited states"), help);
        assertTrue(help.contains("--label-cache DIR"), help);
    }

    @Test
    void badArgumentsAreReportedByTheNodeNotByPicocli() {
        assertEquals(2, run("node", "wizard", "2551"));
        assertTrue(err.toString().contains("p2pgrid node: expected ROLE PORT [SEED...]"), err.toString());
        // options after ROLE (with their values) reach ClusterNode: a known one passes, an unknown one is its error
        assertEquals(2, run("node", "expert", "2551", "127.0.0.1:2552", "--label-cache", "/tmp/x", "--bogus", "1"));
        assertTrue(err.toString().contains("p2pgrid node: unknown option --bogus"), err.toString());
        assertEquals(2, run("node", "expert", "2551", "--expert-workers"));
        assertTrue(err.toString().contains("--expert-workers needs a value"), err.toString());
        assertEquals(2, run("node", "--transport", "carrier-pigeon", "rollout", "2551"));
        assertTrue(err.toString().contains("--transport carrier-pigeon: expected tcp or tls"), err.toString());
    }
}
