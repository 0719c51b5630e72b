package io.github.alexnetjava.backend.cpu.vector;

/**
 * Max-pooling's backward search over {@link #LANES} planes at once, for planes too narrow for row kernels (pool5:
 * 13x13): with the planes interleaved plane-innermost, a window position of all the planes is one vector.
 */
public interface PoolKernels {
    /** Planes per call. */
    int LANES = 16;

    /**
     * For each lane {@code l}: the first of the window's positions {@code pos[0..n)} (offsets into {@code xi}, in
     * row-major scan order, each a multiple of {@link #LANES}) whose value {@code xi[pos[t] + l]} is the window's
     * maximum, a later one only replacing it when strictly greater (so -0 and +0 tie, and NaN never wins: callers
     * route NaN windows themselves), written to {@code at[atOff + l]} as that offset {@code pos[t]} (a float:
     * exact, as offsets are below 2^24).
     */
    void firstMax(float[] xi, int[] pos, int n, float[] at, int atOff);

    /** The implementation for this JVM. */
    static PoolKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazily picks the implementation so the Vector API classes load only when the module is present. */
    final class Holder {
        static final PoolKernels INSTANCE = VectorSupport.enabled() ? new VectorPool() : new ScalarPool();

        private Holder() {
        }
    }
}
