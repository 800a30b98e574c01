package org.p2pgrid.actors.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The learner's replay write-ahead log: one append-only file per checkpoint interval,
 * {@code <run>/wal/ep-NNNNNN.log} holding the records written after checkpoint {@code ep-NNNNNN}
 * (ep-000000: before the first checkpoint). A record is {@code length:int (big-endian), payload,
 * crc32(payload):int}; the payload is a serialised {@code TransitionBatch}. {@link #append} returns
 * once the record is on disk ({@code FileChannel.force}): only then does the learner acknowledge the
 * batch. On {@link #open}, a torn last record (the process died mid-write) or the first record whose
 * checksum fails ends the log: the file is truncated back to the last good record and the dropped
 * byte count is reported — the same rule as the expert's label cache. The run directory must be
 * shared by every learner-capable node (one machine: trivially; several: NFS or similar), because the
 * singleton's next incarnation reads this log.
 */
public final class TransitionLog implements AutoCloseable {
    public static final String DIR = "wal";
    /** Bound on one record's payload (a corrupt length field must not allocate gigabytes). */
    static final int MAX_RECORD = 64 << 20;

    /** What {@link #read} found: the good records, and how many bytes after them were dropped (and why). */
    public record Contents(List<byte[]> records, long goodBytes, long droppedBytes, String problem) {}

    private final Path file;
    private final FileChannel channel;
    private long records;

    private TransitionLog(Path file, FileChannel channel, long records) {
        this.file = file;
        this.channel = channel;
        this.records = records;
    }

    /** The segment for records written after the checkpoint whose next episode is {@code episode}. */
    public static Path segment(Path runDir, int episode) {
        return runDir.resolve(DIR).resolve(String.format("ep-%06d.log", episode));
    }

    /** Segments named for episode ≥ {@code from}, oldest first. */
    public static List<Path> segmentsFrom(Path runDir, int from) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("ep-\\d{6}\\.log"))
                    .filter(p -> episodeOf(p) >= from).sorted().toList();
        }
    }

    /** Deletes segments named for episode < {@code before}. */
    public static void deleteBefore(Path runDir, int before) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("ep-\\d{6}\\.log")).toList()) {
                if (episodeOf(p) < before) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static int episodeOf(Path segment) {
        String n = segment.getFileName().toString();
        return Integer.parseInt(n.substring(3, 9));
    }

    /** Reads every good record of {@code file} (none if it does not exist); does not modify the file. */
    public static Contents read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Contents(List.of(), 0, 0, null);
        }
        List<byte[]> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer head = ByteBuffer.allocate(4);
            while (pos < size) {
                if (size - pos < 8) {
                    return new Contents(out, pos, size - pos, "torn record header at byte " + pos);
                }
                head.clear();
                readFully(ch, head, pos);
                int len = head.getInt(0);
                if (len < 0 || len > MAX_RECORD) {
                    return new Contents(out, pos, size - pos, "bad record length " + len + " at byte " + pos);
                }
                if (size - pos - 4 < (long) len + 4) {
                    return new Contents(out, pos, size - pos, "torn record at byte " + pos);
                }
                ByteBuffer body = ByteBuffer.allocate(len + 4);
                readFully(ch, body, pos + 4);
                byte[] payload = new byte[len];
                body.get(0, payload);
                int crc = body.getInt(len);
                if (crc != crc(payload)) {
                    return new Contents(out, pos, size - pos, "checksum mismatch in the record at byte " + pos);
                }
                out.add(payload);
                pos += 8L + len;
            }
            return new Contents(out, pos, 0, null);
        }
    }

    /**
     * Opens {@code file} for appending, creating it (and its directory) if needed; a torn or corrupt
     * tail is truncated first ({@code onDropped} hears about it). The records already there are in
     * {@code existing}.
     */
    public static TransitionLog open(Path file, Contents existing) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            if (ch.size() > existing.goodBytes()) {
                ch.truncate(existing.goodBytes());
                ch.force(true);
            }
            ch.position(existing.goodBytes());
            return new TransitionLog(file, ch, existing.records().size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Appends one record and forces it to disk: when this returns, the record survives a crash. */
    public void append(byte[] payload) throws IOException {
        if (payload.length > MAX_RECORD) {
            throw new IOException("WAL record of " + payload.length + " bytes exceeds " + MAX_RECORD);
        }
        ByteBuffer b = ByteBuffer.allocate(payload.length + 8);
        b.putInt(payload.length).put(payload).putInt(crc(payload)).flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
        records++;
    }

    public Path file() {
        return file;
    }

    public long records() {
        return records;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    static int crc(byte[] payload) {
        CRC32 c = new CRC32();
        c.update(payload);
        return (int) c.getValue();
    }
}
