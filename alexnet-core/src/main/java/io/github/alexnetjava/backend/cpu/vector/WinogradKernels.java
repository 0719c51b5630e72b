package io.github.alexnetjava.backend.cpu.vector;

/**
 * The tile transforms of Winograd's F(2x2, 3x3) and F(2x2, 5x5) convolutions over {@link #LANES} images at once:
 * the images are the innermost (lane) dimension of every operand, so each transform is plain vector arithmetic. A
 * Vector API implementation and a scalar one, chosen once by {@link VectorSupport}; both evaluate every output with
 * the same operations in the same order, so they give the same bits.
 *
 * <p>F(2x2, 5x5) interpolates at the points 0, 1, -1, 2, -2 and infinity: its 6x6 input transform is the one of
 * F(4x4, 3x3) (Lavin and Gray, 2016), {@code B^T} rows {@code [4 0 -5 0 1 0], [0 -4 -4 1 1 0], [0 4 -4 -1 1 0],
 * [0 -2 -1 2 1 0], [0 2 -1 -2 1 0], [0 4 0 -5 0 1]}, and its output transform {@code A^T} has the rows
 * {@code [1 1 1 1 1 0], [0 1 -1 2 -2 1]}. Multiplications by 2 and 4 are exact, so each output's rounding comes
 * from its additions only.
 */
public interface WinogradKernels {
    /** Images per tile transform: one 512-bit vector (two 256-bit ones). */
    int LANES = 16;

    /**
     * {@code v[vOff + xi*vStride + lane] = (B^T d B)[xi]} for the 4x4 input tile
     * {@code d[r][s] = src[off + r*rowStride + s*LANES + lane]}, xi = 4r + s, over the lanes.
     */
    void inputTile(float[] src, int off, int rowStride, float[] v, int vOff, int vStride);

    /**
     * {@code out[q*LANES + lane] = (A^T m A)[q]} for q = (0,0), (0,1), (1,0), (1,1) of the 4x4 tile
     * {@code m[xi] = m[mOff + xi*mStride + lane]}, over the lanes.
     */
    void outputTile(float[] m, int mOff, int mStride, float[] out);

    /**
     * {@code g[gOff + xi*gStride + lane] = (A e A^T)[xi]} for the 2x2 output-gradient tile
     * {@code e[a][b] = src[off + a*rowStride + b*LANES + lane]}, over the lanes: the filter gradient's counterpart of
     * the input transform (A is the transpose of the output transform's A^T).
     */
    void gradientTile(float[] src, int off, int rowStride, float[] g, int gOff, int gStride);

    /**
     * F(2x2, 5x5): {@code v[vOff + xi*vStride + lane] = (B^T d B)[xi]} for the 6x6 input tile
     * {@code d[r][s] = src[off + r*rowStride + s*LANES + lane]}, xi = 6r + s, over the lanes.
     */
    void inputTile6(float[] src, int off, int rowStride, float[] v, int vOff, int vStride);

    /**
     * F(2x2, 5x5): {@code out[q*LANES + lane] = (A^T m A)[q]} for q = (0,0), (0,1), (1,0), (1,1) of the 6x6 tile
     * {@code m[xi] = m[mOff + xi*mStride + lane]}, over the lanes. May overwrite the tile's values in m.
     */
    void outputTile6(float[] m, int mOff, int mStride, float[] out);

    /**
     * F(2x2, 5x5): {@code g[gOff + xi*gStride + lane] = (A e A^T)[xi]} (6x6) for the 2x2 output-gradient tile
     * {@code e[a][b] = src[off + a*rowStride + b*LANES + lane]}, over the lanes.
     */
    void gradientTile6(float[] src, int off, int rowStride, float[] g, int gOff, int gStride);

    /**
     * {@code dst[dOff + s*LANES + b] = src[off + lanes[b] + s]} for s in [0, n) and every lane b: rows of
     * {@link #LANES} images interleaved, image innermost (every {@code off + lanes[b] + n - 1} must be in range).
     */
    void interleave(float[] src, int off, int[] lanes, int n, float[] dst, int dOff);

    /** The implementation for this JVM. */
    static WinogradKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazily picks the implementation so the Vector API classes load only when the module is present. */
    final class Holder {
        static final WinogradKernels INSTANCE = VectorSupport.enabled() ? new VectorWinograd() : new ScalarWinograd();

        private Holder() {
        }
    }
}
