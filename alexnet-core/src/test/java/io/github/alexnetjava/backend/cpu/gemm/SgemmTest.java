package io.github.alexnetjava.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.alexnetjava.backend.cpu.WorkerPool;
import io.github.alexnetjava.backend.cpu.vector.VectorSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SgemmTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    /** A problem with padded leading dimensions and offsets, plus a naive double-precision reference. */
    private static final class Problem {
        final boolean ta;
        final boolean tb;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float beta;
        final int lda;
        final int ldb;
        final int ldc;
        final int aOff;
        final int bOff;
        final int cOff;
        final float[] a;
        final float[] b;
        final float[] c0;

        Problem(long seed, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean nanC) {
            Random r = new Random(seed);
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            int aRows = ta ? k : m;
            int aCols = ta ? m : k;
            int bRows = tb ? n : k;
            int bCols = tb ? k : n;
            lda = aCols + r.nextInt(3);
            ldb = bCols + r.nextInt(3);
            ldc = n + r.nextInt(3);
            aOff = r.nextInt(5);
            bOff = r.nextInt(5);
            cOff = r.nextInt(5);
            a = fill(r, aOff + Math.max(0, aRows * lda) + 3);
            b = fill(r, bOff + Math.max(0, bRows * ldb) + 3);
            c0 = fill(r, cOff + m * ldc + 3);
            if (nanC) {
                Arrays.fill(c0, Float.NaN);
            }
        }

        static float[] fill(Random r, int len) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) {
                x[i] = r.nextFloat() * 2 - 1;
            }
            return x;
        }

        float opA(int i, int p) {
            return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Checks c against the reference; elements outside the m x n window must be untouched. */
        void check(float[] c, String what) {
            boolean[] inside = new boolean[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int idx = cOff + i * ldc + j;
                    inside[idx] = true;
                    double s = 0;
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = (double) opA(i, p) * opB(p, j);
                        s += x;
                        mag += Math.abs(x);
                    }
                    double old = beta == 0f ? 0 : c0[idx];
                    double want = alpha * s + (beta == 0f ? 0 : beta * old);
                    double tol = 1e-5 * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
                    if (!(Math.abs(c[idx] - want) <= tol)) {
                        throw new AssertionError(what + " " + this + ": C[" + i + "][" + j + "] = " + c[idx]
                                + ", want " + want + " (tol " + tol + ")");
                    }
                }
            }
            for (int i = 0; i < c.length; i++) {
                if (!inside[i] && Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(c0[i])) {
                    throw new AssertionError(what + " " + this + ": wrote outside C at " + i);
                }
            }
        }

        float[] run(GemmDriver d, WorkerPool p) {
            float[] c = c0.clone();
            if (p == null) {
                Sgemm.sgemm(d, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                Sgemm.sgemm(d, p, 0, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
            return c;
        }

        @Override
        public String toString() {
            return "(ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + ")";
        }
    }

    static List<GemmDriver> drivers() {
        List<GemmDriver> d = new ArrayList<>();
        d.add(Sgemm.scalarDriver());
        if (Sgemm.vectorDriverOrNull() != null) {
            d.add(Sgemm.vectorDriverOrNull());
        }
        return d;
    }

    static Stream<Arguments> sizes() {
        int[][] mnk = {
            {1, 1, 1}, {7, 7, 7}, {1, 33, 5}, {33, 1, 9}, {9, 17, 1}, {33, 100, 7}, {100, 33, 257},
            {257, 65, 33}, {13, 257, 300}, {64, 96, 64}, {31, 47, 600},
        };
        List<Arguments> out = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("sizes")
    void matchesReferenceAllTransposes(boolean ta, boolean tb, int m, int n, int k) {
        float[][] ab = {{1f, 0f}, {0.75f, 1f}, {-1.5f, 0.5f}};
        long seed = 31L * m + 17L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0);
        for (float[] alphaBeta : ab) {
            Problem p = new Problem(seed++, ta, tb, m, n, k, alphaBeta[0], alphaBeta[1], false);
            for (GemmDriver d : drivers()) {
                p.check(p.run(d, null), d.kernel.name);
            }
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        for (GemmDriver d : drivers()) {
            for (int t = 0; t < 4; t++) {
                for (float alpha : new float[] {1f, 2f}) {
                    Problem p = new Problem(t, (t & 1) != 0, (t & 2) != 0, 37, 71, 45, alpha, 0f, true);
                    p.check(p.run(d, null), d.kernel.name);
                    p.check(p.run(d, pool), d.kernel.name + " parallel");
                }
            }
        }
    }

    @Test
    void kZeroAndAlphaZeroScaleC() {
        for (GemmDriver d : drivers()) {
            for (float beta : new float[] {0f, 1f, -0.5f}) {
                Problem p = new Problem(5, false, false, 9, 11, 0, 1f, beta, false);
                p.check(p.run(d, null), d.kernel.name);
                p.check(p.run(d, pool), d.kernel.name);
                Problem q = new Problem(6, true, true, 9, 11, 13, 0f, beta, false);
                q.a[q.aOff] = Float.NaN; // alpha == 0: A and B are not read
                float[] c = q.run(d, null);
                for (int i = 0; i < 9; i++) {
                    for (int j = 0; j < 11; j++) {
                        int idx = q.cOff + i * q.ldc + j;
                        assertEquals(beta == 0f ? 0f : beta * q.c0[idx], c[idx]);
                    }
                }
            }
        }
        // m == 0 or n == 0: nothing happens
        float[] c = {1f, 2f};
        Sgemm.sgemm(false, false, 0, 2, 3, 1f, new float[0], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {1f, 2f}, c);
    }

    @Test
    void largeKUsesSeveralDepthBlocks() {
        for (GemmDriver d : drivers()) {
            for (int t = 0; t < 4; t++) {
                Problem p = new Problem(40 + t, (t & 1) != 0, (t & 2) != 0, 19, 37, 2 * d.kcMax + 77, 0.5f, 1f,
                        false);
                p.check(p.run(d, null), d.kernel.name);
            }
        }
    }

    @Test
    void largeMAndNUseSeveralCacheBlocks() {
        for (GemmDriver d : drivers()) {
            Problem p = new Problem(50, false, true, d.mcMax + 13, d.ncMax + 45, 20, 1f, 0.5f, false);
            p.check(p.run(d, null), d.kernel.name);
        }
    }

    /** Column and row splits keep each element's arithmetic: parallel results equal single-threaded bits. */
    @Test
    void parallelIsBitIdenticalToSerial() {
        int[][] mnk = {{96, 300, 70}, {384, 45, 130}, {65, 97, 600}, {200, 5, 64}, {5, 500, 64}};
        try (WorkerPool two = new WorkerPool(2)) {
            for (GemmDriver d : drivers()) {
                for (int[] s : mnk) {
                    for (int t = 0; t < 4; t++) {
                        Problem p = new Problem(60 + t, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.25f,
                                -0.5f, false);
                        float[] serial = p.run(d, null);
                        p.check(serial, d.kernel.name);
                        float[] par3 = p.run(d, pool);
                        float[] par2 = p.run(d, two);
                        float[] again = p.run(d, pool);
                        assertArrayEquals(serial, par3, d.kernel.name + " 3 threads " + p);
                        assertArrayEquals(serial, par2, d.kernel.name + " 2 threads " + p);
                        assertArrayEquals(par3, again, d.kernel.name + " rerun " + p);
                    }
                }
            }
        }
    }

    /**
     * A packed ahead once and used for several products: matches the double reference and gives the same bits as
     * the unpacked call, for both kernels, small blocks (several depth and row blocks), both layouts of A and every
     * beta mode.
     */
    @Test
    void packedAMatchesUnpackedBitForBit() {
        int[][] mnk = {{96, 300, 70}, {384, 45, 130}, {65, 97, 600}, {7, 33, 5}, {129, 64, 1000}};
        List<GemmDriver> ds = new ArrayList<>(drivers());
        ds.add(Sgemm.driver(null, 48, 16, 64));
        if (Sgemm.vectorDriverOrNull() != null) {
            ds.add(Sgemm.driver("8x2", 48, 16, 64));
        }
        float[] betas = {0f, 1f, -0.5f};
        for (GemmDriver d : ds) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    Problem p = new Problem(80 + t, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.25f,
                            betas[t % 3], false);
                    PackedA packed = d.pack(p.ta, p.m, p.k, p.a, p.aOff, p.lda, new float[d.packedSize(p.m, p.k)]);
                    for (int use = 0; use < 2; use++) {
                        float[] c = p.c0.clone();
                        d.gemm(packed, p.tb, p.n, p.alpha, p.b, p.bOff, p.ldb, p.beta, c, p.cOff, p.ldc);
                        p.check(c, d.kernel.name + " packed");
                        assertArrayEquals(p.run(d, null), c, d.kernel.name + " packed vs unpacked " + p);
                    }
                }
            }
        }
    }

    /**
     * Full A slivers read in place from A's rows (few columns) against the same driver packing them: the same bits
     * and the double reference, with partial row slivers (packed), partial column slivers, several depth and row
     * blocks, a padded lda, both B layouts and every beta mode.
     */
    @Test
    void inPlaceAMatchesPackedBitForBit() {
        assumeTrue(Sgemm.vectorDriverOrNull() != null, "the Vector API is off, so no kernel reads A in place");
        int[][] mnk = {{96, 96, 70}, {363, 96, 1024}, {61, 17, 600}, {8, 32, 5}, {129, 128, 300}, {7, 33, 40}};
        GemmDriver[][] pairs = {
            {Sgemm.driver("8x2", 512, 128, 1024, 128), Sgemm.driver("8x2", 512, 128, 1024, 0)},
            {Sgemm.driver("8x2", 48, 16, 64, 128), Sgemm.driver("8x2", 48, 16, 64, 0)}};
        float[] betas = {0f, 1f, -0.5f};
        for (GemmDriver[] pair : pairs) {
            assertTrue(pair[0].inPlaceMaxN > 0, "the 8x32 kernel reads A in place");
            for (int[] s : mnk) {
                for (int t = 0; t < 6; t++) {
                    Problem p = new Problem(120 + t, false, (t & 1) != 0, s[0], s[1], s[2], t < 3 ? 1f : 0.75f,
                            betas[t % 3], t == 3);
                    float[] inPlace = p.run(pair[0], null);
                    p.check(inPlace, "in place " + p);
                    assertArrayEquals(p.run(pair[1], null), inPlace, "in place vs packed " + p);
                }
            }
        }
    }

    /** Both operands packed ahead (B in the driver's slivers by the caller): the same bits as the unpacked call. */
    @Test
    void packedBMatchesUnpackedBitForBit() {
        int[][] mnk = {{96, 300, 70}, {48, 224, 512}, {7, 33, 5}, {129, 64, 300}};
        float[] betas = {0f, 1f, -0.5f};
        for (GemmDriver d : drivers()) {
            for (int[] s : mnk) {
                for (int t = 0; t < 3; t++) {
                    Problem p = new Problem(90 + t, false, false, s[0], s[1], s[2], 1.25f, betas[t], false);
                    PackedA a = d.pack(false, p.m, p.k, p.a, p.aOff, p.lda, new float[d.packedSize(p.m, p.k)]);
                    int w = d.nr;
                    int slivers = (p.n + w - 1) / w;
                    float[] bp = new float[3 + slivers * w * p.k];
                    for (int j = 0; j < p.n; j++) {
                        for (int q = 0; q < p.k; q++) {
                            bp[3 + j / w * w * p.k + q * w + j % w] = p.opB(q, j);
                        }
                    }
                    float[] c = p.c0.clone();
                    d.gemm(a, bp, 3, p.n, p.alpha, p.beta, c, p.cOff, p.ldc);
                    p.check(c, d.kernel.name + " packed A and B");
                    assertArrayEquals(p.run(d, null), c, d.kernel.name + " packed B vs unpacked " + p);
                }
            }
        }
        PackedA big = Sgemm.pack(false, 8, 600, new float[4800], 0, 600, new float[Sgemm.packedSize(8, 600)]);
        assertThrows(IllegalArgumentException.class, () -> Sgemm.sgemm(big, new float[32 * 600], 0, 32, 1f, 0f,
                new float[8 * 32], 0, 32), "depth above one block");
        PackedA small = Sgemm.pack(false, 8, 4, new float[32], 0, 4, new float[Sgemm.packedSize(8, 4)]);
        assertThrows(IndexOutOfBoundsException.class, () -> Sgemm.sgemm(small, new float[10], 0, 32, 1f, 0f,
                new float[8 * 32], 0, 32), "packed B too short");
    }

    @Test
    void packedEntryPointsCheckTheirArguments() {
        float[] a = new float[12];
        PackedA packed = Sgemm.pack(false, 3, 4, a, 0, 4, new float[Sgemm.packedSize(3, 4)]);
        assertEquals(3, packed.rows());
        assertEquals(4, packed.depth());
        assertThrows(IllegalArgumentException.class, () -> Sgemm.pack(false, 3, 4, a, 0, 4, new float[4]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Sgemm.pack(false, 3, 4, a, 1, 4, new float[Sgemm.packedSize(3, 4)]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Sgemm.sgemm(packed, false, 5, 1f, new float[19], 0, 5, 0f, new float[15], 0, 5));
        GemmDriver other = Sgemm.driver(null, 48, 16, 64);
        assertThrows(IllegalArgumentException.class,
                () -> other.gemm(packed, false, 5, 1f, new float[20], 0, 5, 0f, new float[15], 0, 5));
    }

    /** Every kernel shape, with tiny cache blocks so that all block and edge paths run on small problems. */
    @Test
    void allKernelShapesWithSmallBlocks() {
        List<GemmDriver> ds = new ArrayList<>();
        ds.add(Sgemm.driver(null, 10, 8, 16));
        if (VectorSupport.enabled()) {
            for (String shape : new String[] {"8x2", "6x2", "4x3", "12x2", "8x3"}) {
                ds.add(Sgemm.driver(shape, 11, 24, 96));
            }
        }
        int[][] mnk = {{1, 1, 1}, {29, 75, 23}, {50, 130, 16}, {8, 32, 14}, {13, 17, 40}};
        for (GemmDriver d : ds) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    for (float beta : new float[] {0f, 1f, 0.5f}) {
                        Problem p = new Problem(80 + t, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2],
                                beta == 1f ? 1f : -2f, beta, beta == 0f);
                        float[] serial = p.run(d, null);
                        p.check(serial, d.kernel.name);
                        assertArrayEquals(serial, p.run(d, pool), d.kernel.name + " parallel " + p);
                    }
                }
            }
        }
    }

    @Test
    void publicEntryPointsUseDefaultKernel() {
        Problem p = new Problem(70, true, false, 50, 70, 90, 1f, 0f, true);
        float[] c = p.c0.clone();
        Sgemm.sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, p.beta, c, p.cOff,
                p.ldc);
        p.check(c, Sgemm.kernelName());
        float[] c2 = p.c0.clone();
        Sgemm.sgemm(pool, p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, p.beta, c2,
                p.cOff, p.ldc);
        assertArrayEquals(c, c2);
        assertEquals(VectorSupport.enabled(), Sgemm.kernelName().startsWith("Vector"));
    }

    @Test
    void vectorKernelActiveUnderSurefire() {
        // Surefire runs with --add-modules jdk.incubator.vector: make sure the fast path is really tested then.
        assumeTrue(System.getProperty("alexnet.vector", "true").equals("true"));
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertTrue(Sgemm.vectorDriverOrNull() != null, "vector kernel not available: " + VectorSupport.description());
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[100];
        assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, new float[16], 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, new float[16], 0, 4));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, x, 90, 4, x, 0, 4, 0f, new float[16], 0, 4));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, new float[15], 0, 4));
    }
}
