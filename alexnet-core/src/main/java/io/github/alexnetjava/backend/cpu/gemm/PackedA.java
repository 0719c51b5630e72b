package io.github.alexnetjava.backend.cpu.gemm;

/**
 * The left operand op(A) of a GEMM, packed once for many products with different right operands: a convolution's
 * weights are the same for every image, so packing them once per call instead of once per image's GEMM saves a
 * pass over them per image (for conv3 a 3.5 MB transposing copy per GEMM of ~1 ms). Made by
 * {@link Sgemm#pack}; valid while the array it was packed into is not reused.
 */
public final class PackedA {
    final GemmDriver driver;
    final int m;
    final int k;
    final float[] data;

    PackedA(GemmDriver driver, int m, int k, float[] data) {
        this.driver = driver;
        this.m = m;
        this.k = k;
        this.data = data;
    }

    /** Rows of op(A). */
    public int rows() {
        return m;
    }

    /** Columns (depth) of op(A). */
    public int depth() {
        return k;
    }
}
