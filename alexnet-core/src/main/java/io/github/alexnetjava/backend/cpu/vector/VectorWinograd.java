package io.github.alexnetjava.backend.cpu.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradKernels} with the Vector API (loaded only when jdk.incubator.vector is present): the lanes are
 * images, so a tile's 16 values are 16 plain vector loads and the transforms are vector adds. The order of the
 * additions is that of {@link ScalarWinograd}, so both give the same bits.
 */
final class VectorWinograd implements WinogradKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() > LANES
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;

    @Override
    public void inputTile(float[] src, int off, int rowStride, float[] v, int vOff, int vStride) {
        for (int l = 0; l < LANES; l += S.length()) {
            for (int s = 0; s < 4; s++) {
                column(src, off + l, rowStride, s, v, vOff + l, vStride);
            }
        }
    }

    /** Column s of B^T (d B): (d B)[r][s] for the four rows, then their combinations, as the scalar version. */
    private static void column(float[] src, int base, int rowStride, int s, float[] v, int vOff, int vStride) {
        FloatVector a0 = rowPass(src, base, s);
        FloatVector a1 = rowPass(src, base + rowStride, s);
        FloatVector a2 = rowPass(src, base + 2 * rowStride, s);
        FloatVector a3 = rowPass(src, base + 3 * rowStride, s);
        int d = vOff + s * vStride;
        a0.sub(a2).intoArray(v, d);
        a1.add(a2).intoArray(v, d + 4 * vStride);
        a2.sub(a1).intoArray(v, d + 8 * vStride);
        a1.sub(a3).intoArray(v, d + 12 * vStride);
    }

    /** (d B)[r][s] for the row starting at {@code src[o]} (columns LANES apart). */
    private static FloatVector rowPass(float[] src, int o, int s) {
        switch (s) {
            case 0:
                return FloatVector.fromArray(S, src, o).sub(FloatVector.fromArray(S, src, o + 2 * LANES));
            case 1:
                return FloatVector.fromArray(S, src, o + LANES).add(FloatVector.fromArray(S, src, o + 2 * LANES));
            case 2:
                return FloatVector.fromArray(S, src, o + 2 * LANES).sub(FloatVector.fromArray(S, src, o + LANES));
            default:
                return FloatVector.fromArray(S, src, o + LANES).sub(FloatVector.fromArray(S, src, o + 3 * LANES));
        }
    }

    @Override
    public void outputTile(float[] m, int mOff, int mStride, float[] out) {
        for (int l = 0; l < LANES; l += S.length()) {
            FloatVector q00 = col(m, mOff + l, mStride, 0, true);
            FloatVector q01 = col(m, mOff + l, mStride, 1, true);
            FloatVector q02 = col(m, mOff + l, mStride, 2, true);
            FloatVector q03 = col(m, mOff + l, mStride, 3, true);
            FloatVector q10 = col(m, mOff + l, mStride, 0, false);
            FloatVector q11 = col(m, mOff + l, mStride, 1, false);
            FloatVector q12 = col(m, mOff + l, mStride, 2, false);
            FloatVector q13 = col(m, mOff + l, mStride, 3, false);
            q00.add(q01).add(q02).intoArray(out, l);
            q01.sub(q02).sub(q03).intoArray(out, LANES + l);
            q10.add(q11).add(q12).intoArray(out, 2 * LANES + l);
            q11.sub(q12).sub(q13).intoArray(out, 3 * LANES + l);
        }
    }

    /** Row 0 (m0 + m1 + m2) or row 1 (m1 - m2 - m3) of A^T m, column s. */
    private static FloatVector col(float[] m, int o, int stride, int s, boolean first) {
        int b = o + s * stride;
        FloatVector m1 = FloatVector.fromArray(S, m, b + 4 * stride);
        FloatVector m2 = FloatVector.fromArray(S, m, b + 8 * stride);
        if (first) {
            return FloatVector.fromArray(S, m, b).add(m1).add(m2);
        }
        return m1.sub(m2).sub(FloatVector.fromArray(S, m, b + 12 * stride));
    }

    @Override
    public void gradientTile(float[] src, int off, int rowStride, float[] g, int gOff, int gStride) {
        for (int l = 0; l < LANES; l += S.length()) {
            FloatVector e00 = FloatVector.fromArray(S, src, off + l);
            FloatVector e01 = FloatVector.fromArray(S, src, off + LANES + l);
            FloatVector e10 = FloatVector.fromArray(S, src, off + rowStride + l);
            FloatVector e11 = FloatVector.fromArray(S, src, off + rowStride + LANES + l);
            gradientColumn(e00, e10, g, gOff + l, gStride);
            gradientColumn(e00.add(e01), e10.add(e11), g, gOff + l + gStride, gStride);
            gradientColumn(e00.sub(e01), e10.sub(e11), g, gOff + l + 2 * gStride, gStride);
            gradientColumn(e01.neg(), e11.neg(), g, gOff + l + 3 * gStride, gStride);
        }
    }

    /** Column s of A (e A^T) from its two rows f0, f1 (the scalar version's order). */
    private static void gradientColumn(FloatVector f0, FloatVector f1, float[] g, int d, int gStride) {
        f0.intoArray(g, d);
        f0.add(f1).intoArray(g, d + 4 * gStride);
        f0.sub(f1).intoArray(g, d + 8 * gStride);
        f1.neg().intoArray(g, d + 12 * gStride);
    }

    /**
     * A hardware gather per column: one vector load of 16 images' values instead of 16 scalar moves (1-3% faster
     * on the build machine's conv2-conv5, interleaved A/B).
     */
    @Override
    public void interleave(float[] src, int off, int[] lanes, int n, float[] dst, int dOff) {
        for (int l = 0; l < LANES; l += S.length()) {
            for (int s = 0; s < n; s++) {
                FloatVector.fromArray(S, src, off + s, lanes, l).intoArray(dst, dOff + s * LANES + l);
            }
        }
    }
}
