package io.github.alexnetjava.backend.cpu.vector;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link PoolKernels#firstMax} against a plain scan written here (first strictly greater value wins), and
 * {@link PoolKernels#blockMax3x3} against each block's maximum, for the scalar kernel and, where the Vector API
 * is on, the vector kernel: values with many ties, signed zeros, negatives and (for the plane maximum) NaN.
 */
class PoolKernelsTest {
    private static final int LANES = PoolKernels.LANES;

    @Test
    void scalarFindsTheFirstMaximum() {
        check(new ScalarPool());
    }

    @Test
    void vectorFindsTheFirstMaximum() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        check(new VectorPool());
    }

    private static void check(PoolKernels k) {
        SplittableRandom r = new SplittableRandom(5);
        float[] values = {-1f, -0f, 0f, 1f, 2f};
        int positions = 25;
        float[] xi = new float[positions * LANES];
        for (int trial = 0; trial < 200; trial++) {
            for (int i = 0; i < xi.length; i++) {
                xi[i] = values[r.nextInt(values.length)];
            }
            int n = 1 + r.nextInt(9);
            int[] pos = new int[n];
            for (int t = 0; t < n; t++) {
                pos[t] = r.nextInt(positions) * LANES;
            }
            float[] want = new float[LANES];
            for (int l = 0; l < LANES; l++) {
                int at = pos[0];
                for (int t = 1; t < n; t++) {
                    if (xi[pos[t] + l] > xi[at + l]) {
                        at = pos[t];
                    }
                }
                want[l] = at;
            }
            int atOff = trial % 3;
            float[] got = new float[atOff + LANES];
            k.firstMax(xi, pos, n, got, atOff);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(got, atOff, atOff + LANES),
                    k.getClass().getSimpleName() + ", trial " + trial);
        }
    }

    @Test
    void scalarBlockKernelFindsTheBlockMaximum() {
        checkBlocks(new ScalarPool());
    }

    @Test
    void vectorBlockKernelFindsTheBlockMaximum() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        checkBlocks(new VectorPool());
    }

    /** Every column's 3x3 block of rows 5 to 60 wide (pool5: 13, pool1: 55): its maximum (NaN wins, +0 above -0). */
    private static void checkBlocks(PoolKernels k) {
        SplittableRandom r = new SplittableRandom(6);
        float[] values = {-2f, -1f, -0f, 0f, 1f, 2f};
        int cols = k.blockColumns();
        for (int w = 5; w <= 60; w++) {
            int row = 3;
            float[] x = new float[row + 2 * w + PoolKernels.BLOCK_READ];
            for (int trial = 0; trial < 20; trial++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = values[r.nextInt(values.length)];
                }
                int nanAt = row + r.nextInt(2 * w + 3);
                x[nanAt] = Float.NaN;
                int outOff = trial % 5;
                float[] out = new float[outOff + cols];
                k.blockMax3x3(x, row, w, out, outOff);
                float[] max = java.util.Arrays.copyOfRange(out, outOff, outOff + cols);
                for (int c = 0; c < cols; c++) {
                    float want = Float.NEGATIVE_INFINITY;
                    boolean nan = false;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            float v = x[row + a * w + c + b];
                            nan |= v != v;
                            if (v > want || (v == 0f && want == 0f && Float.floatToRawIntBits(v) == 0)) {
                                want = v; // +0 above -0, as Math.max
                            }
                        }
                    }
                    String what = k.getClass().getSimpleName() + " w=" + w + " column " + c;
                    if (nan) {
                        assertTrue(Float.isNaN(max[c]), what + ": NaN in the block");
                    } else {
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(max[c]), what);
                    }
                }
            }
        }
    }

    @Test
    void scalarBlockRoutesFindTheFirstMaximum() {
        checkBlockRoutes(new ScalarPool());
    }

    @Test
    void vectorBlockRoutesFindTheFirstMaximum() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        checkBlockRoutes(new VectorPool());
    }

    /**
     * Every column's 3x3 block, rows 5 to 60 wide (pool1: 55), values with many ties and signed zeros: the offset
     * of its first maximum in row-major scan order, found here by comparing positions in that order (a later one
     * wins only when strictly greater); the result written at an offset into the output.
     */
    private static void checkBlockRoutes(PoolKernels k) {
        SplittableRandom r = new SplittableRandom(7);
        float[] values = {-2f, -1f, -0f, 0f, 1f, 2f};
        int cols = k.blockColumns();
        for (int w = 5; w <= 60; w++) {
            int row = 2;
            float[] x = new float[row + 2 * w + PoolKernels.BLOCK_READ];
            for (int trial = 0; trial < 20; trial++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = values[r.nextInt(values.length)];
                }
                int atOff = trial % 5;
                float[] at = new float[atOff + cols];
                k.blockFirstMax3x3(x, row, w, at, atOff);
                for (int c = 0; c < cols; c++) {
                    int want = 0;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            if (x[row + c + a * w + b] > x[row + c + want]) {
                                want = a * w + b;
                            }
                        }
                    }
                    assertEquals(want, at[atOff + c], k.getClass().getSimpleName() + " w=" + w + " column " + c);
                }
            }
        }
    }
}
