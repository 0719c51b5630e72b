package io.github.alexnetjava.random;

/**
 * A counter-based random number generator: every number is a pure function of (key, index), so results never
 * depend on thread scheduling, work splitting or device placement. The mixing function is SplitMix64's
 * finaliser (Steele, Lea, Flood 2014), applied to Weyl-sequence counters.
 *
 * <p>Specification (reimplemented independently by the PyTorch reference script):
 * <pre>
 *   mix(z)             = SplitMix64 finaliser
 *   stream(seed, a, b) = mix(mix(mix(seed) ^ a) ^ b)          // e.g. a = layer id, b = step
 *   bits(s, i)         = mix(s + GOLDEN * (i + 1))
 *   uniform(s, i)      = (bits(s, i) >>> 40) * 2^-24          // float in [0, 1)
 * </pre>
 */
public final class CounterRng {
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRng() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of an independent stream, e.g. one layer's dropout mask at one step. */
    public static long stream(long seed, long a, long b) {
        return mix(mix(mix(seed) ^ a) ^ b);
    }

    public static long bits(long stream, long index) {
        return mix(stream + GOLDEN * (index + 1));
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public static float uniform(long stream, long index) {
        return (bits(stream, index) >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal via Box-Muller on two counters (2i, 2i+1). */
    public static double gaussian(long stream, long index) {
        double u1 = ((bits(stream, 2 * index) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (bits(stream, 2 * index + 1) >>> 11) * 0x1.0p-53;   // [0, 1)
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
