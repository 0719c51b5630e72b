package io.github.alexnetjava.backend.cpu.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link PoolKernels} with the Vector API: a compare and two blends per window position for all the lanes. */
final class VectorPool implements PoolKernels {
    // The same species as the other kernels': a second float vector shape in one JVM made JDK 17's C2 give up its
    // vector intrinsics (see docs/performance.md).
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() > LANES
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;

    @Override
    public void firstMax(float[] xi, int[] pos, int n, float[] at, int atOff) {
        for (int l = 0; l < LANES; l += S.length()) {
            firstMax(xi, pos, n, at, atOff, l);
        }
    }

    // One flat loop carrying the vectors: carried across a loop nest, C2 boxed them (see the GEMM kernels).
    private static void firstMax(float[] xi, int[] pos, int n, float[] at, int atOff, int l) {
        FloatVector best = FloatVector.fromArray(S, xi, pos[0] + l);
        FloatVector where = FloatVector.broadcast(S, (float) pos[0]);
        for (int t = 1; t < n; t++) {
            FloatVector v = FloatVector.fromArray(S, xi, pos[t] + l);
            VectorMask<Float> larger = v.compare(VectorOperators.GT, best);
            best = best.blend(v, larger);
            where = where.blend((float) pos[t], larger);
        }
        where.intoArray(at, atOff + l);
    }

    @Override
    public int blockColumns() {
        return S.length();
    }

    /**
     * Lane c: three rows, each read at offsets 0, 1 and 2. pool5's 13-wide rows left the row kernels all scalar
     * tail: 38 {@code Math.max} per output row.
     */
    @Override
    public void blockMax3x3(float[] x, int r, int w, float[] out, int outOff) {
        rowMax(x, r).max(rowMax(x, r + w)).max(rowMax(x, r + 2 * w)).intoArray(out, outOff);
    }

    /**
     * Lane c: {@link #firstMax}'s compare and two blends over the block's 9 positions, in one flat loop carrying the
     * two vectors (the positions' offsets computed in it). Under JFR on Java 17 pool1's backward pass runs it
     * compiled, without the Java fallback frames an earlier block kernel for pool5 showed.
     */
    @Override
    public void blockFirstMax3x3(float[] x, int r, int w, float[] at, int atOff) {
        FloatVector best = FloatVector.fromArray(S, x, r);
        FloatVector where = FloatVector.zero(S);
        for (int t = 1; t < 9; t++) {
            int o = ScalarPool.blockOffset(t, w);
            FloatVector v = FloatVector.fromArray(S, x, r + o);
            VectorMask<Float> larger = v.compare(VectorOperators.GT, best);
            best = best.blend(v, larger);
            where = where.blend((float) o, larger);
        }
        where.intoArray(at, atOff);
    }

    /** Lane c: the maximum of x[o + c], x[o + c + 1], x[o + c + 2] (ScalarPool's order). */
    private static FloatVector rowMax(float[] x, int o) {
        return FloatVector.fromArray(S, x, o).max(FloatVector.fromArray(S, x, o + 1))
                .max(FloatVector.fromArray(S, x, o + 2));
    }
}
