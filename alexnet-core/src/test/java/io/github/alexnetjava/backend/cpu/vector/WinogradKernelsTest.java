package io.github.alexnetjava.backend.cpu.vector;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Winograd tile transforms: the scalar ones against the matrices in double (F(2x2, 3x3) of Lavin and Gray;
 * F(2x2, 5x5) with their F(4x4, 3x3) input transform, which depends only on the interpolation points 0, 1, -1, 2,
 * -2 and infinity, and the output transform at those points), and the Vector API ones bit for bit against the scalar
 * ones.
 */
class WinogradKernelsTest {
    private static final int L = WinogradKernels.LANES;
    private static final double[][] BT = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
    private static final double[][] AT = {{1, 1, 1, 0}, {0, 1, -1, -1}};
    private static final double[][] BT6 = {
        {4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
        {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1},
    };
    private static final double[][] AT6 = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-2, 2);
        }
        return a;
    }

    /** P^T t P for an alpha x alpha t and P^T given as rows x alpha. */
    private static double[][] sandwich(double[][] pt, double[][] t) {
        int n = pt.length;
        int alpha = t.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int a = 0; a < alpha; a++) {
                    for (int b = 0; b < alpha; b++) {
                        s += pt[i][a] * t[a][b] * pt[j][b];
                    }
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** P t P^T (alpha x alpha) for the top-left 2x2 of t and P^T given as 2 x alpha. */
    private static double[][] transposedSandwich(double[][] pt, double[][] t) {
        int alpha = pt[0].length;
        double[][] out = new double[alpha][alpha];
        for (int i = 0; i < alpha; i++) {
            for (int j = 0; j < alpha; j++) {
                double s = 0;
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        s += pt[a][i] * t[a][b] * pt[b][j];
                    }
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    @Test
    void scalarTransformsAreTheWinogradMatrices() {
        WinogradKernels k = new ScalarWinograd();
        int rowStride = 7 * L; // a wider plane than the tile
        float[] src = random(1, 5 * rowStride);
        int off = 3 + L;
        int vStride = 40;
        float[] v = new float[16 * vStride + L];
        k.inputTile(src, off, rowStride, v, 2, vStride);
        float[] m = random(2, 16 * vStride + L);
        float[] out = new float[4 * L];
        k.outputTile(m, 1, vStride, out);
        float[] g = new float[16 * vStride + L];
        k.gradientTile(src, off, rowStride, g, 3, vStride);
        for (int l = 0; l < L; l++) {
            double[][] d = new double[4][4];
            double[][] mm = new double[4][4];
            for (int r = 0; r < 4; r++) {
                for (int s = 0; s < 4; s++) {
                    d[r][s] = src[off + r * rowStride + s * L + l];
                    mm[r][s] = m[1 + (4 * r + s) * vStride + l];
                }
            }
            double[][] e = new double[4][4]; // the 2x2 gradient tile, zero-padded, for A e A^T = (A^T)^T e A^T
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    e[a][b] = d[a][b];
                }
            }
            double[][] ge = transposedSandwich(AT, e);
            for (int xi = 0; xi < 16; xi++) {
                assertEquals(ge[xi / 4][xi % 4], g[3 + xi * vStride + l], 1e-5, "G[" + xi + "] lane " + l);
            }
            double[][] want = sandwich(BT, d);
            double[][] y = sandwich(AT, mm);
            for (int xi = 0; xi < 16; xi++) {
                assertEquals(want[xi / 4][xi % 4], v[2 + xi * vStride + l], 1e-5, "V[" + xi + "] lane " + l);
            }
            for (int q = 0; q < 4; q++) {
                assertEquals(y[q / 2][q % 2], out[q * L + l], 1e-5, "Y[" + q + "] lane " + l);
            }
        }
    }

    @Test
    void vectorTransformsMatchScalarOnesBitForBit() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        WinogradKernels scalar = new ScalarWinograd();
        WinogradKernels vector = new VectorWinograd();
        int rowStride = 6 * L;
        float[] src = random(3, 5 * rowStride);
        int vStride = 3 * L + 5;
        float[] v1 = new float[16 * vStride + L + 4];
        float[] v2 = v1.clone();
        scalar.inputTile(src, L, rowStride, v1, 4, vStride);
        vector.inputTile(src, L, rowStride, v2, 4, vStride);
        assertArrayEquals(v1, v2, "input transform");
        float[] o1 = new float[4 * L];
        float[] o2 = new float[4 * L];
        float[] m = random(4, 16 * vStride + L + 2);
        scalar.outputTile(m, 2, vStride, o1);
        vector.outputTile(m, 2, vStride, o2);
        assertArrayEquals(o1, o2, "output transform");
        float[] g1 = new float[16 * vStride + L + 4];
        float[] g2 = g1.clone();
        scalar.gradientTile(src, L + 3, rowStride, g1, 1, vStride);
        vector.gradientTile(src, L + 3, rowStride, g2, 1, vStride);
        assertArrayEquals(g1, g2, "gradient transform");
        int[] lanes = new int[L];
        for (int b = 0; b < L; b++) {
            lanes[b] = b * 13 + (b % 3);
        }
        float[] i1 = new float[11 * L + 5];
        float[] i2 = i1.clone();
        scalar.interleave(src, 2, lanes, 11, i1, 5);
        vector.interleave(src, 2, lanes, 11, i2, 5);
        assertArrayEquals(i1, i2, "interleave");
        for (int s = 0; s < 11; s++) {
            assertEquals(src[2 + lanes[7] + s], i1[5 + s * L + 7], "interleave lane 7, column " + s);
        }
    }

    @Test
    void scalarF25TransformsAreTheWinogradMatrices() {
        WinogradKernels k = new ScalarWinograd();
        int rowStride = 9 * L; // a wider plane than the tile
        float[] src = random(5, 7 * rowStride);
        int off = 3 + L;
        int vStride = 40;
        float[] v = new float[36 * vStride + L];
        k.inputTile6(src, off, rowStride, v, 2, vStride);
        float[] m = random(6, 36 * vStride + L);
        float[] out = new float[4 * L];
        k.outputTile6(m.clone(), 1, vStride, out);
        float[] g = new float[36 * vStride + L];
        k.gradientTile6(src, off, rowStride, g, 3, vStride);
        for (int l = 0; l < L; l++) {
            double[][] d = new double[6][6];
            double[][] mm = new double[6][6];
            for (int r = 0; r < 6; r++) {
                for (int s = 0; s < 6; s++) {
                    d[r][s] = src[off + r * rowStride + s * L + l];
                    mm[r][s] = m[1 + (6 * r + s) * vStride + l];
                }
            }
            double[][] want = sandwich(BT6, d);
            double[][] ge = transposedSandwich(AT6, d);
            for (int xi = 0; xi < 36; xi++) {
                // |terms| up to 100 x 2: a few float roundings of that size.
                assertEquals(want[xi / 6][xi % 6], v[2 + xi * vStride + l], 1e-4, "V[" + xi + "] lane " + l);
                assertEquals(ge[xi / 6][xi % 6], g[3 + xi * vStride + l], 1e-5, "G[" + xi + "] lane " + l);
            }
            double[][] y = sandwich(AT6, mm);
            for (int q = 0; q < 4; q++) {
                assertEquals(y[q / 2][q % 2], out[q * L + l], 1e-5, "Y[" + q + "] lane " + l);
            }
        }
    }

    @Test
    void vectorF25TransformsMatchScalarOnesBitForBit() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        WinogradKernels scalar = new ScalarWinograd();
        WinogradKernels vector = new VectorWinograd();
        int rowStride = 8 * L;
        float[] src = random(7, 7 * rowStride);
        int vStride = 3 * L + 5;
        float[] v1 = new float[36 * vStride + L + 4];
        float[] v2 = v1.clone();
        scalar.inputTile6(src, L, rowStride, v1, 4, vStride);
        vector.inputTile6(src, L, rowStride, v2, 4, vStride);
        assertArrayEquals(v1, v2, "input transform");
        float[] o1 = new float[4 * L];
        float[] o2 = new float[4 * L];
        float[] m = random(8, 36 * vStride + L + 2);
        scalar.outputTile6(m.clone(), 2, vStride, o1);
        vector.outputTile6(m.clone(), 2, vStride, o2);
        assertArrayEquals(o1, o2, "output transform");
        float[] g1 = new float[36 * vStride + L + 4];
        float[] g2 = g1.clone();
        scalar.gradientTile6(src, L + 3, rowStride, g1, 1, vStride);
        vector.gradientTile6(src, L + 3, rowStride, g2, 1, vStride);
        assertArrayEquals(g1, g2, "gradient transform");
    }
}
