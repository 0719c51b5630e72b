package io.github.alexnetjava.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernels. This class touches {@code jdk.incubator.vector}: it must only be loaded once
 * {@link io.github.alexnetjava.backend.cpu.vector.VectorSupport#enabled()} is known to be true.
 *
 * <p>The kernels are generated, fully unrolled code: all accumulators are locals of one small method (the k loop plus
 * raw stores, so that C1 can compile it too and tiered compilation reaches C2), each k step being one vector load per
 * B vector, one broadcast per A row and one {@code fma} per accumulator. Scaling by alpha/beta happens in
 * {@link VKernel#merge}.
 */
final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();

    private VectorKernels() {
    }

    /*
     * Constants of the 16x16 in-register transpose (recursive block swap; stage b exchanges b x b blocks):
     * DOWNb/UPb move lanes by -b/+b, HIb/LOb select the lanes whose bit b is set/clear.
     */
    private static final VectorShuffle<Float> DOWN8 = shift(-8);
    private static final VectorShuffle<Float> UP8 = shift(8);
    private static final VectorMask<Float> HI8 = bit(8, true);
    private static final VectorMask<Float> LO8 = bit(8, false);
    private static final VectorShuffle<Float> DOWN4 = shift(-4);
    private static final VectorShuffle<Float> UP4 = shift(4);
    private static final VectorMask<Float> HI4 = bit(4, true);
    private static final VectorMask<Float> LO4 = bit(4, false);
    private static final VectorShuffle<Float> DOWN2 = shift(-2);
    private static final VectorShuffle<Float> UP2 = shift(2);
    private static final VectorMask<Float> HI2 = bit(2, true);
    private static final VectorMask<Float> LO2 = bit(2, false);
    private static final VectorShuffle<Float> DOWN1 = shift(-1);
    private static final VectorShuffle<Float> UP1 = shift(1);
    private static final VectorMask<Float> HI1 = bit(1, true);
    private static final VectorMask<Float> LO1 = bit(1, false);

    /** Lane {@code (p0<<3)|i} takes lane {@code (i<<1)|p0}: the last step of {@link #transpose8x16}. */
    private static final VectorShuffle<Float> INTERLEAVE8 = interleave8();

    private static VectorShuffle<Float> interleave8() {
        int[] idx = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            idx[l] = LANES == 16 ? ((l & 7) << 1) | (l >> 3) : l;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorShuffle<Float> shift(int by) {
        int[] idx = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            idx[l] = Math.floorMod(l + by, LANES);
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorMask<Float> bit(int b, boolean set) {
        boolean[] m = new boolean[LANES];
        for (int l = 0; l < LANES; l++) {
            m[l] = ((l & b) != 0) == set;
        }
        return VectorMask.fromArray(S, m, 0);
    }

    /** The kernel used by default ({@code -Dalexnet.sgemm.kernel=RxV} picks another shape, for tuning). */
    static MicroKernel create() {
        return create(System.getProperty("alexnet.sgemm.kernel", ""));
    }

    /** Kernel by shape name: {@code "8x2"} (8 rows x 2 vectors, the default), "6x2", "4x3", "12x2", "8x3". */
    static MicroKernel create(String shape) {
        switch (shape) {
            case "6x2":
                return new K6x2();
            case "4x3":
                return new K4x3();
            case "12x2":
                return new K12x2();
            case "8x3":
                return new K8x3();
            case "8x2":
            default:
                return new K8x2();
        }
    }

    /** Vectorised merge of a full tile; same element-wise formulas (and roundings) as the scalar merge. */
    abstract static class VKernel extends MicroKernel {
        VKernel(int mr, int nr, int narrowCols, String name) {
            super(mr, nr, narrowCols, name);
        }

        @Override
        void merge(float[] t, float[] c, int ci, int ldc, float alpha, float beta, int mode) {
            int mr = this.mr;
            int nr = this.nr;
            for (int i = 0; i < mr; i++) {
                int r = ci + i * ldc;
                int ti = i * nr;
                for (int j = 0; j < nr; j += LANES) {
                    FloatVector x = FloatVector.fromArray(S, t, ti + j).mul(alpha);
                    if (mode == MODE_OVERWRITE) {
                        x.intoArray(c, r + j);
                    } else if (mode == MODE_ADD) {
                        FloatVector.fromArray(S, c, r + j).add(x).intoArray(c, r + j);
                    } else {
                        x.add(FloatVector.fromArray(S, c, r + j).mul(beta)).intoArray(c, r + j);
                    }
                }
            }
        }

        @Override
        void scatterRows(float[] src, int s, int ld, int rows, float[] dst, int d, int slivers, int stride) {
            int nr = this.nr;
            for (int q = 0; q < slivers; q++) {
                int si = s + q * nr;
                int di = d + q * stride;
                for (int r = 0; r < rows; r++) {
                    int sr = si + r * ld;
                    int dr = di + r * nr;
                    for (int j = 0; j < nr; j += LANES) {
                        FloatVector.fromArray(S, src, sr + j).intoArray(dst, dr + j);
                    }
                }
            }
        }

        @Override
        boolean packARows(float[] src, int s, int ld, int kc, float[] dst, int d) {
            if (mr != 8 || LANES != 16) {
                return false;
            }
            int kc16 = kc & ~15;
            for (int p0 = 0; p0 < kc16; p0 += 16) {
                transpose8x16(src, s + p0, ld, dst, d + p0 * 8);
            }
            for (int p = kc16; p < kc; p++) {
                int dp = d + p * 8;
                for (int i = 0; i < 8; i++) {
                    dst[dp + i] = src[s + i * ld + p];
                }
            }
            return true;
        }

        @Override
        boolean packTransposed(float[] src, int s, int ld, int kc, float[] dst, int d) {
            if (LANES != 16) {
                return false;
            }
            int nr = this.nr;
            int kc16 = kc & ~15;
            for (int j0 = 0; j0 < nr; j0 += 16) {
                int s0 = s + j0 * ld;
                for (int p0 = 0; p0 < kc16; p0 += 16) {
                    transpose16(src, s0 + p0, ld, dst, d + p0 * nr + j0, nr);
                }
                for (int p = kc16; p < kc; p++) {
                    int dp = d + p * nr + j0;
                    for (int j = 0; j < 16; j++) {
                        dst[dp + j] = src[s0 + j * ld + p];
                    }
                }
            }
            return true;
        }
    }

    /**
     * {@code dst[dp + l*8 + i] = src[sp + i*lds + l]}, {@code i < 8, l < 16}: 8 rows of 16 floats interleaved into
     * an A sliver. Three butterfly stages swap vector-index bits with lane bits, then one lane permutation.
     */
    static void transpose8x16(float[] src, int sp, int lds, float[] dst, int dp) {
        FloatVector r0 = FloatVector.fromArray(S, src, sp);
        FloatVector r1 = FloatVector.fromArray(S, src, sp + 1 * lds);
        FloatVector r2 = FloatVector.fromArray(S, src, sp + 2 * lds);
        FloatVector r3 = FloatVector.fromArray(S, src, sp + 3 * lds);
        FloatVector r4 = FloatVector.fromArray(S, src, sp + 4 * lds);
        FloatVector r5 = FloatVector.fromArray(S, src, sp + 5 * lds);
        FloatVector r6 = FloatVector.fromArray(S, src, sp + 6 * lds);
        FloatVector r7 = FloatVector.fromArray(S, src, sp + 7 * lds);
        FloatVector u;
        u = r0.blend(r1.rearrange(DOWN2), HI2);
        r1 = r1.blend(r0.rearrange(UP2), LO2);
        r0 = u;
        u = r2.blend(r3.rearrange(DOWN2), HI2);
        r3 = r3.blend(r2.rearrange(UP2), LO2);
        r2 = u;
        u = r4.blend(r5.rearrange(DOWN2), HI2);
        r5 = r5.blend(r4.rearrange(UP2), LO2);
        r4 = u;
        u = r6.blend(r7.rearrange(DOWN2), HI2);
        r7 = r7.blend(r6.rearrange(UP2), LO2);
        r6 = u;
        u = r0.blend(r2.rearrange(DOWN4), HI4);
        r2 = r2.blend(r0.rearrange(UP4), LO4);
        r0 = u;
        u = r1.blend(r3.rearrange(DOWN4), HI4);
        r3 = r3.blend(r1.rearrange(UP4), LO4);
        r1 = u;
        u = r4.blend(r6.rearrange(DOWN4), HI4);
        r6 = r6.blend(r4.rearrange(UP4), LO4);
        r4 = u;
        u = r5.blend(r7.rearrange(DOWN4), HI4);
        r7 = r7.blend(r5.rearrange(UP4), LO4);
        r5 = u;
        u = r0.blend(r4.rearrange(DOWN8), HI8);
        r4 = r4.blend(r0.rearrange(UP8), LO8);
        r0 = u;
        u = r1.blend(r5.rearrange(DOWN8), HI8);
        r5 = r5.blend(r1.rearrange(UP8), LO8);
        r1 = u;
        u = r2.blend(r6.rearrange(DOWN8), HI8);
        r6 = r6.blend(r2.rearrange(UP8), LO8);
        r2 = u;
        u = r3.blend(r7.rearrange(DOWN8), HI8);
        r7 = r7.blend(r3.rearrange(UP8), LO8);
        r3 = u;
        r0.rearrange(INTERLEAVE8).intoArray(dst, dp);
        r1.rearrange(INTERLEAVE8).intoArray(dst, dp + 16);
        r2.rearrange(INTERLEAVE8).intoArray(dst, dp + 32);
        r3.rearrange(INTERLEAVE8).intoArray(dst, dp + 48);
        r4.rearrange(INTERLEAVE8).intoArray(dst, dp + 64);
        r5.rearrange(INTERLEAVE8).intoArray(dst, dp + 80);
        r6.rearrange(INTERLEAVE8).intoArray(dst, dp + 96);
        r7.rearrange(INTERLEAVE8).intoArray(dst, dp + 112);
    }

    /**
     * {@code dst[dp + l*ldd + i] = src[sp + i*lds + l]}, {@code i, l < 16}: a 16x16 transpose in registers. Kept
     * a separate, frequently called method so the JIT compiles it early (interpreted or C1-compiled Vector API
     * code is very slow).
     */
    static void transpose16(float[] src, int sp, int lds, float[] dst, int dp, int ldd) {
        FloatVector r0 = FloatVector.fromArray(S, src, sp);
        FloatVector r1 = FloatVector.fromArray(S, src, sp + 1 * lds);
        FloatVector r2 = FloatVector.fromArray(S, src, sp + 2 * lds);
        FloatVector r3 = FloatVector.fromArray(S, src, sp + 3 * lds);
        FloatVector r4 = FloatVector.fromArray(S, src, sp + 4 * lds);
        FloatVector r5 = FloatVector.fromArray(S, src, sp + 5 * lds);
        FloatVector r6 = FloatVector.fromArray(S, src, sp + 6 * lds);
        FloatVector r7 = FloatVector.fromArray(S, src, sp + 7 * lds);
        FloatVector r8 = FloatVector.fromArray(S, src, sp + 8 * lds);
        FloatVector r9 = FloatVector.fromArray(S, src, sp + 9 * lds);
        FloatVector r10 = FloatVector.fromArray(S, src, sp + 10 * lds);
        FloatVector r11 = FloatVector.fromArray(S, src, sp + 11 * lds);
        FloatVector r12 = FloatVector.fromArray(S, src, sp + 12 * lds);
        FloatVector r13 = FloatVector.fromArray(S, src, sp + 13 * lds);
        FloatVector r14 = FloatVector.fromArray(S, src, sp + 14 * lds);
        FloatVector r15 = FloatVector.fromArray(S, src, sp + 15 * lds);
        FloatVector u;
        u = r0.blend(r8.rearrange(DOWN8), HI8);
        r8 = r8.blend(r0.rearrange(UP8), LO8);
        r0 = u;
        u = r1.blend(r9.rearrange(DOWN8), HI8);
        r9 = r9.blend(r1.rearrange(UP8), LO8);
        r1 = u;
        u = r2.blend(r10.rearrange(DOWN8), HI8);
        r10 = r10.blend(r2.rearrange(UP8), LO8);
        r2 = u;
        u = r3.blend(r11.rearrange(DOWN8), HI8);
        r11 = r11.blend(r3.rearrange(UP8), LO8);
        r3 = u;
        u = r4.blend(r12.rearrange(DOWN8), HI8);
        r12 = r12.blend(r4.rearrange(UP8), LO8);
        r4 = u;
        u = r5.blend(r13.rearrange(DOWN8), HI8);
        r13 = r13.blend(r5.rearrange(UP8), LO8);
        r5 = u;
        u = r6.blend(r14.rearrange(DOWN8), HI8);
        r14 = r14.blend(r6.rearrange(UP8), LO8);
        r6 = u;
        u = r7.blend(r15.rearrange(DOWN8), HI8);
        r15 = r15.blend(r7.rearrange(UP8), LO8);
        r7 = u;
        u = r0.blend(r4.rearrange(DOWN4), HI4);
        r4 = r4.blend(r0.rearrange(UP4), LO4);
        r0 = u;
        u = r1.blend(r5.rearrange(DOWN4), HI4);
        r5 = r5.blend(r1.rearrange(UP4), LO4);
        r1 = u;
        u = r2.blend(r6.rearrange(DOWN4), HI4);
        r6 = r6.blend(r2.rearrange(UP4), LO4);
        r2 = u;
        u = r3.blend(r7.rearrange(DOWN4), HI4);
        r7 = r7.blend(r3.rearrange(UP4), LO4);
        r3 = u;
        u = r8.blend(r12.rearrange(DOWN4), HI4);
        r12 = r12.blend(r8.rearrange(UP4), LO4);
        r8 = u;
        u = r9.blend(r13.rearrange(DOWN4), HI4);
        r13 = r13.blend(r9.rearrange(UP4), LO4);
        r9 = u;
        u = r10.blend(r14.rearrange(DOWN4), HI4);
        r14 = r14.blend(r10.rearrange(UP4), LO4);
        r10 = u;
        u = r11.blend(r15.rearrange(DOWN4), HI4);
        r15 = r15.blend(r11.rearrange(UP4), LO4);
        r11 = u;
        u = r0.blend(r2.rearrange(DOWN2), HI2);
        r2 = r2.blend(r0.rearrange(UP2), LO2);
        r0 = u;
        u = r1.blend(r3.rearrange(DOWN2), HI2);
        r3 = r3.blend(r1.rearrange(UP2), LO2);
        r1 = u;
        u = r4.blend(r6.rearrange(DOWN2), HI2);
        r6 = r6.blend(r4.rearrange(UP2), LO2);
        r4 = u;
        u = r5.blend(r7.rearrange(DOWN2), HI2);
        r7 = r7.blend(r5.rearrange(UP2), LO2);
        r5 = u;
        u = r8.blend(r10.rearrange(DOWN2), HI2);
        r10 = r10.blend(r8.rearrange(UP2), LO2);
        r8 = u;
        u = r9.blend(r11.rearrange(DOWN2), HI2);
        r11 = r11.blend(r9.rearrange(UP2), LO2);
        r9 = u;
        u = r12.blend(r14.rearrange(DOWN2), HI2);
        r14 = r14.blend(r12.rearrange(UP2), LO2);
        r12 = u;
        u = r13.blend(r15.rearrange(DOWN2), HI2);
        r15 = r15.blend(r13.rearrange(UP2), LO2);
        r13 = u;
        u = r0.blend(r1.rearrange(DOWN1), HI1);
        r1 = r1.blend(r0.rearrange(UP1), LO1);
        r0 = u;
        u = r2.blend(r3.rearrange(DOWN1), HI1);
        r3 = r3.blend(r2.rearrange(UP1), LO1);
        r2 = u;
        u = r4.blend(r5.rearrange(DOWN1), HI1);
        r5 = r5.blend(r4.rearrange(UP1), LO1);
        r4 = u;
        u = r6.blend(r7.rearrange(DOWN1), HI1);
        r7 = r7.blend(r6.rearrange(UP1), LO1);
        r6 = u;
        u = r8.blend(r9.rearrange(DOWN1), HI1);
        r9 = r9.blend(r8.rearrange(UP1), LO1);
        r8 = u;
        u = r10.blend(r11.rearrange(DOWN1), HI1);
        r11 = r11.blend(r10.rearrange(UP1), LO1);
        r10 = u;
        u = r12.blend(r13.rearrange(DOWN1), HI1);
        r13 = r13.blend(r12.rearrange(UP1), LO1);
        r12 = u;
        u = r14.blend(r15.rearrange(DOWN1), HI1);
        r15 = r15.blend(r14.rearrange(UP1), LO1);
        r14 = u;
        r0.intoArray(dst, dp);
        r1.intoArray(dst, dp + 1 * ldd);
        r2.intoArray(dst, dp + 2 * ldd);
        r3.intoArray(dst, dp + 3 * ldd);
        r4.intoArray(dst, dp + 4 * ldd);
        r5.intoArray(dst, dp + 5 * ldd);
        r6.intoArray(dst, dp + 6 * ldd);
        r7.intoArray(dst, dp + 7 * ldd);
        r8.intoArray(dst, dp + 8 * ldd);
        r9.intoArray(dst, dp + 9 * ldd);
        r10.intoArray(dst, dp + 10 * ldd);
        r11.intoArray(dst, dp + 11 * ldd);
        r12.intoArray(dst, dp + 12 * ldd);
        r13.intoArray(dst, dp + 13 * ldd);
        r14.intoArray(dst, dp + 14 * ldd);
        r15.intoArray(dst, dp + 15 * ldd);
    }

    /** 8 rows x 2 vectors. */
    static final class K8x2 extends VKernel {
        K8x2() { super(8, 2 * LANES, 1 * LANES, "Vector API 8x" + (2 * LANES)); }

        @Override
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
                pa += 8;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + 1 * LANES);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + 1 * LANES);
            c60.intoArray(c, r6);
            c61.intoArray(c, r6 + 1 * LANES);
            c70.intoArray(c, r7);
            c71.intoArray(c, r7 + 1 * LANES);
        }

        @Override
        boolean readsRowsInPlace() {
            return true;
        }

        @Override
        boolean runRows(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
            int a0 = ai;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            int a4 = a3 + lda;
            int a5 = a4 + lda;
            int a6 = a5 + lda;
            int a7 = a6 + lda;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a1 + p]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a2 + p]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a3 + p]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[a4 + p]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[a5 + p]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(S, a[a6 + p]);
                c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(S, a[a7 + p]);
                c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + 1 * LANES);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + 1 * LANES);
            c60.intoArray(c, r6);
            c61.intoArray(c, r6 + 1 * LANES);
            c70.intoArray(c, r7);
            c71.intoArray(c, r7 + 1 * LANES);
            return true;
        }

        @Override
        boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70);
                pa += 8;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            c00.intoArray(c, r0);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            c40.intoArray(c, r4);
            c50.intoArray(c, r5);
            c60.intoArray(c, r6);
            c70.intoArray(c, r7);
            return true;
        }
    }

    /** 6 rows x 2 vectors. */
    static final class K6x2 extends VKernel {
        K6x2() { super(6, 2 * LANES, 1 * LANES, "Vector API 6x" + (2 * LANES)); }

        @Override
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
                pa += 6;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + 1 * LANES);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + 1 * LANES);
        }

        @Override
        boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50);
                pa += 6;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            c00.intoArray(c, r0);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            c40.intoArray(c, r4);
            c50.intoArray(c, r5);
            return true;
        }
    }

    /** 4 rows x 3 vectors. */
    static final class K4x3 extends VKernel {
        K4x3() { super(4, 3 * LANES, 1 * LANES, "Vector API 4x" + (3 * LANES)); }

        @Override
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector b2 = FloatVector.fromArray(S, b, pb + 2 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
                pa += 4;
                pb += 3 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c02.intoArray(c, r0 + 2 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c12.intoArray(c, r1 + 2 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c22.intoArray(c, r2 + 2 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c32.intoArray(c, r3 + 2 * LANES);
        }

        @Override
        boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30);
                pa += 4;
                pb += 3 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            c00.intoArray(c, r0);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            return true;
        }
    }

    /** 12 rows x 2 vectors. */
    static final class K12x2 extends VKernel {
        K12x2() { super(12, 2 * LANES, 1 * LANES, "Vector API 12x" + (2 * LANES)); }

        @Override
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
            FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
            FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
            FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
            FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
                x = FloatVector.broadcast(S, a[pa + 8]);
                c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
                x = FloatVector.broadcast(S, a[pa + 9]);
                c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
                x = FloatVector.broadcast(S, a[pa + 10]);
                c100 = x.fma(b0, c100); c101 = x.fma(b1, c101);
                x = FloatVector.broadcast(S, a[pa + 11]);
                c110 = x.fma(b0, c110); c111 = x.fma(b1, c111);
                pa += 12;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            int r8 = ci + 8 * ldc;
            int r9 = ci + 9 * ldc;
            int r10 = ci + 10 * ldc;
            int r11 = ci + 11 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + 1 * LANES);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + 1 * LANES);
            c60.intoArray(c, r6);
            c61.intoArray(c, r6 + 1 * LANES);
            c70.intoArray(c, r7);
            c71.intoArray(c, r7 + 1 * LANES);
            c80.intoArray(c, r8);
            c81.intoArray(c, r8 + 1 * LANES);
            c90.intoArray(c, r9);
            c91.intoArray(c, r9 + 1 * LANES);
            c100.intoArray(c, r10);
            c101.intoArray(c, r10 + 1 * LANES);
            c110.intoArray(c, r11);
            c111.intoArray(c, r11 + 1 * LANES);
        }

        @Override
        boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S);
            FloatVector c80 = FloatVector.zero(S);
            FloatVector c90 = FloatVector.zero(S);
            FloatVector c100 = FloatVector.zero(S);
            FloatVector c110 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70);
                x = FloatVector.broadcast(S, a[pa + 8]);
                c80 = x.fma(b0, c80);
                x = FloatVector.broadcast(S, a[pa + 9]);
                c90 = x.fma(b0, c90);
                x = FloatVector.broadcast(S, a[pa + 10]);
                c100 = x.fma(b0, c100);
                x = FloatVector.broadcast(S, a[pa + 11]);
                c110 = x.fma(b0, c110);
                pa += 12;
                pb += 2 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            int r8 = ci + 8 * ldc;
            int r9 = ci + 9 * ldc;
            int r10 = ci + 10 * ldc;
            int r11 = ci + 11 * ldc;
            c00.intoArray(c, r0);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            c40.intoArray(c, r4);
            c50.intoArray(c, r5);
            c60.intoArray(c, r6);
            c70.intoArray(c, r7);
            c80.intoArray(c, r8);
            c90.intoArray(c, r9);
            c100.intoArray(c, r10);
            c110.intoArray(c, r11);
            return true;
        }
    }

    /** 8 rows x 3 vectors. */
    static final class K8x3 extends VKernel {
        K8x3() { super(8, 3 * LANES, 1 * LANES, "Vector API 8x" + (3 * LANES)); }

        @Override
        void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector b1 = FloatVector.fromArray(S, b, pb + 1 * LANES);
                FloatVector b2 = FloatVector.fromArray(S, b, pb + 2 * LANES);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
                pa += 8;
                pb += 3 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + 1 * LANES);
            c02.intoArray(c, r0 + 2 * LANES);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + 1 * LANES);
            c12.intoArray(c, r1 + 2 * LANES);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + 1 * LANES);
            c22.intoArray(c, r2 + 2 * LANES);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + 1 * LANES);
            c32.intoArray(c, r3 + 2 * LANES);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + 1 * LANES);
            c42.intoArray(c, r4 + 2 * LANES);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + 1 * LANES);
            c52.intoArray(c, r5 + 2 * LANES);
            c60.intoArray(c, r6);
            c61.intoArray(c, r6 + 1 * LANES);
            c62.intoArray(c, r6 + 2 * LANES);
            c70.intoArray(c, r7);
            c71.intoArray(c, r7 + 1 * LANES);
            c72.intoArray(c, r7 + 2 * LANES);
        }

        @Override
        boolean runNarrow(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
            FloatVector c00 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S);
            int pa = ai;
            int pb = bi;
            for (int p = 0; p < kc; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, pb);
                FloatVector x;
                x = FloatVector.broadcast(S, a[pa]);
                c00 = x.fma(b0, c00);
                x = FloatVector.broadcast(S, a[pa + 1]);
                c10 = x.fma(b0, c10);
                x = FloatVector.broadcast(S, a[pa + 2]);
                c20 = x.fma(b0, c20);
                x = FloatVector.broadcast(S, a[pa + 3]);
                c30 = x.fma(b0, c30);
                x = FloatVector.broadcast(S, a[pa + 4]);
                c40 = x.fma(b0, c40);
                x = FloatVector.broadcast(S, a[pa + 5]);
                c50 = x.fma(b0, c50);
                x = FloatVector.broadcast(S, a[pa + 6]);
                c60 = x.fma(b0, c60);
                x = FloatVector.broadcast(S, a[pa + 7]);
                c70 = x.fma(b0, c70);
                pa += 8;
                pb += 3 * LANES;
            }
            int r0 = ci;
            int r1 = ci + 1 * ldc;
            int r2 = ci + 2 * ldc;
            int r3 = ci + 3 * ldc;
            int r4 = ci + 4 * ldc;
            int r5 = ci + 5 * ldc;
            int r6 = ci + 6 * ldc;
            int r7 = ci + 7 * ldc;
            c00.intoArray(c, r0);
            c10.intoArray(c, r1);
            c20.intoArray(c, r2);
            c30.intoArray(c, r3);
            c40.intoArray(c, r4);
            c50.intoArray(c, r5);
            c60.intoArray(c, r6);
            c70.intoArray(c, r7);
            return true;
        }
    }

}
