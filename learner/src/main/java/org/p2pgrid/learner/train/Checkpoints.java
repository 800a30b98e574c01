package org.p2pgrid.learner.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Checkpoint directories of a run: {@code <run>/checkpoints/ep-000010/} holds the learner
 * (networks, Adam moments, λ, update counter), the replay (both shards, priorities, labels, counters),
 * the trainer's counters, the label requests still pending, and the history CSVs, plus a manifest
 * with every file's size and SHA-256. A checkpoint is written into a {@code .tmp} directory and
 * renamed into place, and {@code LATEST} is replaced atomically afterwards: a kill at any moment leaves
 * the previous checkpoint intact. Loading verifies the manifest and falls back to an older
 * checkpoint if the newest is damaged, saying why.
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    public static final String LATEST = "LATEST";
    static final String MANIFEST = "manifest.properties";
    public static final String LEARNER = "learner.bin";
    public static final String REPLAY = "replay.bin";
    static final String TRAINER = "trainer.properties";
    static final String PENDING = "pending-labels.bin";

    /** What the trainer itself needs to continue (all RNG streams are derived from the seed and these counters). */
    public record TrainerState(int nextEpisode, long steps, String fingerprint) {}

    /** Writes the payload files into a directory (the trainer supplies them). */
    @FunctionalInterface
    public interface Payload {
        void writeInto(Path dir) throws IOException;
    }

    private final Path root;
    private final int keep;

    public Checkpoints(Path runDir, int keep) {
        this.root = runDir.resolve(DIR);
        this.keep = keep;
    }

    public Path root() {
        return root;
    }

    public Path save(TrainerState state, List<LabelRequest> pending, Payload payload) throws IOException {
        Files.createDirectories(root);
        String name = String.format("ep-%06d", state.nextEpisode());
        Path tmp = root.resolve(name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        payload.writeInto(tmp);
        Properties t = new Properties();
        t.setProperty("next-episode", Integer.toString(state.nextEpisode()));
        t.setProperty("steps", Long.toString(state.steps()));
        t.setProperty("fingerprint", state.fingerprint());
        try (Writer w = Files.newBufferedWriter(tmp.resolve(TRAINER), StandardCharsets.UTF_8)) {
            t.store(w, "p2pgrid trainer state");
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve(PENDING))))) {
            out.writeInt(pending.size());
            for (LabelRequest r : pending) {
                r.writeTo(out);
            }
        }
        Properties manifest = new Properties();
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.sorted().toList()) {
                manifest.setProperty(f.getFileName() + ".bytes", Long.toString(Files.size(f)));
                manifest.setProperty(f.getFileName() + ".sha256", sha256(f));
            }
        }
        manifest.setProperty("created", java.time.Instant.now().toString());
        try (Writer w = Files.newBufferedWriter(tmp.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            manifest.store(w, "p2pgrid checkpoint manifest");
        }
        Path dir = root.resolve(name);
        deleteTree(dir);
        move(tmp, dir);
        Path latestTmp = root.resolve(LATEST + ".tmp");
        Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
        move(latestTmp, root.resolve(LATEST));
        prune(name);
        return dir;
    }

    /** The newest checkpoint that verifies; {@code problems} collects why newer ones were skipped. */
    public Optional<Path> latestValid(List<String> problems) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        Path latest = root.resolve(LATEST);
        if (Files.exists(latest)) {
            Path named = root.resolve(Files.readString(latest, StandardCharsets.UTF_8).trim());
            candidates.add(named);
        }
        for (Path p : complete()) {
            if (!candidates.contains(p)) {
                candidates.add(p);
            }
        }
        for (Path c : candidates) {
            String problem = verify(c);
            if (problem == null) {
                return Optional.of(c);
            }
            problems.add(c.getFileName() + ": " + problem);
        }
        return Optional.empty();
    }

    /** Null if {@code dir} is a complete, unmodified checkpoint; otherwise what is wrong. */
    public static String verify(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "missing";
        }
        Path m = dir.resolve(MANIFEST);
        if (!Files.exists(m)) {
            return "no " + MANIFEST + " (incomplete write)";
        }
        Properties manifest = new Properties();
        try (Reader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
            manifest.load(r);
        }
        for (String f : List.of(LEARNER, REPLAY, TRAINER, PENDING)) {
            if (manifest.getProperty(f + ".bytes") == null) {
                return "manifest lists no " + f;
            }
        }
        for (String key : manifest.stringPropertyNames()) {
            if (!key.endsWith(".bytes")) {
                continue;
            }
            String file = key.substring(0, key.length() - ".bytes".length());
            Path f = dir.resolve(file);
            if (!Files.exists(f)) {
                return file + " is missing";
            }
            long expected = Long.parseLong(manifest.getProperty(key));
            if (Files.size(f) != expected) {
                return file + " has " + Files.size(f) + " bytes, manifest says " + expected;
            }
            if (!sha256(f).equals(manifest.getProperty(file + ".sha256"))) {
                return file + " does not match its SHA-256 in the manifest (corrupted)";
            }
        }
        return null;
    }

    public static TrainerState readTrainerState(Path dir) throws IOException {
        Properties t = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(TRAINER), StandardCharsets.UTF_8)) {
            t.load(r);
        }
        try {
            return new TrainerState(Integer.parseInt(t.getProperty("next-episode")), Long.parseLong(t.getProperty("steps")),
                    t.getProperty("fingerprint", ""));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(dir.resolve(TRAINER) + ": bad counters " + t);
        }
    }

    public static List<LabelRequest> readPending(Path dir) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(PENDING))))) {
            int n = in.readInt();
            if (n < 0 || n > 10_000_000) {
                throw new IOException(dir.resolve(PENDING) + ": " + n + " pending requests is corrupt");
            }
            List<LabelRequest> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(LabelRequest.readFrom(in));
            }
            return out;
        }
    }

    public static DataOutputStream output(Path file) throws IOException {
        OutputStream os = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
    }

    public static DataInputStream input(Path file) throws IOException {
        InputStream is = Files.newInputStream(file);
        return new DataInputStream(new BufferedInputStream(is, 1 << 16));
    }

    private List<Path> complete() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("ep-\\d{6}"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
    }

    private void prune(String newest) throws IOException {
        List<Path> all = complete();
        for (int i = keep; i < all.size(); i++) {
            if (!all.get(i).getFileName().toString().equals(newest)) {
                deleteTree(all.get(i));
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    static String sha256(Path f) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
