package org.p2pgrid.expert.label;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.env.device.ProsumerAction;

class LabelCacheTest {

    private static ProsumerAction[] actions(double base) {
        return new ProsumerAction[] {new ProsumerAction(base, 1, -2, 3, 0.5), new ProsumerAction(0, base, 0, -1, 0)};
    }

    @Test
    void labelsSurviveARestart(@TempDir Path dir) {
        try (LabelCache cache = LabelCache.open(dir, 42)) {
            cache.put(new LabelCache.Key(3, 10, 99L), actions(7));
            cache.put(new LabelCache.Key(3, 11, 98L), actions(8));
            cache.put(new LabelCache.Key(3, 10, 99L), actions(1000)); // first writer wins
        }
        try (LabelCache again = LabelCache.open(dir, 42)) {
            assertEquals(2, again.loadedFromDisk());
            assertEquals(7, again.get(new LabelCache.Key(3, 10, 99L)).orElseThrow()[0].pCdgKw());
            assertEquals(8, again.get(new LabelCache.Key(3, 11, 98L)).orElseThrow()[1].pRdgKw());
            assertTrue(again.get(new LabelCache.Key(4, 10, 99L)).isEmpty());
        }
        try (LabelCache other = LabelCache.open(dir, 43)) {
            assertEquals(0, other.size(), "another scenario's labels are never read");
        }
    }

    @Test
    void aTornLastRecordIsDroppedAndEarlierLabelsKept(@TempDir Path dir) throws Exception {
        Path file;
        try (LabelCache cache = LabelCache.open(dir, 1)) {
            cache.put(new LabelCache.Key(1, 1, 1L), actions(1));
            cache.put(new LabelCache.Key(1, 2, 2L), actions(2));
            file = cache.file().orElseThrow();
        }
        long full = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(full - 7); // killed mid-write
        }
        try (LabelCache reopened = LabelCache.open(dir, 1)) {
            assertEquals(1, reopened.size());
            assertTrue(reopened.get(new LabelCache.Key(1, 1, 1L)).isPresent());
            reopened.put(new LabelCache.Key(1, 3, 3L), actions(3)); // appends after the good prefix
        }
        try (LabelCache third = LabelCache.open(dir, 1)) {
            assertEquals(2, third.size());
            assertTrue(third.get(new LabelCache.Key(1, 3, 3L)).isPresent());
        }
    }

    @Test
    void aCorruptRecordFailsItsChecksumAndIsDropped(@TempDir Path dir) throws Exception {
        Path file;
        try (LabelCache cache = LabelCache.open(dir, 5)) {
            cache.put(new LabelCache.Key(1, 1, 1L), actions(1));
            cache.put(new LabelCache.Key(1, 2, 2L), actions(2));
            file = cache.file().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(Files.size(file) - 12);
            raf.write(new byte[] {1, 2, 3});
        }
        try (LabelCache reopened = LabelCache.open(dir, 5)) {
            assertEquals(1, reopened.size());
            assertEquals(1, reopened.droppedOnLoad());
        }
    }
}
