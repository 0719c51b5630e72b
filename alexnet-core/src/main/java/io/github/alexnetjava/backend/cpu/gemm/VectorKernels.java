package io.github.alexnetjava.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
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

    /** The kernel used by default ({@code -Dalexnet.sgemm.kernel=RxV} picks another shape, for tuning). */
    static MicroKernel create() {
        String shape = System.getProperty("alexnet.sgemm.kernel", "");
        switch (shape) {
            case "6x2":
                return new K6x2();
            case "4x3":
                return new K4x3();
            case "8x2":
            default:
                return new K8x2();
        }
    }

    /** Vectorised merge of a full tile; same element-wise formulas (and roundings) as the scalar merge. */
    abstract static class VKernel extends MicroKernel {
        VKernel(int mr, int nr, String name) {
            super(mr, nr, name);
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
        void scatterRow(float[] src, int s, float[] dst, int d, int slivers, int stride) {
            int nr = this.nr;
            for (int q = 0; q < slivers; q++) {
                int si = s + q * nr;
                int di = d + q * stride;
                for (int j = 0; j < nr; j += LANES) {
                    FloatVector.fromArray(S, src, si + j).intoArray(dst, di + j);
                }
            }
        }
    }

    /** 8 rows x 2 vectors. */
    static final class K8x2 extends VKernel {
        K8x2() { super(8, 2 * LANES, "Vector API 8x" + (2 * LANES)); }

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
    }

    /** 6 rows x 2 vectors. */
    static final class K6x2 extends VKernel {
        K6x2() { super(6, 2 * LANES, "Vector API 6x" + (2 * LANES)); }

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
    }

    /** 4 rows x 3 vectors. */
    static final class K4x3 extends VKernel {
        K4x3() { super(4, 3 * LANES, "Vector API 4x" + (3 * LANES)); }

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
    }

}
