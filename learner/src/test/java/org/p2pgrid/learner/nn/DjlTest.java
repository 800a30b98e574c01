package org.p2pgrid.learner.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlTest {

    @Test
    void deviceChoice() {
        assertEquals(Device.cpu(), Djl.resolveDevice("auto", 0));
        assertEquals(Device.gpu(), Djl.resolveDevice("AUTO", 2));
        assertEquals(Device.cpu(), Djl.resolveDevice("cpu", 2));
        assertEquals(Device.gpu(), Djl.resolveDevice("gpu", 1));
        assertThrows(IllegalStateException.class, () -> Djl.resolveDevice("gpu", 0));
        assertThrows(IllegalArgumentException.class, () -> Djl.resolveDevice("tpu", 0));
    }

    @Test
    void configureSetsOfflineFlagsInCode() {
        Djl.configure();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
        assertTrue(System.getProperty("ai.djl.pytorch.num_threads") != null);
    }

    /**
     * A fresh JVM with an EMPTY DJL_CACHE_DIR, the offline flags, and every Java proxy pointed at
     * the discard port on 127.0.0.1 creates an NDArray and runs a forward/backward. Success proves
     * the natives come from the class path and nothing needs downloading.
     */
    @Test
    void freshJvmWithEmptyCacheRunsOffline(@TempDir Path tmp) throws IOException, InterruptedException {
        Path cache = Files.createDirectories(tmp.resolve("djl-cache"));
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count());
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path argFile = tmp.resolve("cp.args");
        Files.writeString(argFile, "-cp\n\"" + cp.replace("\\", "\\\\") + "\"\n");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + argFile,
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
                "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                DjlSmokeMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("DJL_CACHE_DIR", cache.toString());
        env.remove("ENGINE_CACHE_DIR");
        env.remove("PYTORCH_VERSION");
        env.remove("PYTORCH_FLAVOR");
        env.remove("PYTORCH_LIBRARY_PATH");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out;
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("forked JVM with empty DJL cache: %.1f s%n%s%n", seconds, out);
        assertTrue(done, "timed out:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SMOKE-OK grad=[18.0, 36.0, 54.0]"), out);
        assertFalse(out.toLowerCase().contains("downloading"), out);
        try (Stream<Path> s = Files.list(cache)) {
            assertTrue(s.findAny().isPresent(), "natives were unpacked into the empty cache dir");
        }
    }
}
