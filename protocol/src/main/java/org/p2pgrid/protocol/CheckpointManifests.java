package org.p2pgrid.protocol;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.p2pgrid.protocol.v1.CheckpointFile;
import org.p2pgrid.protocol.v1.CheckpointManifest;

/**
 * A checkpoint directory's {@link CheckpointManifest}: built from the files (size and SHA-256 of
 * each, recursively, sorted by path), written LAST and atomically as {@value #FILE_NAME} — so a
 * directory without a manifest, or whose files disagree with it, is an incomplete checkpoint — and
 * verified on load.
 */
public final class CheckpointManifests {
    public static final String FILE_NAME = "MANIFEST.pb";

    private CheckpointManifests() {
    }

    /** Lists every regular file under {@code dir} except the manifest itself (symbolic links are refused). */
    public static CheckpointManifest build(Path dir, String runId, long episode, long updates, long policyVersion,
                                           long createdEpochMillis) throws IOException {
        CheckpointManifest.Builder b = CheckpointManifest.newBuilder().setSchemaVersion(SchemaVersions.CHECKPOINT)
                .setRunId(runId).setEpisode(episode).setUpdates(updates).setPolicyVersion(policyVersion)
                .setCreatedEpochMillis(createdEpochMillis);
        for (Path f : files(dir)) {
            b.addFiles(CheckpointFile.newBuilder().setPath(relative(dir, f)).setSizeBytes(Files.size(f))
                    .setSha256(ByteString.copyFrom(sha256(f))));
        }
        return new MessageValidator().validate(b.build());
    }

    /** Writes {@code manifest} to {@code dir/MANIFEST.pb} through a temporary file and an atomic rename. */
    public static void write(Path dir, CheckpointManifest manifest) throws IOException {
        new MessageValidator().validate(manifest);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            manifest.writeTo(out);
        }
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads and validates {@code dir/MANIFEST.pb} (size-limited parse). */
    public static CheckpointManifest read(Path dir, ProtocolLimits limits) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(FILE_NAME))) {
            return new WireParser(limits).parse(CheckpointManifest.parser(), in);
        }
    }

    /**
     * What is wrong with {@code dir} against {@code manifest}: missing files, other sizes or digests,
     * files the manifest does not list. Empty if the checkpoint is complete and intact.
     */
    public static List<String> verify(Path dir, CheckpointManifest manifest) throws IOException {
        List<String> problems = new ArrayList<>(new MessageValidator().check(manifest));
        if (!problems.isEmpty()) {
            return problems;
        }
        List<String> listed = new ArrayList<>();
        for (CheckpointFile f : manifest.getFilesList()) {
            listed.add(f.getPath());
            Path p = dir.resolve(f.getPath()).normalize();
            if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(f.getPath() + ": missing");
                continue;
            }
            long size = Files.size(p);
            if (size != f.getSizeBytes()) {
                problems.add(f.getPath() + ": " + size + " bytes, manifest says " + f.getSizeBytes());
                continue;
            }
            byte[] sha = sha256(p);
            if (!ByteString.copyFrom(sha).equals(f.getSha256())) {
                problems.add(f.getPath() + ": SHA-256 " + HexFormat.of().formatHex(sha) + ", manifest says "
                        + HexFormat.of().formatHex(f.getSha256().toByteArray()));
            }
        }
        for (Path f : files(dir)) {
            String rel = relative(dir, f);
            if (!listed.contains(rel)) {
                problems.add(rel + ": not in the manifest");
            }
        }
        return problems;
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("symbolic link in a checkpoint directory: " + p);
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String name = p.getFileName().toString();
                boolean manifestItself = p.getParent().equals(dir)
                        && (name.equals(FILE_NAME) || name.equals(FILE_NAME + ".tmp"));
                if (!manifestItself) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static String relative(Path dir, Path f) {
        return dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    }

    private static byte[] sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
