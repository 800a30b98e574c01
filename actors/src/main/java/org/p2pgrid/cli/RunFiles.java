package org.p2pgrid.cli;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.p2pgrid.env.pomdp.Scenario;
import org.p2pgrid.env.pomdp.Scenarios;
import org.p2pgrid.expert.label.LabelFingerprint;
import org.p2pgrid.learner.train.Trainer;
import org.p2pgrid.learner.train.TrainingConfig;

/**
 * What a run directory records so that {@code train --resume} and {@code evaluate} rebuild exactly
 * the same scenario and configuration: {@code training.conf} (written by the trainer),
 * {@code scenario.conf} (a copy of the scenario file, absent for the built-in default) and
 * {@code run.properties} (the profile seed).
 */
final class RunFiles {
    static final String SCENARIO = "scenario.conf";
    static final String PROPERTIES = "run.properties";

    private RunFiles() {}

    static void record(Path runDir, Path scenarioFile, long profileSeed) throws IOException {
        Files.createDirectories(runDir);
        if (scenarioFile != null) {
            Files.copy(scenarioFile, runDir.resolve(SCENARIO), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(runDir.resolve(SCENARIO));
        }
        Properties p = new Properties();
        p.setProperty("profile-seed", Long.toString(profileSeed));
        try (Writer w = Files.newBufferedWriter(runDir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.store(w, "p2pgrid run");
        }
    }

    static long profileSeed(Path runDir) throws IOException {
        Path f = runDir.resolve(PROPERTIES);
        if (!Files.exists(f)) {
            throw new IOException(runDir + " is not a p2pgrid run directory (no " + PROPERTIES + ")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String v = p.getProperty("profile-seed");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IOException(f + ": profile-seed = '" + v + "' is not a number");
        }
    }

    static Scenario scenario(Path runDir, long profileSeed) {
        Path f = runDir.resolve(SCENARIO);
        return Files.exists(f) ? Scenarios.fromFile(f, profileSeed) : Scenarios.defaults(profileSeed);
    }

    static TrainingConfig trainingConfig(Path runDir) throws IOException {
        Path f = runDir.resolve(Trainer.CONFIG_FILE);
        if (!Files.exists(f)) {
            throw new IOException(runDir + " is not a p2pgrid run directory (no " + Trainer.CONFIG_FILE + ")");
        }
        return TrainingConfig.from(ConfigFactory.parseFile(f.toFile()));
    }

    static String fingerprint(Scenario scenario, long profileSeed) {
        return Long.toHexString(LabelFingerprint.of(scenario, profileSeed));
    }
}
