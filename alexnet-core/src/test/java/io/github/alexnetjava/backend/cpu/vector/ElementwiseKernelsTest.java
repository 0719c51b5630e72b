package io.github.alexnetjava.backend.cpu.vector;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Vector API kernels against the scalar fallback (which the gradient and parity tests cover end to end). */
class ElementwiseKernelsTest {
    private static final int N = 1000 + 13; // not a multiple of any vector length: exercises the tails
    private final ElementwiseKernels scalar = new ScalarElementwise();

    private static float[] random(long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[N + 7];
        for (int i = 0; i < a.length; i++) {
            a[i] = lo + (hi - lo) * (float) r.nextDouble();
        }
        return a;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6f * Math.max(1f, Math.abs(want[i])), what + " at " + i);
        }
    }

    @Test
    void vectorKernelsMatchScalarOnes() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        ElementwiseKernels vector = new VectorElementwise();
        float[] a = random(1, -3, 3);
        float[] b = random(2, -3, 3);
        float[] pos = random(3, 1, 5);
        int off = 7;

        for (int n : new int[] {0, 1, 15, 16, 17, 33, 55, 169, N}) {
            float want = scalar.sum(a, off, n);
            assertEquals(want, vector.sum(a, off, n), 1e-5f * (1 + n), "sum of " + n);
            // copyOver: the first n copied, nothing written at or past the limit, nothing before dstOff
            for (int slack : new int[] {0, 3, 64}) {
                float[] d = new float[200 + N];
                java.util.Arrays.fill(d, Float.NaN);
                int limit = 5 + n + slack;
                vector.copyOver(a, off, d, 5, n, limit);
                for (int i = 0; i < d.length; i++) {
                    if (i >= 5 && i < 5 + n) {
                        assertEquals(a[off + i - 5], d[i], "copyOver " + n + " at " + i);
                    } else if (i < 5 || i >= limit) {
                        assertEquals(Float.NaN, d[i], "copyOver " + n + " wrote at " + i);
                    }
                }
            }
        }

        float[] s1 = b.clone();
        float[] s2 = b.clone();
        scalar.addSquares(a, off, s1, N, -1f);
        vector.addSquares(a, off, s2, N, -1f);
        assertClose(s1, s2, "addSquares");

        s1 = b.clone();
        s2 = b.clone();
        scalar.add(a, off, s1, N, 1f);
        vector.add(a, off, s2, N, 1f);
        assertClose(s1, s2, "add");

        float[] sc1 = new float[N + 7];
        float[] sc2 = new float[N + 7];
        float[] y1 = new float[N + 7];
        float[] y2 = new float[N + 7];
        scalar.lrnForward34(pos, 2f, 1e-2f, a, sc1, y1, off, N);
        vector.lrnForward34(pos, 2f, 1e-2f, a, sc2, y2, off, N);
        assertClose(sc1, sc2, "lrn scale");
        assertClose(y1, y2, "lrn output");

        float[] t1 = new float[N];
        float[] t2 = new float[N];
        scalar.lrnGradientTerm(a, b, pos, off, t1, N);
        vector.lrnGradientTerm(a, b, pos, off, t2, N);
        assertClose(t1, t2, "lrn gradient term");

        float[] d1 = new float[N + 7];
        float[] d2 = new float[N + 7];
        scalar.lrnBackward34(pos, a, b, pos, 3e-3f, d1, off, N);
        vector.lrnBackward34(pos, a, b, pos, 3e-3f, d2, off, N);
        assertClose(d1, d2, "lrn backward");

        float[] r1 = new float[N + 7];
        float[] r2 = new float[N + 7];
        scalar.reluBackward(a, b, r1, 3, N);
        vector.reluBackward(a, b, r2, 3, N);
        assertClose(r1, r2, "relu backward");
    }

    /** splice against its definition, written here, for both kernels: every split point, widths 8 to 48. */
    @Test
    void spliceJoinsTwoRuns() {
        float[] src = random(9, -3, 3);
        java.util.List<ElementwiseKernels> kernels = new java.util.ArrayList<>(java.util.List.of(scalar));
        if (VectorSupport.enabled()) {
            kernels.add(new VectorElementwise());
        }
        for (ElementwiseKernels k : kernels) {
            for (int width : new int[] {8, 16, 32, 40, 48}) {
                for (int n1 = 0; n1 <= width + 3; n1++) {
                    int off1 = 3 + n1;
                    int off2 = 200 + 2 * n1;
                    float[] dst = new float[width + 10];
                    java.util.Arrays.fill(dst, Float.NaN);
                    k.splice(src, off1, n1, off2, dst, 5, width);
                    String what = k.getClass().getSimpleName() + " width " + width + ", n1 " + n1;
                    for (int j = 0; j < dst.length; j++) {
                        float want = j < 5 || j >= 5 + width ? Float.NaN
                                : j - 5 < n1 ? src[off1 + j - 5] : src[off2 + j - 5 - n1];
                        assertEquals(want, dst[j], what + " at " + j);
                    }
                }
            }
        }
    }
}
