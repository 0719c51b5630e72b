package io.github.alexnetjava.backend.cpu.gemm;

/**
 * A register-blocked GEMM micro-kernel: computes one {@code mr x nr} tile of sums from an {@code mr}-row sliver of
 * packed A ({@code a[ai + p*mr + i]}) and an {@code nr}-column sliver of packed B ({@code b[bi + p*nr + j]}),
 * {@code p < kc}, and stores them raw; {@link #merge} then folds a tile into C.
 *
 * <p>Every element is accumulated in the same order ({@code p = 0, 1, ...}, starting from zero) whatever its
 * position in the tile, and merged into C by one of three element-wise formulas, so a result never depends on how C was cut
 * into tiles (nor on the thread count):
 * <ul>
 *   <li>{@link #MODE_OVERWRITE}: {@code c = alpha*acc}</li>
 *   <li>{@link #MODE_ADD}: {@code c = c + alpha*acc}</li>
 *   <li>{@link #MODE_GENERAL}: {@code c = alpha*acc + beta*c}</li>
 * </ul>
 */
abstract class MicroKernel {
    static final int MODE_OVERWRITE = 0;
    static final int MODE_ADD = 1;
    static final int MODE_GENERAL = 2;

    final int mr;
    final int nr;
    /** Width handled by {@link #runNarrow} (0: none). */
    final int narrowCols;
    final String name;

    MicroKernel(int mr, int nr, int narrowCols, String name) {
        this.mr = mr;
        this.nr = nr;
        this.narrowCols = narrowCols;
        this.name = name;
    }

    /** Stores the raw sums of a full tile into {@code c[ci + i*ldc + j]}, {@code i < mr, j < nr}. */
    abstract void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc);

    /**
     * Optional narrow variant for right-edge slivers: as {@link #run} but only columns {@code j < narrowCols}
     * (same arithmetic per element). Returns false when not implemented.
     */
    boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
        return false;
    }

    /**
     * Optional variant of {@link #run} that reads a full A sliver in place from {@code mr} rows,
     * {@code a[ai + i*lda + p]}, instead of from a packed sliver; same arithmetic per element. Returns false when
     * not implemented ({@link #readsRowsInPlace} tells ahead).
     */
    boolean runRows(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] c, int ci, int ldc) {
        return false;
    }

    /** Whether {@link #runRows} is implemented. */
    boolean readsRowsInPlace() {
        return false;
    }

    /** Merges a full raw tile {@code t[i*nr + j]} into {@code c[ci + i*ldc + j]}. */
    void merge(float[] t, float[] c, int ci, int ldc, float alpha, float beta, int mode) {
        mergePartial(t, mr, nr, c, ci, ldc, alpha, beta, mode);
    }

    /** Merges the top-left {@code rows x cols} of a raw tile into C (scalar; same formulas as {@link #merge}). */
    final void mergePartial(float[] t, int rows, int cols, float[] c, int ci, int ldc, float alpha, float beta,
            int mode) {
        for (int i = 0; i < rows; i++) {
            int ti = i * nr;
            int r = ci + i * ldc;
            if (mode == MODE_OVERWRITE) {
                for (int j = 0; j < cols; j++) {
                    c[r + j] = alpha * t[ti + j];
                }
            } else if (mode == MODE_ADD) {
                for (int j = 0; j < cols; j++) {
                    c[r + j] = c[r + j] + alpha * t[ti + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[r + j] = alpha * t[ti + j] + beta * c[r + j];
                }
            }
        }
    }

    /**
     * Packing helper: for {@code r < rows} and {@code q < slivers}, copies the {@code nr} floats at
     * {@code src[s + r*ld + q*nr ...]} to {@code dst[d + q*stride + r*nr ...]}.
     */
    void scatterRows(float[] src, int s, int ld, int rows, float[] dst, int d, int slivers, int stride) {
        int nr = this.nr;
        for (int q = 0; q < slivers; q++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, s + r * ld + q * nr, dst, d + q * stride + r * nr, nr);
            }
        }
    }

    /**
     * Optional fast path packing one full A sliver from {@code mr} rows: {@code dst[d + p*mr + i] = src[s + i*ld + p]}
     * for {@code p < kc, i < mr}. Returns false when not available.
     */
    boolean packARows(float[] src, int s, int ld, int kc, float[] dst, int d) {
        return false;
    }

    /**
     * Optional fast path packing one full transposed B sliver: {@code dst[d + p*nr + j] = src[s + j*ld + p]} for
     * {@code p < kc, j < nr}. Returns false when not available.
     */
    boolean packTransposed(float[] src, int s, int ld, int kc, float[] dst, int d) {
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
