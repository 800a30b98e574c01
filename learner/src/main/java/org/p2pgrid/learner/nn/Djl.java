package org.p2pgrid.learner.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one door to DJL: every learner entry point calls {@link #engine()} (or {@link #newManager()})
 * before touching anything else in DJL.
 *
 * <p>{@link #configure()} sets, in code and before the engine loads:
 * <ul>
 *   <li>{@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} — always, overriding any other
 *       value: DJL otherwise tries to download natives and calls 169.254.169.254 at start-up
 *       (DEPENDENCY-NOTES "No traffic beyond loopback"). The natives come from
 *       {@code pytorch-native-cpu} on the class path and are unpacked into {@code DJL_CACHE_DIR}.
 *   <li>{@code ai.djl.pytorch.num_threads=1} and {@code ai.djl.pytorch.num_interop_threads=1} unless
 *       already set (so they stay configurable): one intra-op thread is the measured sweet spot on a
 *       busy 2-core box (OpenMP spinning otherwise).
 * </ul>
 * Device: system property {@value #DEVICE_PROPERTY} = {@code auto} (default: the first GPU when DJL
 * sees one, else CPU), {@code cpu}, or {@code gpu} (fails if there is none). A user who puts a CUDA
 * native jar on the class path instead of the CPU one gets the GPU with no code change.
 */
public final class Djl {
    /** System property selecting the device: {@code auto | cpu | gpu}. */
    public static final String DEVICE_PROPERTY = "p2pgrid.learner.device";
    public static final String ENGINE_NAME = "PyTorch";

    private static volatile boolean configured;

    private Djl() {}

    /** Sets the offline / no-tracking / thread properties (idempotent). Call before any DJL class loads an engine. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        configured = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The PyTorch engine, configured first. */
    public static Engine engine() {
        configure();
        return Engine.getEngine(ENGINE_NAME);
    }

    /** The device chosen by {@value #DEVICE_PROPERTY} (see class doc). */
    public static Device device() {
        Engine engine = engine();
        return resolveDevice(System.getProperty(DEVICE_PROPERTY, "auto"), engine.getGpuCount());
    }

    /** Pure device choice, for tests: {@code mode} is auto|cpu|gpu (case-insensitive). */
    public static Device resolveDevice(String mode, int gpuCount) {
        switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return gpuCount > 0 ? Device.gpu() : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpuCount <= 0) {
                    throw new IllegalStateException(DEVICE_PROPERTY + "=gpu but DJL sees no GPU "
                            + "(is a CUDA pytorch-native jar on the class path?)");
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException(DEVICE_PROPERTY + " must be auto, cpu or gpu, got '" + mode + "'");
        }
    }

    /** A new root manager on {@link #device()}. */
    public static NDManager newManager() {
        Engine engine = engine();
        return engine.newBaseManager(device());
    }

    /**
     * Runs {@code body} with autograd recording off on this thread (grad mode is per thread in
     * PyTorch), restoring the previous mode. For action selection, Polyak and optimiser updates.
     */
    public static <T> T noGrad(Supplier<T> body) {
        engine();
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** {@link #noGrad(Supplier)} for a body without a result. */
    public static void noGrad(Runnable body) {
        noGrad(() -> {
            body.run();
            return null;
        });
    }
}
