package org.p2pgrid.learner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.data.DataSplit;
import org.p2pgrid.env.pomdp.P2pTradingEnv;

class ReportTest {
    private static final String LEARNED = "OP-MH (learned)";
    private static final String EXPERT = "expert (perfect foresight)";
    private static final String RULE = "rule-based";

    /** Synthetic history: {@code episodes} rows; the first {@code nanEpisodes} had no update (NaN losses and means). */
    private static void writeHistory(Path dir, int episodes, int nanEpisodes) {
        TrainingHistory h = new TrainingHistory(dir);
        Random rnd = new Random(7);
        for (int e = 0; e < episodes; e++) {
            boolean nan = e < nanEpisodes;
            double nanOr = nan ? Double.NaN : 1;
            double cost = 26_000 - 150.0 * e + 800 * rnd.nextGaussian();
            h.add(new TrainingHistory.Episode(e, e % 365, cost, -cost / 1000, -cost / 1500,
                    Math.max(0, 2e-3 * Math.exp(-e / 15.0) + 2e-4 * rnd.nextGaussian()), rnd.nextInt(5),
                    nan ? 0 : 100L * (e - nanEpisodes + 1), nan ? 0 : 100, nanOr * 3.1, nanOr * 0.4, nanOr * -2.5,
                    nanOr * 0.05, nanOr * (0.02 + 0.002 * e), nanOr * (0.8 * Math.exp(-e / 20.0) + 0.1),
                    nanOr * (0.5 - 0.01 * e), nanOr * -20, Math.max(0.05, 1 - 0.03 * e), 96 * (e + 1), 10 * e,
                    48 * e, 1.5, nan ? 0 : 66.6, 0.1));
        }
    }

    private static void writeValidation(Path dir, int rows) {
        TrainingHistory h = new TrainingHistory(dir);
        for (int v = 1; v <= rows; v++) {
            Evaluation.Summary s = new Evaluation.Summary(12, 25_000 - 400.0 * v, 3_000, -25, -17, 1e-4 / v, 0.001);
            h.add(new TrainingHistory.Validation(10 * v, 1000L * v, s, 25_904.39));
        }
    }

    private static List<Integer> testDays(int n) {
        return DataSplit.days(DataSplit.Split.TEST).subList(0, n);
    }

    /** Day results with costs {@code factor} × a base pattern and the given violation rate. */
    private static List<Evaluation.DayResult> days(List<Integer> days, double factor, double violation, int seed) {
        Random rnd = new Random(seed);
        List<Evaluation.DayResult> out = new ArrayList<>();
        for (int d : days) {
            double cost = factor * (20_000 + 37.0 * d) + rnd.nextGaussian() * 50;
            out.add(new Evaluation.DayResult(d, cost, -cost / 1000 + rnd.nextDouble() / 7, -cost / 1500,
                    violation * (0.5 + rnd.nextDouble()), rnd.nextInt(3)));
        }
        return out;
    }

    private static List<Report.PolicyResult> policies(double learnedFactor, double learnedViolation) {
        List<Integer> d = testDays(8);
        return List.of(new Report.PolicyResult(LEARNED, days(d, learnedFactor, learnedViolation, 1)),
                new Report.PolicyResult(EXPERT, days(d, 1.0, 0, 2)),
                new Report.PolicyResult(RULE, days(d, 1.25, 3.5e-5, 3)));
    }

    private static double mean(List<Evaluation.DayResult> days) {
        double s = 0;
        for (Evaluation.DayResult d : days) {
            s += d.cost();
        }
        return s / days.size();
    }

    private static double sampleStd(List<Evaluation.DayResult> days) {
        double m = mean(days), ss = 0;
        for (Evaluation.DayResult d : days) {
            ss += (d.cost() - m) * (d.cost() - m);
        }
        return Math.sqrt(ss / (days.size() - 1));
    }

    private static double meanViolation(List<Evaluation.DayResult> days) {
        double s = 0;
        for (Evaluation.DayResult d : days) {
            s += d.violationRatePu();
        }
        return s / days.size();
    }

    private static BufferedImage png(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " exists");
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
        }
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        assertEquals('N', head[2]);
        assertEquals('G', head[3]);
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " decodes");
        return img;
    }

    /** Optional: -Dp2pgrid.report.sampleDir=DIR keeps a copy of the plots for looking at them. */
    private static void keepSample(List<Path> files) throws IOException {
        String dir = System.getProperty("p2pgrid.report.sampleDir");
        if (dir == null) {
            return;
        }
        Path target = Path.of(dir);
        Files.createDirectories(target);
        for (Path f : files) {
            Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void writesCsvReportAndPlots(@TempDir Path run) throws IOException {
        writeHistory(run, 40, 5);
        writeValidation(run, 4);
        List<Report.PolicyResult> results = policies(1.05, 5e-4);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("config", "configs/paper.conf");
        facts.put("episodes", "40");
        facts.put("pipe | in value", "x");

        List<Path> written = Report.write(run, facts, results, LEARNED, EXPERT);

        Path plots = run.resolve(Report.PLOTS_DIR);
        Path curves = plots.resolve(Report.TRAINING_CURVES_PLOT);
        Path validation = plots.resolve(Report.VALIDATION_PLOT);
        Path testCosts = plots.resolve(Report.TEST_COSTS_PLOT);
        assertEquals(List.of(run.resolve(Report.EVALUATION_FILE), curves, validation, testCosts,
                run.resolve(Report.REPORT_FILE)), written);
        BufferedImage c = png(curves);
        assertEquals(1280, c.getWidth());
        assertEquals(1200, c.getHeight());
        for (Path p : List.of(validation, testCosts)) {
            BufferedImage img = png(p);
            assertTrue(img.getWidth() >= 400 && img.getWidth() <= 4000, p + " width " + img.getWidth());
            assertTrue(img.getHeight() >= 300 && img.getHeight() <= 4000, p + " height " + img.getHeight());
        }
        try (var s = Files.list(plots)) {
            assertEquals(3, s.count(), "no temporary files left behind");
        }
        keepSample(List.of(curves, validation, testCosts, run.resolve(Report.REPORT_FILE)));

        // evaluation.csv: days × policies rows, values round-trip exactly
        List<String> lines = Files.readAllLines(run.resolve(Report.EVALUATION_FILE), StandardCharsets.UTF_8);
        assertEquals("policy,day,date,cost_cny,reward,discounted_reward,violation_rate_pu,violated_steps", lines.get(0));
        assertEquals(1 + 8 * 3, lines.size());
        int row = 1;
        for (Report.PolicyResult r : results) {
            for (Evaluation.DayResult d : r.days()) {
                String[] f = lines.get(row++).split(",", -1);
                assertEquals(8, f.length);
                assertEquals(r.name(), f[0]);
                assertEquals(d.day(), Integer.parseInt(f[1]));
                assertEquals(DataSplit.date(d.day()).toString(), f[2]);
                assertEquals(d.cost(), Double.parseDouble(f[3]));
                assertEquals(d.reward(), Double.parseDouble(f[4]));
                assertEquals(d.discountedReward(), Double.parseDouble(f[5]));
                assertEquals(d.violationRatePu(), Double.parseDouble(f[6]));
                assertEquals(d.violatedSteps(), Integer.parseInt(f[7]));
            }
        }

        // report.md: facts, mean ± std, ratio, verdict, plot links
        String md = Files.readString(run.resolve(Report.REPORT_FILE));
        assertTrue(md.startsWith("# Evaluation report"), md);
        assertTrue(md.contains("| config | configs/paper.conf |"), md);
        assertTrue(md.contains("| pipe \\| in value | x |"), md);
        List<Evaluation.DayResult> l = results.get(0).days(), e = results.get(1).days();
        for (Report.PolicyResult r : results) {
            String meanStd = String.format(Locale.ROOT, "%.2f ± %.2f", mean(r.days()), sampleStd(r.days()));
            assertTrue(md.contains("| " + r.name() + " | 8 | " + meanStd + " |"), meanStd + " in\n" + md);
        }
        double ratio = mean(l) / mean(e);
        assertTrue(ratio > 1.03 && ratio < 1.07, "fixture ratio " + ratio);
        assertTrue(md.contains(String.format(Locale.ROOT, "%.3f×", ratio)), md);
        String verdict = String.format(Locale.ROOT,
                "test cost ≤ 1.10× expert and violation rate ≤ 1.06e-3: met (%.2f×, %s)", ratio,
                Report.sci(meanViolation(l)));
        assertTrue(md.contains(verdict), verdict + " in\n" + md);
        assertTrue(md.contains("](plots/training-curves.png)"), md);
        assertTrue(md.contains("](plots/validation.png)"), md);
        assertTrue(md.contains("](plots/test-costs.png)"), md);
        // independent check of the violated-step fraction of the rule-based policy
        int steps = results.get(2).days().stream().mapToInt(Evaluation.DayResult::violatedSteps).sum();
        assertTrue(md.contains(String.format(Locale.ROOT, " | %.4f |", steps / (8.0 * P2pTradingEnv.STEPS_PER_DAY))),
                md);
    }

    @Test
    void verdictNotMetWhenCostTooHigh(@TempDir Path run) throws IOException {
        List<Report.PolicyResult> results = policies(1.20, 5e-4);
        Report.write(run, Map.of(), results, LEARNED, EXPERT);
        String md = Files.readString(run.resolve(Report.REPORT_FILE));
        double ratio = mean(results.get(0).days()) / mean(results.get(1).days());
        assertTrue(ratio > 1.15, "fixture ratio " + ratio);
        assertTrue(md.contains(String.format(Locale.ROOT, ": not met (%.2f×, ", ratio)), md);
        assertFalse(md.contains(": met ("), md);
    }

    @Test
    void verdictNotMetWhenViolationRateTooHigh(@TempDir Path run) throws IOException {
        List<Report.PolicyResult> results = policies(1.02, 3e-3);
        Report.write(run, Map.of(), results, LEARNED, EXPERT);
        String md = Files.readString(run.resolve(Report.REPORT_FILE));
        double v = meanViolation(results.get(0).days());
        assertTrue(v > 1.06e-3, "fixture violation " + v);
        assertTrue(md.contains(String.format(Locale.ROOT, ": not met (%.2f×, %s)",
                mean(results.get(0).days()) / mean(results.get(1).days()), Report.sci(v))), md);
    }

    @Test
    void withoutHistoryOrReferenceStillWritesCsvReportAndTestPlot(@TempDir Path run) throws IOException {
        List<Report.PolicyResult> results = List.of(policies(1.05, 5e-4).get(0), policies(1.05, 5e-4).get(2));
        List<Path> written = Report.write(run, Map.of("seed", "1"), results, LEARNED, EXPERT);
        Path testCosts = run.resolve(Report.PLOTS_DIR).resolve(Report.TEST_COSTS_PLOT);
        assertEquals(List.of(run.resolve(Report.EVALUATION_FILE), testCosts, run.resolve(Report.REPORT_FILE)), written);
        png(testCosts);
        String md = Files.readString(run.resolve(Report.REPORT_FILE));
        assertTrue(md.contains("not checked (no expert results)"), md);
        assertFalse(md.contains("cost ratio"), md);
        assertFalse(md.contains("training-curves.png"), md);
    }

    @Test
    void plotTrainingSkipsMissingAndEmptyFiles(@TempDir Path run) throws IOException {
        assertEquals(List.of(), Report.plotTraining(run));
        assertFalse(Files.exists(run.resolve(Report.PLOTS_DIR)));
        Files.writeString(run.resolve(TrainingHistory.EPISODES_FILE), TrainingHistory.Episode.HEADER + "\n");
        Files.writeString(run.resolve(TrainingHistory.VALIDATION_FILE), "");
        assertEquals(List.of(), Report.plotTraining(run));
    }

    @Test
    void plotTrainingWithoutValidation(@TempDir Path run) throws IOException {
        writeHistory(run, 3, 0);
        List<Path> written = Report.plotTraining(run);
        assertEquals(List.of(run.resolve(Report.PLOTS_DIR).resolve(Report.TRAINING_CURVES_PLOT)), written);
        png(written.get(0));
    }

    @Test
    void nanRowsDoNotCrash(@TempDir Path run) throws IOException {
        // every episode before any update: λ, Ŵ2, σ are NaN throughout (panels without data)
        writeHistory(run, 12, 12);
        writeValidation(run, 1);
        List<Path> written = Report.plotTraining(run);
        assertEquals(2, written.size());
        for (Path p : written) {
            png(p);
        }
        assertTrue(Files.readString(run.resolve(TrainingHistory.EPISODES_FILE)).contains("NaN"));
    }

    @Test
    void malformedHistoryRowNamesFileLineAndColumn(@TempDir Path run) throws IOException {
        writeHistory(run, 4, 1);
        Path file = run.resolve(TrainingHistory.EPISODES_FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        String[] f = lines.get(3).split(",", -1);
        f[2] = "12x34"; // cost_cny of the third episode, line 4 of the file
        lines.set(3, String.join(",", f));
        Files.write(file, lines);
        IOException e = assertThrows(IOException.class, () -> Report.plotTraining(run));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        assertTrue(e.getMessage().contains("column 3 (cost_cny)"), e.getMessage());
        assertTrue(e.getMessage().contains("12x34"), e.getMessage());
    }

    @Test
    void truncatedHistoryRowNamesLine(@TempDir Path run) throws IOException {
        writeHistory(run, 4, 0);
        Path file = run.resolve(TrainingHistory.EPISODES_FILE);
        Files.writeString(file, "4,4,2000", StandardOpenOption.APPEND); // torn last row
        IOException e = assertThrows(IOException.class, () -> Report.plotTraining(run));
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void duplicatePolicyNamesRejected(@TempDir Path run) {
        List<Report.PolicyResult> p = policies(1, 0);
        assertThrows(IllegalArgumentException.class,
                () -> Report.write(run, Map.of(), List.of(p.get(0), p.get(0)), LEARNED, EXPERT));
    }

    @Test
    void policyNameWithCommaIsQuotedInCsv(@TempDir Path run) throws IOException {
        List<Evaluation.DayResult> d = days(testDays(2), 1, 0, 4);
        Report.write(run, Map.of(), List.of(new Report.PolicyResult("expert, \"oracle\"", d)), null, null);
        List<String> lines = Files.readAllLines(run.resolve(Report.EVALUATION_FILE));
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("\"expert, \"\"oracle\"\"\"," + d.get(0).day() + ","), lines.get(1));
    }

    @Test
    void targetWithNonPositiveExpertCostUsesTheDifference() {
        Evaluation.Summary expert = new Evaluation.Summary(3, -100, 5, 0, 0, 0, 0);
        String met = Report.targetLine("L", new Evaluation.Summary(3, -95, 5, 0, 0, 1e-4, 0), expert);
        assertTrue(met.endsWith(": met (Δ +5.00 CNY/day, expert mean ≤ 0, 1.00e-4)"), met);
        String notMet = Report.targetLine("L", new Evaluation.Summary(3, -85, 5, 0, 0, 1e-4, 0), expert);
        assertTrue(notMet.contains(": not met (Δ +15.00 CNY/day"), notMet);
    }

    @Test
    void formatting() {
        assertEquals("1.06e-3", Report.sci(1.06e-3));
        assertEquals("2.50e-5", Report.sci(2.5e-5));
        assertEquals("1.00e2", Report.sci(100));
        assertEquals("0", Report.sci(0));
        assertEquals("NaN", Report.sci(Double.NaN));
        double[] ma = Report.movingAverage(new double[] {Double.NaN, 1, 2, 3, Double.NaN}, 2);
        assertTrue(Double.isNaN(ma[0]));
        assertEquals(1.0, ma[1]);
        assertEquals(1.5, ma[2]);
        assertEquals(2.5, ma[3]);
        assertEquals(3.0, ma[4]);
    }
}
