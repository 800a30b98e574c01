package org.p2pgrid.env.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a MATPOWER case in the standard per-unit {@code mpc} text form written by {@code savecase}:
 * {@code mpc.baseMVA = ...;} and the matrices {@code mpc.bus}, {@code mpc.gen}, {@code mpc.branch}
 * ({@code [ ... ];}, one row per line ending with {@code ;}, comments from {@code %}). Other fields
 * ({@code gencost}, {@code version}, ...) are ignored.
 *
 * <p>Does not run MATLAB code: files whose data are converted by trailing code (e.g. MATPOWER's own
 * {@code case141.m}, in ohm/kVA) must first be normalised with {@code loadcase}+{@code savecase}.
 *
 * <p>Mapping to {@link Network}: bus Pd, Qd in MW/MVAr ÷ baseMVA → p.u. loads; in-service generators
 * at PQ buses are counted as negative load; the slack (BUS_TYPE 3) voltage set-point is the VG of an
 * in-service generator at it, else the bus VM; branches with BR_STATUS = 0 are dropped; baseKV is the
 * (common) BASE_KV of the buses. Refused with a {@link MatpowerFormatException}: unparsable numbers,
 * missing fields or columns, PV buses, shunts, line charging, transformers, unequal BASE_KV, and
 * topologies that are meshed or disconnected once the open branches are dropped.
 */
public final class MatpowerCaseReader {
    private MatpowerCaseReader() {}

    private static final String[] BUS_COLUMNS = {"BUS_I", "BUS_TYPE", "PD", "QD", "GS", "BS", "BUS_AREA", "VM",
            "VA", "BASE_KV", "ZONE", "VMAX", "VMIN"};
    private static final String[] GEN_COLUMNS = {"GEN_BUS", "PG", "QG", "QMAX", "QMIN", "VG", "MBASE",
            "GEN_STATUS"};
    private static final String[] BRANCH_COLUMNS = {"F_BUS", "T_BUS", "BR_R", "BR_X", "BR_B", "RATE_A",
            "RATE_B", "RATE_C", "TAP", "SHIFT", "BR_STATUS"};
    private static final int BUS_COLUMNS_NEEDED = 10;   // up to BASE_KV
    private static final int GEN_COLUMNS_NEEDED = 8;    // up to GEN_STATUS
    private static final int BRANCH_COLUMNS_NEEDED = 11; // up to BR_STATUS

    /** One matrix row: its cells as text and the line it came from. */
    private record Row(int line, String[] cells) {}

    /** A parsed {@code mpc.<field>}: a scalar or a matrix. */
    private record Field(int line, String scalar, List<Row> rows) {}

    public static Network read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MATPOWER case " + file + ": " + e.getMessage(), e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.m$", "");
        return parse(file.toString(), name, lines);
    }

    /** Parses case text already in memory; {@code source} is used in error messages. */
    public static Network parse(String source, String name, List<String> lines) {
        Map<String, Field> fields = scan(source, lines);
        return build(source, name, fields);
    }

    private static Map<String, Field> scan(String source, List<String> lines) {
        Map<String, Field> fields = new HashMap<>();
        String openMatrix = null;
        int openLine = 0;
        List<Row> rows = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String text = stripComment(lines.get(i)).trim();
            if (text.isEmpty()) {
                continue;
            }
            if (openMatrix == null) {
                if (!text.startsWith("mpc.")) {
                    continue; // function header, other statements
                }
                int eq = text.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String fieldName = text.substring(4, eq).trim();
                String value = text.substring(eq + 1).trim();
                if (value.startsWith("[")) {
                    openMatrix = fieldName;
                    openLine = lineNo;
                    rows = new ArrayList<>();
                    String rest = value.substring(1);
                    if (addRows(rest, lineNo, rows)) {
                        fields.put(openMatrix, new Field(openLine, null, rows));
                        openMatrix = null;
                    }
                } else {
                    if (value.endsWith(";")) {
                        value = value.substring(0, value.length() - 1).trim();
                    }
                    fields.put(fieldName, new Field(lineNo, value, List.of()));
                }
            } else if (text.startsWith("mpc.")) {
                throw new MatpowerFormatException(source, lineNo, "matrix mpc." + openMatrix + " opened on line "
                        + openLine + " is not closed with ']' before this line");
            } else if (addRows(text, lineNo, rows)) {
                fields.put(openMatrix, new Field(openLine, null, rows));
                openMatrix = null;
            }
        }
        if (openMatrix != null) {
            throw new MatpowerFormatException(source, openLine, "matrix mpc." + openMatrix
                    + " opened here is never closed with ']'");
        }
        return fields;
    }

    /** Adds the rows found in {@code text}; returns true if the matrix closed ({@code ]}) on this line. */
    private static boolean addRows(String text, int lineNo, List<Row> rows) {
        int close = text.indexOf(']');
        String body = close >= 0 ? text.substring(0, close) : text;
        for (String rowText : body.split(";")) {
            String trimmed = rowText.trim();
            if (!trimmed.isEmpty()) {
                rows.add(new Row(lineNo, trimmed.split("[\\s,]+")));
            }
        }
        return close >= 0;
    }

    private static String stripComment(String line) {
        int percent = line.indexOf('%');
        return percent >= 0 ? line.substring(0, percent) : line;
    }

    private static Network build(String source, String name, Map<String, Field> fields) {
        Field baseField = require(source, fields, "baseMVA");
        if (baseField.scalar() == null) {
            throw new MatpowerFormatException(source, baseField.line(), "mpc.baseMVA must be a number, found a matrix");
        }
        double baseMva = number(source, baseField.line(), "mpc.baseMVA", baseField.scalar());
        if (!(baseMva > 0) || Double.isInfinite(baseMva)) {
            throw new MatpowerFormatException(source, baseField.line(), "mpc.baseMVA must be positive, got '"
                    + baseField.scalar() + "'");
        }
        List<Row> busRows = matrix(source, fields, "bus");
        List<Row> branchRows = matrix(source, fields, "branch");
        List<Row> genRows = fields.containsKey("gen") ? matrix(source, fields, "gen") : List.of();

        int n = busRows.size();
        int[] numbers = new int[n];
        double[] pd = new double[n];
        double[] qd = new double[n];
        double[] vm = new double[n];
        int[] type = new int[n];
        Map<Integer, Integer> indexOf = new HashMap<>();
        double baseKv = Double.NaN;
        int slack = -1;
        for (int i = 0; i < n; i++) {
            Row row = busRows.get(i);
            String where = "bus row " + (i + 1);
            checkWidth(source, row, where, BUS_COLUMNS, BUS_COLUMNS_NEEDED);
            numbers[i] = integer(source, row, where, BUS_COLUMNS, 0);
            if (numbers[i] <= 0) {
                throw columnError(source, row, where, BUS_COLUMNS, 0, "bus numbers must be positive integers");
            }
            Integer previous = indexOf.put(numbers[i], i);
            if (previous != null) {
                throw columnError(source, row, where, BUS_COLUMNS, 0, "duplicate bus number (also in bus row "
                        + (previous + 1) + ")");
            }
            type[i] = integer(source, row, where, BUS_COLUMNS, 1);
            pd[i] = finite(source, row, where, BUS_COLUMNS, 2) / baseMva;
            qd[i] = finite(source, row, where, BUS_COLUMNS, 3) / baseMva;
            if (finite(source, row, where, BUS_COLUMNS, 4) != 0 || finite(source, row, where, BUS_COLUMNS, 5) != 0) {
                throw columnError(source, row, where, BUS_COLUMNS, finite(source, row, where, BUS_COLUMNS, 4) != 0 ? 4 : 5,
                        "bus shunts are not supported by the radial power flow (must be 0)");
            }
            vm[i] = finite(source, row, where, BUS_COLUMNS, 7);
            double kv = finite(source, row, where, BUS_COLUMNS, 9);
            if (!(kv > 0)) {
                throw columnError(source, row, where, BUS_COLUMNS, 9, "BASE_KV must be positive");
            }
            if (Double.isNaN(baseKv)) {
                baseKv = kv;
            } else if (kv != baseKv) {
                throw columnError(source, row, where, BUS_COLUMNS, 9, "all buses must share one BASE_KV (first bus has "
                        + baseKv + "); transformers / several voltage levels are not supported");
            }
            switch (type[i]) {
                case 1 -> { }
                case 3 -> {
                    if (slack >= 0) {
                        throw columnError(source, row, where, BUS_COLUMNS, 1, "second reference bus (BUS_TYPE 3; first is bus "
                                + numbers[slack] + "); a radial feeder has exactly one slack");
                    }
                    slack = i;
                }
                case 2 -> throw columnError(source, row, where, BUS_COLUMNS, 1,
                        "PV buses (BUS_TYPE 2) are not supported by the radial power flow; only PQ (1) and one slack (3)");
                case 4 -> throw columnError(source, row, where, BUS_COLUMNS, 1,
                        "isolated buses (BUS_TYPE 4) are not supported; remove the bus");
                default -> throw columnError(source, row, where, BUS_COLUMNS, 1, "BUS_TYPE must be 1, 2, 3 or 4");
            }
        }
        if (n == 0) {
            throw new MatpowerFormatException(source, fields.get("bus").line(), "mpc.bus has no rows");
        }
        if (slack < 0) {
            throw new MatpowerFormatException(source, fields.get("bus").line(),
                    "mpc.bus has no reference bus (BUS_TYPE 3), so there is no slack");
        }

        double slackVm = vm[slack];
        boolean slackHasGenerator = false;
        for (int g = 0; g < genRows.size(); g++) {
            Row row = genRows.get(g);
            String where = "gen row " + (g + 1);
            checkWidth(source, row, where, GEN_COLUMNS, GEN_COLUMNS_NEEDED);
            int busNumber = integer(source, row, where, GEN_COLUMNS, 0);
            Integer bus = indexOf.get(busNumber);
            if (bus == null) {
                throw columnError(source, row, where, GEN_COLUMNS, 0, "no such bus in mpc.bus");
            }
            if (finite(source, row, where, GEN_COLUMNS, 7) <= 0) {
                continue; // out of service
            }
            if (bus == slack) {
                double vg = finite(source, row, where, GEN_COLUMNS, 5);
                if (!(vg > 0)) {
                    throw columnError(source, row, where, GEN_COLUMNS, 5, "slack voltage set-point must be positive");
                }
                if (slackHasGenerator && vg != slackVm) {
                    throw columnError(source, row, where, GEN_COLUMNS, 5, "conflicts with set-point " + slackVm
                            + " of another generator at the slack");
                }
                slackVm = vg;
                slackHasGenerator = true;
            } else {
                // A generator at a PQ bus is a fixed injection, i.e. negative load (MATPOWER semantics).
                pd[bus] -= finite(source, row, where, GEN_COLUMNS, 1) / baseMva;
                qd[bus] -= finite(source, row, where, GEN_COLUMNS, 2) / baseMva;
            }
        }
        if (!(slackVm > 0)) {
            throw new MatpowerFormatException(source, busRows.get(slack).line(), "slack bus " + numbers[slack]
                    + " has no in-service generator and VM = " + slackVm + "; need a positive voltage set-point");
        }

        List<int[]> ends = new ArrayList<>();
        List<double[]> impedances = new ArrayList<>();
        List<Integer> lineOfBranch = new ArrayList<>();
        for (int k = 0; k < branchRows.size(); k++) {
            Row row = branchRows.get(k);
            String where = "branch row " + (k + 1);
            checkWidth(source, row, where, BRANCH_COLUMNS, BRANCH_COLUMNS_NEEDED);
            int fromNumber = integer(source, row, where, BRANCH_COLUMNS, 0);
            int toNumber = integer(source, row, where, BRANCH_COLUMNS, 1);
            Integer from = indexOf.get(fromNumber);
            if (from == null) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 0, "no such bus in mpc.bus");
            }
            Integer to = indexOf.get(toNumber);
            if (to == null) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 1, "no such bus in mpc.bus");
            }
            double status = finite(source, row, where, BRANCH_COLUMNS, 10);
            if (status == 0) {
                continue; // open tie switch / out of service
            }
            if (status != 1) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 10, "BR_STATUS must be 0 or 1");
            }
            double r = finite(source, row, where, BRANCH_COLUMNS, 2);
            double x = finite(source, row, where, BRANCH_COLUMNS, 3);
            if (r < 0) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 2, "resistance must not be negative");
            }
            if (r == 0 && x == 0) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 3, "zero impedance (BR_R = BR_X = 0) is not supported");
            }
            if (finite(source, row, where, BRANCH_COLUMNS, 4) != 0) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 4, "line charging is not supported (must be 0)");
            }
            double tap = finite(source, row, where, BRANCH_COLUMNS, 8);
            if (tap != 0 && tap != 1) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 8, "transformers (TAP other than 0 or 1) are not supported");
            }
            if (finite(source, row, where, BRANCH_COLUMNS, 9) != 0) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 9, "phase shifters are not supported (must be 0)");
            }
            if (from.equals(to)) {
                throw columnError(source, row, where, BRANCH_COLUMNS, 1, "branch connects bus " + fromNumber + " to itself");
            }
            ends.add(new int[] {from, to});
            impedances.add(new double[] {r, x});
            lineOfBranch.add(row.line());
        }
        int m = ends.size();
        int[] from = new int[m];
        int[] to = new int[m];
        double[] r = new double[m];
        double[] x = new double[m];
        for (int k = 0; k < m; k++) {
            from[k] = ends.get(k)[0];
            to[k] = ends.get(k)[1];
            r[k] = impedances.get(k)[0];
            x[k] = impedances.get(k)[1];
        }
        try {
            RadialTopology.of(numbers, from, to, slack);
        } catch (RadialTopology.TopologyException e) {
            int line = e.branch() >= 0 ? lineOfBranch.get(e.branch()) : 0;
            throw new MatpowerFormatException(source, line, e.getMessage());
        }
        return new Network(name, baseMva, baseKv, numbers, pd, qd, from, to, r, x, slack, slackVm);
    }

    private static Field require(String source, Map<String, Field> fields, String name) {
        Field field = fields.get(name);
        if (field == null) {
            throw new MatpowerFormatException(source, 0, "missing field mpc." + name);
        }
        return field;
    }

    private static List<Row> matrix(String source, Map<String, Field> fields, String name) {
        Field field = require(source, fields, name);
        if (field.scalar() != null) {
            throw new MatpowerFormatException(source, field.line(), "mpc." + name + " must be a matrix [ ... ], found '"
                    + field.scalar() + "'");
        }
        return field.rows();
    }

    private static void checkWidth(String source, Row row, String where, String[] names, int needed) {
        if (row.cells().length < needed) {
            throw new MatpowerFormatException(source, row.line(), where + " has " + row.cells().length
                    + " columns, needs at least " + needed + ": missing column " + names[row.cells().length]
                    + (needed - row.cells().length > 1 ? " .. " + names[needed - 1] : ""));
        }
    }

    private static MatpowerFormatException columnError(String source, Row row, String where, String[] names,
                                                       int column, String problem) {
        return new MatpowerFormatException(source, row.line(), where + ", column " + names[column] + " = '"
                + row.cells()[column] + "': " + problem);
    }

    private static double finite(String source, Row row, String where, String[] names, int column) {
        String text = row.cells()[column];
        double value;
        try {
            value = parse(text);
        } catch (NumberFormatException e) {
            throw columnError(source, row, where, names, column, "not a number");
        }
        if (!Double.isFinite(value)) {
            throw columnError(source, row, where, names, column, "must be finite");
        }
        return value;
    }

    private static int integer(String source, Row row, String where, String[] names, int column) {
        double value = finite(source, row, where, names, column);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw columnError(source, row, where, names, column, "must be an integer");
        }
        return (int) value;
    }

    private static double number(String source, int line, String field, String text) {
        try {
            return parse(text);
        } catch (NumberFormatException e) {
            throw new MatpowerFormatException(source, line, field + " = '" + text + "': not a number");
        }
    }

    /** MATLAB number syntax: adds Inf/NaN spellings; rejects Java-only forms such as hex or 'd' suffixes. */
    private static double parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        switch (t) {
            case "inf", "+inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            case "nan" -> { return Double.NaN; }
            default -> { }
        }
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            throw new NumberFormatException(text);
        }
        return Double.parseDouble(t);
    }
}
