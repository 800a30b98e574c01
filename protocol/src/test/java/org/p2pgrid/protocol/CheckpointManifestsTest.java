package org.p2pgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pgrid.protocol.v1.CheckpointManifest;

class CheckpointManifestsTest {

    private static void fill(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("actors"));
        Files.writeString(dir.resolve("actors/agent00.bin"), "weights-0");
        Files.writeString(dir.resolve("actors/agent01.bin"), "weights-1");
        Files.write(dir.resolve("counters.bin"), new byte[0]);
    }

    @Test
    void buildWriteReadVerify(@TempDir Path dir) throws IOException {
        fill(dir);
        CheckpointManifest m = CheckpointManifests.build(dir, "run-1", 12, 1152, 11, 1_795_000_000_000L);
        assertEquals(List.of("actors/agent00.bin", "actors/agent01.bin", "counters.bin"),
                m.getFilesList().stream().map(f -> f.getPath()).toList());
        assertEquals(9, m.getFiles(0).getSizeBytes());
        // SHA-256("") is the well-known e3b0c442…b855.
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                java.util.HexFormat.of().formatHex(m.getFiles(2).getSha256().toByteArray()));

        CheckpointManifests.write(dir, m);
        assertEquals(m, CheckpointManifests.read(dir, ProtocolLimits.defaults()));
        assertEquals(List.of(), CheckpointManifests.verify(dir, m), "the manifest itself is not listed");
    }

    @Test
    void tamperingIsFound(@TempDir Path dir) throws IOException {
        fill(dir);
        CheckpointManifest m = CheckpointManifests.build(dir, "run-1", 1, 1, 1, 1L);
        Files.writeString(dir.resolve("actors/agent00.bin"), "weights-X"); // same size, other bytes
        Files.writeString(dir.resolve("actors/agent01.bin"), "w");
        Files.delete(dir.resolve("counters.bin"));
        Files.writeString(dir.resolve("extra.txt"), "?", StandardCharsets.UTF_8);
        List<String> p = CheckpointManifests.verify(dir, m);
        assertEquals(4, p.size(), p.toString());
        assertEquals(true, p.get(0).startsWith("actors/agent00.bin: SHA-256 "));
        assertEquals("actors/agent01.bin: 1 bytes, manifest says 9", p.get(1));
        assertEquals("counters.bin: missing", p.get(2));
        assertEquals("extra.txt: not in the manifest", p.get(3));
    }

    @Test
    void emptyOrUnreadable(@TempDir Path dir) throws IOException {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> CheckpointManifests.build(dir, "run-1", 1, 1, 1, 1L));
        assertEquals("CheckpointManifest.files: 0 files, expected 1 to 100000", e.getMessage());
        Files.write(dir.resolve(CheckpointManifests.FILE_NAME), new byte[] {(byte) 0xff, 0x01});
        assertThrows(InvalidMessageException.class, () -> CheckpointManifests.read(dir, ProtocolLimits.defaults()));
    }
}
