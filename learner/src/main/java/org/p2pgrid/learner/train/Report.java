package org.p2pgrid.learner.train;

import java.awt.AWTError;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.P2pTradingEnv;

/**
 * The final results of a run, for people: {@code evaluation.csv} (every policy's greedy result on every
 * evaluation day), {@code report.md} (run facts, a results table, the learning-target verdict, links to the
 * plots) and PNG plots under {@code plots/} drawn with XChart from {@code history.csv} /
 * {@code validation.csv} and the evaluation results.
 *
 * <p>Headless: {@code java.awt.headless} is set to {@code true} before any AWT use unless the caller set it.
 * Numbers are formatted with {@link Locale#ROOT}. Files are written to a temporary sibling and moved into
 * place, so a viewer never sees half a PNG (plots are refreshed while a run is going on).
 */
public final class Report {
    public static final String EVALUATION_FILE = "evaluation.csv";
    public static final String REPORT_FILE = "report.md";
    public static final String PLOTS_DIR = "plots";
    public static final String TRAINING_CURVES_PLOT = "training-curves.png";
    public static final String VALIDATION_PLOT = "validation.png";
    public static final String TEST_COSTS_PLOT = "test-costs.png";

    /** Learning target: mean test cost at most this multiple of the expert's … */
    public static final double TARGET_COST_RATIO = 1.10;
    /** … and mean violation rate (p.u.) at most this. */
    public static final double TARGET_VIOLATION_RATE_PU = 1.06e-3;
    /** Window (episodes) of the moving averages in the training curves. */
    public static final int MOVING_AVERAGE_EPISODES = 10;

    static final String EVALUATION_HEADER =
            "policy,day,date,cost_cny,reward,discounted_reward,violation_rate_pu,violated_steps";

    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 400;
    private static final Color RAW_COLOUR = new Color(120, 150, 200);
    private static final Color AVERAGE_COLOUR = new Color(200, 40, 30);
    private static final Color[] POLICY_COLOURS = {new Color(200, 40, 30), new Color(30, 90, 180),
            new Color(40, 150, 60), new Color(150, 80, 170), new Color(230, 140, 20), new Color(90, 90, 90)};

    private Report() {}

    /** One policy's greedy results on the evaluation days (e.g. "OP-MH (learned)", "expert (perfect foresight)", "rule-based"). */
    public record PolicyResult(String name, List<Evaluation.DayResult> days) {
        public PolicyResult {
            Objects.requireNonNull(name, "name");
            days = List.copyOf(days);
        }
    }

    /**
     * Writes into runDir: evaluation.csv (one row per day and policy: policy,day,date,cost_cny,reward,discounted_reward,violation_rate_pu,violated_steps),
     * report.md (title, run facts passed in `facts` as a key/value table, a results table per policy: days, cost mean ± std (sample std), mean discounted reward, mean violation rate (p.u., scientific), violated-step fraction, and cost ratio to the policy named `reference` (the expert) if present; the learning-target line "test cost ≤ 1.10× expert and violation rate ≤ 1.06e-3: met / not met (x.xx×, y.ye-z)" for the policy named `learned`; links to the plots),
     * plots/training-curves.png (from history.csv: 6 panels — per-episode cost, violation rate, reward, mean λ, mean Ŵ2, mean σ vs episode, each with a moving average of 10 episodes) and plots/validation.png (validation mean cost vs episode, with the rule-based cost as a horizontal line; skip if validation.csv is missing/empty) and plots/test-costs.png (per-day test cost of each policy vs day).
     * Returns the paths written.
     *
     * @param facts     shown in order (use a {@link java.util.LinkedHashMap}); may be empty
     * @param learned   name of the learned policy in {@code results}; null or absent: no target line
     * @param reference name of the expert in {@code results}; null or absent: no ratio column, target "not checked"
     * @throws IllegalArgumentException two policies with the same name
     * @throws IOException writing, or a malformed history.csv / validation.csv (file, line and column named)
     */
    public static List<Path> write(Path runDir, Map<String, String> facts, List<PolicyResult> results, String learned,
                                   String reference) throws IOException {
        Objects.requireNonNull(runDir, "runDir");
        Set<String> names = new HashSet<>();
        for (PolicyResult r : results) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("two policies named '" + r.name() + "'");
            }
        }
        Files.createDirectories(runDir);
        List<Path> written = new ArrayList<>();
        written.add(writeEvaluationCsv(runDir.resolve(EVALUATION_FILE), results));
        List<Path> plots = new ArrayList<>(plotTraining(runDir));
        Path testCosts = plotTestCosts(runDir, results);
        if (testCosts != null) {
            plots.add(testCosts);
        }
        written.addAll(plots);
        Path md = runDir.resolve(REPORT_FILE);
        writeAtomically(md, markdown(runDir, facts == null ? Map.of() : facts, results, learned, reference, plots)
                .getBytes(StandardCharsets.UTF_8));
        written.add(md);
        return written;
    }

    /** The training-curve and validation plots only, from the CSVs in runDir (for a run without a final evaluation yet). */
    public static List<Path> plotTraining(Path runDir) throws IOException {
        List<Path> written = new ArrayList<>();
        Table history = Table.read(runDir.resolve(TrainingHistory.EPISODES_FILE));
        if (history != null && history.rows() > 0) {
            written.add(plotTrainingCurves(runDir, history));
        }
        Table validation = Table.read(runDir.resolve(TrainingHistory.VALIDATION_FILE));
        if (validation != null && validation.rows() > 0) {
            written.add(plotValidation(runDir, validation));
        }
        return written;
    }

    // ---------------------------------------------------------------- evaluation.csv

    private static Path writeEvaluationCsv(Path file, List<PolicyResult> results) throws IOException {
        StringBuilder sb = new StringBuilder(EVALUATION_HEADER).append('\n');
        for (PolicyResult r : results) {
            String policy = csvField(r.name());
            for (Evaluation.DayResult d : r.days()) {
                // Double.toString: locale-independent and round-trips exactly.
                sb.append(policy).append(',').append(d.day()).append(',').append(DataSplit.date(d.day())).append(',')
                        .append(d.cost()).append(',').append(d.reward()).append(',').append(d.discountedReward())
                        .append(',').append(d.violationRatePu()).append(',').append(d.violatedSteps()).append('\n');
            }
        }
        writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    // ---------------------------------------------------------------- report.md

    private static String markdown(Path runDir, Map<String, String> facts, List<PolicyResult> results, String learned,
                                   String reference, List<Path> plots) {
        StringBuilder md = new StringBuilder();
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        md.append("# Evaluation report").append(name == null ? "" : " — " + name).append("\n\n");

        md.append("## Run\n\n");
        if (facts.isEmpty()) {
            md.append("(no facts recorded)\n\n");
        } else {
            md.append("| | |\n|---|---|\n");
            facts.forEach((k, v) -> md.append("| ").append(cell(k)).append(" | ").append(cell(v)).append(" |\n"));
            md.append('\n');
        }

        Evaluation.Summary ref = null;
        if (reference != null) {
            for (PolicyResult r : results) {
                if (r.name().equals(reference)) {
                    ref = summary(r);
                }
            }
        }
        boolean ratios = ref != null && ref.days() > 0;

        md.append("## Results on the evaluation days\n\n");
        if (results.isEmpty()) {
            md.append("(no policy evaluated)\n\n");
        } else {
            md.append("Greedy policies; cost per day in CNY (mean ± sample standard deviation over days); violation rate "
                    + "is the mean over days of the per-day rate (p.u.); violated-step fraction is violated steps / ("
                    + "days × " + P2pTradingEnv.STEPS_PER_DAY + ").\n\n");
            md.append("| policy | days | cost mean ± std (CNY/day) | mean discounted reward | mean violation rate (p.u.) "
                    + "| violated-step fraction |");
            if (ratios) {
                md.append(" cost ratio to ").append(cell(reference)).append(" | Δ cost to ").append(cell(reference))
                        .append(" (CNY/day) |");
            }
            md.append('\n').append("|---|---:|---:|---:|---:|---:|").append(ratios ? "---:|---:|" : "").append('\n');
            for (PolicyResult r : results) {
                Evaluation.Summary s = summary(r);
                md.append("| ").append(cell(r.name())).append(" | ").append(s.days()).append(" | ")
                        .append(meanStd(s)).append(" | ").append(fixed(s.meanDiscountedReward(), 3)).append(" | ")
                        .append(sci(s.meanViolationRatePu())).append(" | ").append(fixed(s.violatedStepFraction(), 4))
                        .append(" |");
                if (ratios) {
                    md.append(' ').append(ratio(s.meanCost(), ref.meanCost(), 3)).append(" | ")
                            .append(signed(s.meanCost() - ref.meanCost())).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        if (learned != null) {
            PolicyResult l = null;
            for (PolicyResult r : results) {
                if (r.name().equals(learned)) {
                    l = r;
                }
            }
            if (l != null) {
                md.append(targetLine(learned, summary(l), ref)).append("\n\n");
            }
        }

        if (!plots.isEmpty()) {
            md.append("## Plots\n\n");
            Path base = runDir.toAbsolutePath().normalize();
            for (Path p : plots) {
                String rel = base.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
                md.append("![").append(plotCaption(p)).append("](").append(rel).append(")\n\n");
            }
        }
        return md.toString();
    }

    /** The learning-target line for the learned policy's summary against the expert's (null: not checkable). */
    static String targetLine(String name, Evaluation.Summary learned, Evaluation.Summary expert) {
        String target = String.format(Locale.ROOT, "test cost ≤ %.2f× expert and violation rate ≤ %s",
                TARGET_COST_RATIO, sci(TARGET_VIOLATION_RATE_PU));
        if (expert == null || expert.days() == 0) {
            return "**Learning target** (" + cell(name) + ") — " + target + ": not checked (no expert results) ("
                    + sci(learned.meanViolationRatePu()) + ")";
        }
        double c = learned.meanCost(), e = expert.meanCost(), v = learned.meanViolationRatePu();
        // c ≤ 1.10·e for a positive expert cost; e + 0.10·|e| keeps "at most 10 % worse" meaningful if e ≤ 0.
        boolean costMet = c <= e + (TARGET_COST_RATIO - 1) * Math.abs(e);
        boolean violationMet = v <= TARGET_VIOLATION_RATE_PU;
        String costShown = e > 0 ? ratio(c, e, 2)
                : String.format(Locale.ROOT, "Δ %s CNY/day, expert mean ≤ 0", signed(c - e));
        return "**Learning target** (" + cell(name) + ") — " + target + ": " + (costMet && violationMet ? "met" : "not met")
                + " (" + costShown + ", " + sci(v) + ")";
    }

    private static Evaluation.Summary summary(PolicyResult r) {
        return Evaluation.Summary.of(r.days(), P2pTradingEnv.STEPS_PER_DAY);
    }

    private static String meanStd(Evaluation.Summary s) {
        if (s.days() == 0) {
            return "–";
        }
        return fixed(s.meanCost(), 2) + " ± " + (s.days() > 1 ? fixed(s.stdCost(), 2) : "n/a");
    }

    private static String ratio(double a, double b, int decimals) {
        if (!(b > 0) || !Double.isFinite(a)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f×", a / b);
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : String.valueOf(v);
    }

    private static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", v) : String.valueOf(v);
    }

    /** Scientific with 3 significant digits and a bare exponent: 1.06e-3, 0, NaN. */
    static String sci(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        String s = String.format(Locale.ROOT, "%.2e", v);
        int e = s.indexOf('e');
        int exponent = Integer.parseInt(s.substring(e + 1));
        return s.substring(0, e + 1) + exponent;
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String plotCaption(Path p) {
        String f = p.getFileName().toString();
        return switch (f) {
            case TRAINING_CURVES_PLOT -> "Training curves";
            case VALIDATION_PLOT -> "Validation cost";
            case TEST_COSTS_PLOT -> "Cost per evaluation day";
            default -> f;
        };
    }

    // ---------------------------------------------------------------- plots

    private static Path plotTrainingCurves(Path runDir, Table h) throws IOException {
        double[] episode = h.column("episode");
        String[][] panels = {
                {"cost_cny", "Episode cost", "cost (CNY/day)", null},
                {"violation_rate_pu", "Voltage violation rate", "violation rate (p.u.)", "0.0E0"},
                {"reward", "Episode reward", "reward (sum over the day)", null},
                {"mean_lambda", "Mean λ (imitation multiplier)", "λ (dimensionless)", ""},
                {"mean_w2", "Mean Ŵ2 (distance to expert action)", "Ŵ2 (normalised action units)", ""},
                {"mean_sigma", "Mean σ (policy std)", "σ (normalised action units)", ""},
        };
        List<XYChart> charts = new ArrayList<>();
        for (String[] p : panels) {
            double[] y = h.column(p[0]);
            XYChart chart = chart(p[1], "episode", p[2]);
            if (p[3] != null) {
                chart.getStyler().setYAxisDecimalPattern(p[3].isEmpty() ? smallValuePattern(y) : p[3]);
            }
            addFinite(chart, "per episode", episode, y, RAW_COLOUR, episode.length <= 60, false);
            addFinite(chart, "moving average (" + MOVING_AVERAGE_EPISODES + " episodes)", episode,
                    movingAverage(y, MOVING_AVERAGE_EPISODES), AVERAGE_COLOUR, false, true);
            charts.add(chart);
        }
        return render(runDir.resolve(PLOTS_DIR).resolve(TRAINING_CURVES_PLOT), charts, 2);
    }

    private static Path plotValidation(Path runDir, Table v) throws IOException {
        double[] episode = v.column("episode");
        double[] cost = v.column("mean_cost_cny");
        double[] rule = v.column("rule_based_mean_cost_cny");
        XYChart chart = chart("Validation: greedy policy, mean cost over the validation days", "episode",
                "mean cost (CNY/day)");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        addFinite(chart, "learned policy (greedy)", episode, cost, POLICY_COLOURS[1], true, true);
        double ruleCost = Double.NaN;
        for (int i = rule.length - 1; i >= 0 && Double.isNaN(ruleCost); i--) {
            if (Double.isFinite(rule[i])) {
                ruleCost = rule[i];
            }
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double e : episode) {
            if (Double.isFinite(e)) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
        }
        if (Double.isFinite(ruleCost) && lo <= hi) {
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "rule-based (%.2f CNY/day)", ruleCost),
                    new double[] {lo, hi == lo ? lo + 1 : hi}, new double[] {ruleCost, ruleCost});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.DARK_GRAY);
            s.setLineStyle(SeriesLines.DASH_DASH);
        }
        return render(runDir.resolve(PLOTS_DIR).resolve(VALIDATION_PLOT), List.of(chart), 1);
    }

    private static Path plotTestCosts(Path runDir, List<PolicyResult> results) throws IOException {
        boolean any = results.stream().anyMatch(r -> !r.days().isEmpty());
        if (!any) {
            return null;
        }
        XYChart chart = chart("Cost per evaluation day (greedy)", "day of year " + DataSplit.YEAR + " (0 = 1 January)",
                "cost (CNY/day)");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        int k = 0;
        for (PolicyResult r : results) {
            List<Evaluation.DayResult> days = new ArrayList<>(r.days());
            days.sort((a, b) -> Integer.compare(a.day(), b.day()));
            double[] x = new double[days.size()], y = new double[days.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = days.get(i).day();
                y[i] = days.get(i).cost();
            }
            Evaluation.Summary s = summary(r);
            String label = r.name() + (s.days() > 0 ? String.format(Locale.ROOT, " (mean %.2f)", s.meanCost()) : "");
            addFinite(chart, label, x, y, POLICY_COLOURS[k++ % POLICY_COLOURS.length], true, false);
        }
        return render(runDir.resolve(PLOTS_DIR).resolve(TEST_COSTS_PLOT), List.of(chart), 1);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        ensureHeadless();
        XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        c.getStyler().setLocale(Locale.ROOT);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setLegendBackgroundColor(new Color(255, 255, 255, 210));
        c.getStyler().setMarkerSize(5);
        c.getStyler().setAntiAlias(true);
        return c;
    }

    /** XChart's own pattern prints 0.09 as ".09"; small magnitudes get a scientific axis instead. */
    private static String smallValuePattern(double[] y) {
        double max = 0;
        for (double v : y) {
            if (Double.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max > 0 && max < 1e-2 ? "0.0E0" : "#,##0.###";
    }

    /** Adds the finite (x, y) points; a series with none is left out (XChart refuses empty data). */
    private static void addFinite(XYChart chart, String name, double[] x, double[] y, Color colour, boolean markers,
                                  boolean bold) {
        int n = 0;
        double[] fx = new double[x.length], fy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                fx[n] = x[i];
                fy[n] = y[i];
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        XYSeries s = chart.addSeries(name, Arrays.copyOf(fx, n), Arrays.copyOf(fy, n));
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineWidth(bold ? 2.2f : 1.0f);
    }

    /** Trailing mean over the last {@code window} values, NaN skipped; NaN while the window holds no finite value. */
    static double[] movingAverage(double[] y, int window) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double sum = 0;
            int n = 0;
            for (int j = Math.max(0, i - window + 1); j <= i; j++) {
                if (Double.isFinite(y[j])) {
                    sum += y[j];
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : sum / n;
        }
        return out;
    }

    /** Paints the charts in a grid of {@code columns} columns into one PNG. */
    private static Path render(Path file, List<XYChart> charts, int columns) throws IOException {
        ensureHeadless();
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (int i = 0; i < charts.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create((i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT,
                        PANEL_WIDTH, PANEL_HEIGHT);
                try {
                    charts.get(i).paint(panel, PANEL_WIDTH, PANEL_HEIGHT);
                } finally {
                    panel.dispose();
                }
            }
        } catch (RuntimeException | AWTError e) {
            throw new IOException("drawing " + file + " failed (" + e + "); a headless JDK needs fontconfig and a "
                    + "TrueType font (e.g. fonts-dejavu-core)", e);
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available for " + file);
            }
        }
        move(tmp, file);
        return file;
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        move(tmp, file);
    }

    private static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    // ---------------------------------------------------------------- CSV reading

    /** A numeric CSV with a header row; columns are looked up by name so that added columns do not matter. */
    static final class Table {
        private final Path file;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String[]> rows = new ArrayList<>();
        private final List<Integer> lineNumbers = new ArrayList<>();

        private Table(Path file) {
            this.file = file;
        }

        /** Null if the file does not exist or is empty. */
        static Table read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int first = 0;
            while (first < lines.size() && lines.get(first).isBlank()) {
                first++;
            }
            if (first == lines.size()) {
                return null;
            }
            Table t = new Table(file);
            String[] header = lines.get(first).strip().split(",", -1);
            for (int c = 0; c < header.length; c++) {
                t.index.put(header[c].strip(), c);
            }
            for (int i = first + 1; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (fields.length != header.length) {
                    throw new IOException(String.format(Locale.ROOT, "%s line %d: %d fields, the header has %d",
                            file, i + 1, fields.length, header.length));
                }
                t.rows.add(fields);
                t.lineNumbers.add(i + 1);
            }
            return t;
        }

        int rows() {
            return rows.size();
        }

        /** The named column as numbers ("NaN" allowed); IOException naming file, line and column on anything else. */
        double[] column(String name) throws IOException {
            Integer c = index.get(name);
            if (c == null) {
                throw new IOException(file + " line 1: no column '" + name + "' in the header");
            }
            double[] out = new double[rows.size()];
            for (int i = 0; i < out.length; i++) {
                String s = rows.get(i)[c].strip();
                try {
                    if (s.isEmpty()) {
                        throw new NumberFormatException("empty");
                    }
                    out[i] = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IOException(String.format(Locale.ROOT, "%s line %d, column %d (%s): not a number: '%s'",
                            file, lineNumbers.get(i), c + 1, name, s), e);
                }
            }
            return out;
        }
    }
}
