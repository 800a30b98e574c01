package org.p2pgrid.expert.label;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.p2pgrid.env.device.ProsumerAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expert labels by (day, step, state key), in memory and — when given a directory — in an
 * append-only file that survives restarts, so a long (or resumed) run never solves the same problem
 * twice. Thread-safe.
 *
 * <p>File layout: a header (magic, version, scenario fingerprint), then records
 * {@code day:int, step:int, key:long, agents:int, agents×5 doubles, crc32:int}. A record is appended
 * and flushed as a whole; a torn last record (process killed mid-write) or a record whose checksum
 * fails is dropped on load with a warning and the file is truncated back to the last good record —
 * labels before it are kept. A file written for another scenario (different fingerprint) is never
 * read: labels of one scenario are wrong for another.
 */
public final class LabelCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabelCache.class);
    private static final int MAGIC = 0x50324c42; // "P2LB"
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 4 + 4 + 8;

    /** Identity of a labelling problem: the day, the step and a hash of the quantised device states. */
    public record Key(int day, int step, long stateKey) {}

    private final Map<Key, ProsumerAction[]> labels = new ConcurrentHashMap<>();
    private final Path file;
    private final DataOutputStream out;
    private int loadedFromDisk;
    private int droppedOnLoad;

    private LabelCache(Path file, DataOutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** A cache that lives only in memory. */
    public static LabelCache inMemory() {
        return new LabelCache(null, null);
    }

    /**
     * Opens (or creates) {@code dir/labels-<fingerprint>.bin} and loads every intact record.
     *
     * @param fingerprint identifies the scenario and expert settings the labels belong to
     */
    public static LabelCache open(Path dir, long fingerprint) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(String.format("labels-%016x.bin", fingerprint));
            LabelCache cache;
            if (Files.exists(file) && Files.size(file) > 0) {
                long goodBytes;
                try (InputStream in = Files.newInputStream(file)) {
                    cache = new LabelCache(file, null);
                    goodBytes = cache.load(new DataInputStream(new java.io.BufferedInputStream(in)), fingerprint);
                }
                if (goodBytes < Files.size(file)) {
                    LOG.warn("label cache {}: dropping {} torn/corrupt bytes after the last good record (kept {} labels)",
                            file, Files.size(file) - goodBytes, cache.labels.size());
                    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(goodBytes);
                    }
                }
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(file, StandardOpenOption.APPEND)));
                LabelCache opened = new LabelCache(file, out);
                opened.labels.putAll(cache.labels);
                opened.loadedFromDisk = cache.labels.size();
                opened.droppedOnLoad = cache.droppedOnLoad;
                return opened;
            }
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(fingerprint);
            out.flush();
            return new LabelCache(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException("label cache in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads records; returns the byte length of the intact prefix. */
    private long load(DataInputStream in, long fingerprint) throws IOException {
        int magic = in.readInt();
        int version = in.readInt();
        long fp = in.readLong();
        if (magic != MAGIC || version != VERSION) {
            throw new IOException(file + " is not a p2pgrid label cache (magic " + Integer.toHexString(magic)
                    + ", version " + version + ")");
        }
        if (fp != fingerprint) {
            throw new IOException(file + " belongs to scenario fingerprint " + Long.toHexString(fp)
                    + ", expected " + Long.toHexString(fingerprint));
        }
        long good = HEADER_BYTES;
        while (true) {
            try {
                int day = in.readInt();
                int step = in.readInt();
                long key = in.readLong();
                int agents = in.readInt();
                if (agents < 0 || agents > 1_000_000) {
                    droppedOnLoad++;
                    return good;
                }
                ByteBuffer buf = ByteBuffer.allocate(4 + 4 + 8 + 4 + agents * ProsumerAction.DIMS * 8);
                buf.putInt(day).putInt(step).putLong(key).putInt(agents);
                ProsumerAction[] actions = new ProsumerAction[agents];
                for (int i = 0; i < agents; i++) {
                    double[] a = new double[ProsumerAction.DIMS];
                    for (int d = 0; d < a.length; d++) {
                        a[d] = in.readDouble();
                        buf.putDouble(a[d]);
                    }
                    actions[i] = ProsumerAction.of(a);
                }
                int crc = in.readInt();
                CRC32 c = new CRC32();
                c.update(buf.array());
                if ((int) c.getValue() != crc) {
                    droppedOnLoad++;
                    return good;
                }
                labels.put(new Key(day, step, key), actions);
                good += buf.capacity() + 4;
            } catch (EOFException eof) {
                return good;
            } catch (IllegalArgumentException badValue) { // NaN/∞ action in a record: corrupt
                droppedOnLoad++;
                return good;
            }
        }
    }

    public Optional<ProsumerAction[]> get(Key key) {
        return Optional.ofNullable(labels.get(key));
    }

    /** Stores a label (first writer wins) and appends it to the file. */
    public void put(Key key, ProsumerAction[] actions) {
        if (labels.putIfAbsent(key, actions.clone()) != null || out == null) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 + 8 + 4 + actions.length * ProsumerAction.DIMS * 8);
        buf.putInt(key.day()).putInt(key.step()).putLong(key.stateKey()).putInt(actions.length);
        for (ProsumerAction a : actions) {
            for (double v : a.toArray()) {
                buf.putDouble(v);
            }
        }
        CRC32 c = new CRC32();
        c.update(buf.array());
        synchronized (out) {
            try {
                out.write(buf.array());
                out.writeInt((int) c.getValue());
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("appending to label cache " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public int size() {
        return labels.size();
    }

    /** Labels read from disk when the cache was opened. */
    public int loadedFromDisk() {
        return loadedFromDisk;
    }

    /** Records dropped on load because they were torn or failed their checksum. */
    public int droppedOnLoad() {
        return droppedOnLoad;
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public void close() {
        if (out != null) {
            synchronized (out) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
