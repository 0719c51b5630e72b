package io.github.alexnetjava.backend.cpu.vector;

/**
 * Max-pooling kernels: for planes too narrow for row kernels (pool5: 13x13) the backward search over
 * {@link #LANES} planes at once (with the planes interleaved plane-innermost, a window position of all the planes
 * is one vector); and for 3x3 windows, one output row's window maxima, or first-maximum routes, at
 * {@link #blockColumns()} consecutive columns as one vector (the plane's columns as lanes).
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

    /** Floats the 3x3 block kernel may read from the start of each of their three rows. */
    int BLOCK_READ = LANES + 2;

    /** Columns the 3x3 block kernel computes per call. */
    int blockColumns();

    /**
     * {@code out[outOff + c]} = the maximum ({@code Math.max}: NaN wins, +0 above -0) of the 3x3 block
     * {@code x[r + a*w + c + b]}, a, b in 0..2, for c < {@link #blockColumns()}: one row of a 3x3 max-pool's
     * windows at every column (a stride-2 pool takes the even ones). Reads up to {@link #BLOCK_READ} floats from
     * each row start (values past a row's end only reach columns the caller does not use).
     */
    void blockMax3x3(float[] x, int r, int w, float[] out, int outOff);

    /**
     * {@code at[atOff + c]} = where the 3x3 block {@code x[r + a*w + c + b]} (a, b in 0..2) has its first maximum
     * in row-major scan order, as the offset {@code a*w + b} (a float: exact below 2^24), for c <
     * {@link #blockColumns()}: a later position only replaces an earlier one when strictly greater, so -0 and +0
     * tie and NaN never wins (callers route NaN windows themselves). One row of a 3x3 max-pool's backward routes at
     * every column; reads as {@link #blockMax3x3}.
     */
    void blockFirstMax3x3(float[] x, int r, int w, float[] at, int atOff);

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
