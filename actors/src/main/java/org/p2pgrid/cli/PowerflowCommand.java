package org.p2pgrid.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.p2pgrid.env.grid.DefaultFeeder;
import org.p2pgrid.env.grid.MatpowerCaseReader;
import org.p2pgrid.env.grid.MatpowerFormatException;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.grid.PowerFlowResult;
import org.p2pgrid.env.grid.RadialPowerFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code p2pgrid powerflow}: one base-load AC power flow (backward/forward sweep) on a feeder. */
@Command(name = "powerflow", mixinStandardHelpOptions = true,
        description = {"Solves the base-case AC power flow of a radial feeder with the backward/forward sweep",
                "and prints iterations, losses, Vmin/Vmax and solve time."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:converged", "1:did not converge", "2:bad arguments or unreadable / invalid case file"})
public final class PowerflowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--case", paramLabel = "FILE.m",
            description = "MATPOWER case in per-unit mpc text form (as written by savecase). Default: built-in 141-bus feeder.")
    Path caseFile;

    @Option(names = "--csv", paramLabel = "OUT.csv", description = "Write bus voltages (bus,vm_pu,va_deg), one row per bus.")
    Path csv;

    @Option(names = "--tol", paramLabel = "PU", defaultValue = "1e-9",
            description = "Stop when the largest bus voltage change is at most this (p.u.). Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100",
            description = "Iteration limit. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Network network;
        RadialPowerFlow flow;
        try {
            network = caseFile == null ? DefaultFeeder.case141() : MatpowerCaseReader.read(caseFile);
            flow = new RadialPowerFlow(network, tolerance, maxIterations);
        } catch (MatpowerFormatException | IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (UncheckedIOException e) {
            String reason = e.getCause() instanceof NoSuchFileException ? "no such file" : e.getCause().getMessage();
            return fail(err, "cannot read " + caseFile + ": " + reason);
        }
        long start = System.nanoTime();
        PowerFlowResult result = flow.solve();
        long nanos = System.nanoTime() - start;

        out.printf(Locale.ROOT, "case:       %s (%d buses, %d branches, baseMVA %s, baseKV %s)%n", network.name(),
                network.busCount(), network.branchCount(), network.baseMva(), network.baseKv());
        out.printf(Locale.ROOT, "converged:  %s after %d iterations (tol %s p.u.)%n",
                result.converged() ? "yes" : "NO", result.iterations(), tolerance);
        out.printf(Locale.ROOT, "losses:     %.3f kW, %.3f kvar%n", network.toKw(result.lossesPu()),
                network.toKw(result.lossesQPu()));
        out.printf(Locale.ROOT, "Vmin:       %.6f p.u. at bus %d%n", result.minVm(), network.busNumber(result.argMinVm()));
        out.printf(Locale.ROOT, "Vmax:       %.6f p.u. at bus %d%n", result.maxVm(), network.busNumber(result.argMaxVm()));
        out.printf(Locale.ROOT, "time:       %.3f ms (single cold solve, includes JIT warm-up)%n", nanos / 1e6);
        if (csv != null) {
            try {
                writeCsv(network, result, csv);
            } catch (IOException e) {
                return fail(err, "cannot write " + csv + ": " + e.getMessage());
            }
            out.printf(Locale.ROOT, "csv:        %s (%d rows)%n", csv, network.busCount());
        }
        out.flush();
        return result.converged() ? 0 : 1;
    }

    private static void writeCsv(Network network, PowerFlowResult result, Path file) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write("bus,vm_pu,va_deg\n");
            for (int i = 0; i < network.busCount(); i++) {
                writer.write(String.format(Locale.ROOT, "%d,%.10f,%.8f%n", network.busNumber(i), result.vmPu()[i],
                        result.vaDeg()[i]));
            }
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("powerflow: " + message.replace('\n', ' '));
        err.flush();
        return 2;
    }
}
