package io.github.alexnetjava.backend.cpu.vector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once, at start-up, whether the CPU kernels use the incubating Vector API (the pattern of Lucene's
 * {@code VectorizationProvider}). The fast path needs the JVM started with
 * {@code --add-modules jdk.incubator.vector}; it can be switched off with {@code -Dalexnet.vector=false}.
 * One log line says which path was chosen and why.
 */
public final class VectorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);
    private static final boolean ENABLED;
    private static final String REASON;

    static {
        boolean on = false;
        String why;
        if (!Boolean.parseBoolean(System.getProperty("alexnet.vector", "true"))) {
            why = "disabled by -Dalexnet.vector=false";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            why = "module jdk.incubator.vector not loaded; start the JVM with --add-modules jdk.incubator.vector";
        } else {
            int bits = VectorProbe.preferredBits();
            if (bits < 128) {
                why = "the Vector API reports only " + bits + "-bit vectors on this CPU";
            } else {
                on = true;
                why = bits + "-bit vectors (" + VectorProbe.preferredLanes() + " floats)";
            }
        }
        ENABLED = on;
        REASON = why;
        LOG.info("CPU kernels: {} ({})", on ? "Vector API" : "scalar fallback", why);
    }

    private VectorSupport() {
    }

    /** True when the Vector API kernels are in use. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Why the chosen path was chosen. */
    public static String description() {
        return (ENABLED ? "Vector API, " : "scalar, ") + REASON;
    }
}
