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
import org.p2pgrid.env.testing.SharedDataAssumptions;
import picocli.CommandLine;

class PowerflowCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = P2pGrid.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void builtInFeederWithCsv() throws Exception {
        Path csv = dir.resolve("v.csv");
        assertEquals(0, run("powerflow", "--csv", csv.toString()));
        assertTrue(out.toString().contains("Vmin:       0.927862 p.u. at bus 87"), out.toString());
        assertTrue(out.toString().contains("losses:     632.696 kW, 467.650 kvar"), out.toString());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("bus,vm_pu,va_deg", lines.get(0));
        assertEquals(142, lines.size());
        assertTrue(lines.get(1).startsWith("1,1.0000000000,"));
    }

    @Test
    void matpowerCase() {
        Path file = SharedDataAssumptions.requireSharedFile("matpower-cases/case69.m");
        assertEquals(0, run("powerflow", "--case", file.toString()));
        assertTrue(out.toString().contains("case69 (69 buses, 68 branches"), out.toString());
    }

    @Test
    void badFileIsOneLineAndExitCode2() throws Exception {
        Path bad = dir.resolve("bad.m");
        Files.writeString(bad, "mpc.baseMVA = ten;\n");
        assertEquals(2, run("powerflow", "--case", bad.toString()));
        assertEquals("powerflow: " + bad + ":1: mpc.baseMVA = 'ten': not a number", err.toString().trim());
        assertEquals(2, run("powerflow", "--case", dir.resolve("missing.m").toString()));
    }
}
