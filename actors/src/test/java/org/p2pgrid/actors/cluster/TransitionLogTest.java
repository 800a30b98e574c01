package org.p2pgrid.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay write-ahead log: round trip, torn tail, checksum mismatch, segments. */
class TransitionLogTest {
    @TempDir
    Path run;

    private static byte[] rec(int n, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (n * 31 + i);
        }
        return b;
    }

    private Path writeThree() throws IOException {
        Path f = TransitionLog.segment(run, 0);
        try (TransitionLog log = TransitionLog.open(f, TransitionLog.read(f))) {
            log.append(rec(1, 10));
            log.append(rec(2, 300));
            log.append(rec(3, 7));
            assertEquals(3, log.records());
        }
        return f;
    }

    @Test
    void recordsRoundTripAndAppendContinues() throws IOException {
        Path f = writeThree();
        TransitionLog.Contents c = TransitionLog.read(f);
        assertNull(c.problem());
        assertEquals(3, c.records().size());
        assertArrayEquals(rec(2, 300), c.records().get(1));
        assertEquals(Files.size(f), c.goodBytes());
        try (TransitionLog log = TransitionLog.open(f, c)) {
            log.append(rec(4, 5));
        }
        assertEquals(4, TransitionLog.read(f).records().size());
    }

    @Test
    void tornTailIsDroppedAndTruncatedOnOpen() throws IOException {
        Path f = writeThree();
        long good = Files.size(f);
        // a process killed in the middle of a fourth record: header + part of the payload
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 100, 1, 2, 3}));
        }
        TransitionLog.Contents c = TransitionLog.read(f);
        assertEquals(3, c.records().size());
        assertEquals(7, c.droppedBytes());
        assertNotNull(c.problem());
        assertTrue(c.problem().contains("torn"), c.problem());
        try (TransitionLog log = TransitionLog.open(f, c)) {
            assertEquals(good, Files.size(f), "truncated back to the last good record");
            log.append(rec(5, 3));
        }
        TransitionLog.Contents after = TransitionLog.read(f);
        assertNull(after.problem());
        assertEquals(4, after.records().size());
        assertArrayEquals(rec(5, 3), after.records().get(3));
    }

    @Test
    void checksumMismatchEndsTheLogAtTheDamagedRecord() throws IOException {
        Path f = writeThree();
        byte[] all = Files.readAllBytes(f);
        int second = 4 + 10 + 4; // first record: length, 10 bytes, crc
        all[second + 4 + 17] ^= 0x40; // flip a bit inside the second record's payload
        Files.write(f, all);
        TransitionLog.Contents c = TransitionLog.read(f);
        assertEquals(1, c.records().size(), "only the record before the damaged one");
        assertTrue(c.problem().contains("checksum"), c.problem());
        assertEquals(all.length - second, c.droppedBytes());
    }

    @Test
    void absurdLengthIsTreatedAsCorruption() throws IOException {
        Path f = writeThree();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0x7f, 0, 0, 0, 0, 0, 0, 0, 0}));
        }
        TransitionLog.Contents c = TransitionLog.read(f);
        assertEquals(3, c.records().size());
        assertTrue(c.problem().contains("length"), c.problem());
    }

    @Test
    void segmentsAreSelectedAndPrunedByEpisode() throws IOException {
        for (int e : new int[] {0, 4, 8}) {
            Path f = TransitionLog.segment(run, e);
            try (TransitionLog log = TransitionLog.open(f, TransitionLog.read(f))) {
                log.append(rec(e, 4));
            }
        }
        assertEquals(List.of("ep-000004.log", "ep-000008.log"),
                TransitionLog.segmentsFrom(run, 4).stream().map(p -> p.getFileName().toString()).toList());
        TransitionLog.deleteBefore(run, 8);
        assertEquals(List.of("ep-000008.log"),
                TransitionLog.segmentsFrom(run, 0).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of(), TransitionLog.read(TransitionLog.segment(run, 99)).records(), "a missing segment is empty");
    }
}
