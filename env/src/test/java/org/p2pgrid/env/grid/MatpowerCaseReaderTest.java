package org.p2pgrid.env.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.testing.SharedDataAssumptions;

/** Malformed and unsupported case files are refused with file:line, field and value in the message. */
class MatpowerCaseReaderTest {

    @TempDir
    Path dir;

    private static final String SMALL_CASE = """
            function mpc = tiny
            mpc.version = '2';
            mpc.baseMVA = 10;
            %% bus data
            mpc.bus = [
            \t1\t3\t0\t0\t0\t0\t1\t1\t0\t12.66\t1\t1\t1;
            \t2\t1\t0.1\t0.06\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;
            \t3\t1\t0.09\t0.04\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;
            \t4\t1\t0.12\t0.08\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;
            ];
            mpc.gen = [
            \t1\t0\t0\t10\t-10\t1.02\t100\t1\t10\t0;
            ];
            mpc.branch = [
            \t1\t2\t0.0057\t0.0029\t0\t0\t0\t0\t0\t0\t1\t-360\t360;
            \t2\t3\t0.0307\t0.0156\t0\t0\t0\t0\t0\t0\t1\t-360\t360;
            \t3\t4\t0.0228\t0.0116\t0\t0\t0\t0\t0\t0\t1\t-360\t360;
            \t4\t1\t0.0228\t0.0116\t0\t0\t0\t0\t0\t0\t0\t-360\t360;
            ];
            mpc.gencost = [
            \t2\t0\t0\t3\t0\t20\t0;
            ];
            """;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private MatpowerFormatException refused(String name, String text) throws IOException {
        Path file = write(name, text);
        return assertThrows(MatpowerFormatException.class, () -> MatpowerCaseReader.read(file));
    }

    @Test
    void readsSmallCaseInPerUnit() throws IOException {
        Network network = MatpowerCaseReader.read(write("tiny.m", SMALL_CASE));
        assertEquals(4, network.busCount());
        assertEquals(3, network.branchCount(), "status-0 tie 4-1 dropped");
        assertEquals(12.66, network.baseKv());
        assertEquals(1.02, network.slackVmPu(), "slack set-point from gen VG");
        assertEquals(0.01, network.basePdPu(network.indexOf(2)), 1e-15, "0.1 MW on 10 MVA");
        assertEquals(3, network.busNumber(2));
        assertEquals(1.02, new RadialPowerFlow(network).solve().vmPu()[0]);
    }

    @Test
    void badNumberNamesLineRowColumnAndValue() throws IOException {
        var e = refused("badnum.m", SMALL_CASE.replace("0.0307\t0.0156", "0.0307\t0.01x6"));
        assertEquals(16, e.line());
        assertTrue(e.getMessage().contains("badnum.m:16"), e.getMessage());
        assertTrue(e.getMessage().contains("branch row 2, column BR_X = '0.01x6': not a number"), e.getMessage());
    }

    @Test
    void badBusNumberInBranch() throws IOException {
        var e = refused("badbus.m", SMALL_CASE.replace("\t3\t4\t0.0228", "\t3\t9\t0.0228"));
        assertTrue(e.getMessage().contains(":17: branch row 3, column T_BUS = '9': no such bus"), e.getMessage());
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        var e = refused("short.m", SMALL_CASE.replace("\t3\t1\t0.09\t0.04\t0\t0\t1\t1\t0\t12.66\t1\t1.1\t0.9;",
                "\t3\t1\t0.09\t0.04\t0\t0\t1\t1;"));
        assertTrue(e.getMessage().contains("short.m:8: bus row 3 has 8 columns, needs at least 10: missing column VA .. BASE_KV"),
                e.getMessage());
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        var e = refused("nobase.m", SMALL_CASE.replace("mpc.baseMVA = 10;", ""));
        assertTrue(e.getMessage().endsWith("nobase.m: missing field mpc.baseMVA"), e.getMessage());
        var e2 = refused("nobranch.m", SMALL_CASE.replace("mpc.branch", "mpc.branches"));
        assertTrue(e2.getMessage().contains("missing field mpc.branch"), e2.getMessage());
    }

    @Test
    void unclosedMatrix() throws IOException {
        var e = refused("open.m", SMALL_CASE.substring(0, SMALL_CASE.indexOf("];")));
        assertTrue(e.getMessage().contains("open.m:5: matrix mpc.bus opened here is never closed"), e.getMessage());
        var e2 = refused("open2.m", SMALL_CASE.replaceFirst("\n];\nmpc.gen", "\nmpc.gen"));
        assertTrue(e2.getMessage().contains("open2.m:10: matrix mpc.bus opened on line 5 is not closed"), e2.getMessage());
    }

    @Test
    void pvBusAndShuntAreRefused() throws IOException {
        var pv = refused("pv.m", SMALL_CASE.replace("\t2\t1\t0.1", "\t2\t2\t0.1"));
        assertTrue(pv.getMessage().contains(":7: bus row 2, column BUS_TYPE = '2': PV buses"), pv.getMessage());
        var noSlack = refused("noslack.m", SMALL_CASE.replace("\t1\t3\t0", "\t1\t1\t0"));
        assertTrue(noSlack.getMessage().contains("no reference bus (BUS_TYPE 3)"), noSlack.getMessage());
    }

    @Test
    void loopIsNamedByItsClosingBranchAndBuses() throws IOException {
        var e = refused("ring.m", SMALL_CASE.replace("0\t0\t0\t0\t0\t0\t0\t-360\t360;\n];\nmpc.gencost",
                "0\t0\t0\t0\t0\t0\t1\t-360\t360;\n];\nmpc.gencost"));
        assertTrue(e.getMessage().matches(".*ring.m:1[4-7]: network is meshed.*"), e.getMessage());
        assertTrue(e.getMessage().contains("closes the loop"), e.getMessage());
        for (String bus : List.of("1", "2", "3", "4")) {
            assertTrue(e.getMessage().matches(".*loop .*\\b" + bus + "\\b.*"), e.getMessage());
        }
    }

    @Test
    void case33bwWithTiesClosedIsMeshed() throws IOException {
        Path original = SharedDataAssumptions.requireSharedFile("matpower-cases/case33bw.m");
        List<String> lines = new ArrayList<>();
        boolean inBranch = false;
        int closed = 0;
        for (String line : Files.readAllLines(original)) {
            if (line.startsWith("mpc.branch")) {
                inBranch = true;
            } else if (line.startsWith("]")) {
                inBranch = false;
            } else if (inBranch) {
                String[] cells = line.trim().split("\\s+");
                if (cells[10].equals("0")) {
                    cells[10] = "1";
                    line = "\t" + String.join("\t", cells);
                    closed++;
                }
            }
            lines.add(line);
        }
        assertEquals(5, closed);
        Path meshed = dir.resolve("case33bw_meshed.m");
        Files.write(meshed, lines);
        var e = assertThrows(MatpowerFormatException.class, () -> MatpowerCaseReader.read(meshed));
        assertTrue(e.getMessage().contains("case33bw_meshed.m:"), e.getMessage());
        assertTrue(e.getMessage().contains("network is meshed, not radial: branch "), e.getMessage());
        assertTrue(e.getMessage().contains("closes the loop"), e.getMessage());
        assertTrue(e.line() > 0);
        assertTrue(lines.get(e.line() - 1).trim().split("\\s+")[10].equals("1"), "reported line is a closed tie");
    }

    @Test
    void disconnectedIslandIsListed() throws IOException {
        // Open branch 2-3: buses 3 and 4 lose their supply (the 4-1 tie is already open).
        var e = refused("island.m", SMALL_CASE.replace("0.0156\t0\t0\t0\t0\t0\t0\t1", "0.0156\t0\t0\t0\t0\t0\t0\t0"));
        assertTrue(e.getMessage().contains("island.m: network is disconnected: 1 island(s) not connected to slack bus 1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("island 1: buses [3, 4]"), e.getMessage());
    }

    @Test
    void sharedCasesStartWithTheirSlackAtBusOne() {
        for (String name : List.of("case141", "case33bw", "case69", "case85", "case118zh", "case136ma")) {
            Network network = MatpowerCaseReader.read(SharedDataAssumptions.requireSharedFile("matpower-cases/" + name + ".m"));
            assertEquals(1, network.busNumber(network.slackIndex()), name);
            assertEquals(1.0, network.slackVmPu(), name);
        }
    }
}
