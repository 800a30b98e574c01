package org.p2pgrid.env.grid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's own plain-text feeder format (UTF-8, comma separated, {@code #} starts a comment line):
 * <pre>
 * base_mva,&lt;MVA&gt;
 * base_kv,&lt;kV&gt;
 * slack,&lt;bus number&gt;,&lt;voltage set-point p.u.&gt;
 * bus,&lt;bus number&gt;,&lt;Pd p.u.&gt;,&lt;Qd p.u.&gt;       one per bus, order = internal index
 * branch,&lt;from bus&gt;,&lt;to bus&gt;,&lt;r p.u.&gt;,&lt;x p.u.&gt;  one per in-service branch
 * </pre>
 * Powers are p.u. on base_mva, impedances p.u. on base_kv²/base_mva. Numbers are written with
 * {@link Double#toString(double)}, which round-trips every double exactly.
 */
public final class FeederCsv {
    private FeederCsv() {}

    /** Writes {@code network}; each line of {@code headerComment} becomes a {@code # } comment line. */
    public static void write(Network network, List<String> headerComment, Appendable out) throws IOException {
        for (String line : headerComment) {
            out.append("# ").append(line).append('\n');
        }
        out.append("base_mva,").append(Double.toString(network.baseMva())).append('\n');
        out.append("base_kv,").append(Double.toString(network.baseKv())).append('\n');
        out.append("slack,").append(Integer.toString(network.busNumber(network.slackIndex()))).append(',')
                .append(Double.toString(network.slackVmPu())).append('\n');
        for (int i = 0; i < network.busCount(); i++) {
            out.append("bus,").append(Integer.toString(network.busNumber(i))).append(',')
                    .append(Double.toString(network.basePdPu(i))).append(',')
                    .append(Double.toString(network.baseQdPu(i))).append('\n');
        }
        for (int k = 0; k < network.branchCount(); k++) {
            out.append("branch,").append(Integer.toString(network.busNumber(network.branchFrom(k)))).append(',')
                    .append(Integer.toString(network.busNumber(network.branchTo(k)))).append(',')
                    .append(Double.toString(network.branchR(k))).append(',')
                    .append(Double.toString(network.branchX(k))).append('\n');
        }
    }

    /**
     * Reads a feeder; {@code source} names it in error messages ({@code source:line: ...}).
     *
     * @throws IllegalArgumentException naming source, line, field and value for malformed content
     */
    public static Network read(BufferedReader in, String source, String name) {
        double baseMva = Double.NaN;
        double baseKv = Double.NaN;
        int slackNumber = -1;
        double slackVm = Double.NaN;
        List<Integer> numbers = new ArrayList<>();
        List<double[]> loads = new ArrayList<>();
        List<int[]> ends = new ArrayList<>();
        List<double[]> impedances = new ArrayList<>();
        List<Integer> branchLines = new ArrayList<>();
        int lineNo = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                String text = line.trim();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] c = text.split(",", -1);
                switch (c[0]) {
                    case "base_mva" -> {
                        width(source, lineNo, c, 2);
                        baseMva = number(source, lineNo, "base_mva", c[1]);
                    }
                    case "base_kv" -> {
                        width(source, lineNo, c, 2);
                        baseKv = number(source, lineNo, "base_kv", c[1]);
                    }
                    case "slack" -> {
                        width(source, lineNo, c, 3);
                        slackNumber = integer(source, lineNo, "slack bus", c[1]);
                        slackVm = number(source, lineNo, "slack vm_pu", c[2]);
                    }
                    case "bus" -> {
                        width(source, lineNo, c, 4);
                        numbers.add(integer(source, lineNo, "bus number", c[1]));
                        loads.add(new double[] {number(source, lineNo, "bus pd_pu", c[2]),
                                number(source, lineNo, "bus qd_pu", c[3])});
                    }
                    case "branch" -> {
                        width(source, lineNo, c, 5);
                        ends.add(new int[] {integer(source, lineNo, "branch from", c[1]),
                                integer(source, lineNo, "branch to", c[2])});
                        impedances.add(new double[] {number(source, lineNo, "branch r_pu", c[3]),
                                number(source, lineNo, "branch x_pu", c[4])});
                        branchLines.add(lineNo);
                    }
                    default -> throw new IllegalArgumentException(source + ":" + lineNo + ": unknown record kind '"
                            + c[0] + "' (expected base_mva, base_kv, slack, bus or branch)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feeder " + source, e);
        }
        if (Double.isNaN(baseMva) || Double.isNaN(baseKv) || slackNumber < 0) {
            throw new IllegalArgumentException(source + ": missing record " + (Double.isNaN(baseMva) ? "base_mva"
                    : Double.isNaN(baseKv) ? "base_kv" : "slack"));
        }
        int n = numbers.size();
        int[] busNumbers = new int[n];
        double[] pd = new double[n];
        double[] qd = new double[n];
        java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            busNumbers[i] = numbers.get(i);
            pd[i] = loads.get(i)[0];
            qd[i] = loads.get(i)[1];
            index.put(busNumbers[i], i);
        }
        int m = ends.size();
        int[] from = new int[m];
        int[] to = new int[m];
        double[] r = new double[m];
        double[] x = new double[m];
        for (int k = 0; k < m; k++) {
            Integer f = index.get(ends.get(k)[0]);
            Integer t = index.get(ends.get(k)[1]);
            if (f == null || t == null) {
                throw new IllegalArgumentException(source + ":" + branchLines.get(k) + ": branch refers to unknown bus "
                        + (f == null ? ends.get(k)[0] : ends.get(k)[1]));
            }
            from[k] = f;
            to[k] = t;
            r[k] = impedances.get(k)[0];
            x[k] = impedances.get(k)[1];
        }
        Integer slack = index.get(slackNumber);
        if (slack == null) {
            throw new IllegalArgumentException(source + ": slack bus " + slackNumber + " is not among the buses");
        }
        try {
            return new Network(name, baseMva, baseKv, busNumbers, pd, qd, from, to, r, x, slack, slackVm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static void width(String source, int line, String[] cells, int expected) {
        if (cells.length != expected) {
            throw new IllegalArgumentException(source + ":" + line + ": record '" + cells[0] + "' needs "
                    + expected + " fields, found " + cells.length);
        }
    }

    private static double number(String source, int line, String field, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(source + ":" + line + ": field " + field + " = '" + text
                + "' is not a finite number");
    }

    private static int integer(String source, int line, String field, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ":" + line + ": field " + field + " = '" + text
                    + "' is not an integer");
        }
    }
}
