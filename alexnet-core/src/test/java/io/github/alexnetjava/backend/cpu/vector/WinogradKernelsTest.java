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

    /** A tile transform writing {@code alpha^2} values {@code vStride} apart (input and gradient transforms). */
    private interface TileTransform {
        void run(WinogradKernels k, float[] src, int off, int rowStride, float[] v, int vOff, int vStride);
    }

    /** An output transform: an {@code alpha^2} tile to its 2x2 results. */
    private interface OutputTransform {
        void run(WinogradKernels k, float[] m, int mOff, int mStride, float[] out);
    }

    /**
     * One algorithm's transforms and the matrices they must equal; {@code vTol} bounds the input transform's float
     * rounding (F(2x2, 5x5): |terms| up to 100 x 2, a few roundings of that size).
     */
    private record Tiles(int alpha, double[][] bt, double[][] at, TileTransform input, OutputTransform output,
                         TileTransform gradient, double vTol) {
    }

    private static final Tiles F23 = new Tiles(4, BT, AT, WinogradKernels::inputTile, WinogradKernels::outputTile,
            WinogradKernels::gradientTile, 1e-5);
    private static final Tiles F25 = new Tiles(6, BT6, AT6, WinogradKernels::inputTile6,
            WinogradKernels::outputTile6, WinogradKernels::gradientTile6, 1e-4);

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
        matchesTheMatrices(F23, 1);
    }

    @Test
    void scalarF25TransformsAreTheWinogradMatrices() {
        matchesTheMatrices(F25, 5);
    }

    /**
     * The scalar kernels' V = B^T d B, G = A e A^T (e: the tile's top-left 2x2) and Y = A^T m A against the matrices in
     * double, on a plane wider than the tile.
     */
    private static void matchesTheMatrices(Tiles t, long seed) {
        WinogradKernels k = new ScalarWinograd();
        int a = t.alpha();
        int n = a * a;
        int rowStride = (a + 3) * L;
        float[] src = random(seed, (a + 1) * rowStride);
        int off = 3 + L;
        int vStride = 40;
        float[] v = new float[n * vStride + L];
        t.input().run(k, src, off, rowStride, v, 2, vStride);
        float[] m = random(seed + 1, n * vStride + L);
        float[] out = new float[4 * L];
        t.output().run(k, m.clone(), 1, vStride, out);
        float[] g = new float[n * vStride + L];
        t.gradient().run(k, src, off, rowStride, g, 3, vStride);
        for (int l = 0; l < L; l++) {
            double[][] d = new double[a][a];
            double[][] mm = new double[a][a];
            for (int r = 0; r < a; r++) {
                for (int s = 0; s < a; s++) {
                    d[r][s] = src[off + r * rowStride + s * L + l];
                    mm[r][s] = m[1 + (a * r + s) * vStride + l];
                }
            }
            double[][] want = sandwich(t.bt(), d);
            double[][] ge = transposedSandwich(t.at(), d);
            for (int xi = 0; xi < n; xi++) {
                assertEquals(want[xi / a][xi % a], v[2 + xi * vStride + l], t.vTol(), "V[" + xi + "] lane " + l);
                assertEquals(ge[xi / a][xi % a], g[3 + xi * vStride + l], 1e-5, "G[" + xi + "] lane " + l);
            }
            double[][] y = sandwich(t.at(), mm);
            for (int q = 0; q < 4; q++) {
                assertEquals(y[q / 2][q % 2], out[q * L + l], 1e-5, "Y[" + q + "] lane " + l);
            }
        }
    }

    @Test
    void vectorTransformsMatchScalarOnesBitForBit() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        float[] src = matchScalarBitForBit(F23, 3);
        WinogradKernels scalar = new ScalarWinograd();
        WinogradKernels vector = new VectorWinograd();
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
    void vectorF25TransformsMatchScalarOnesBitForBit() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        matchScalarBitForBit(F25, 7);
    }

    /** The three transforms of the vector kernels against the scalar ones, bit for bit; returns the input used. */
    private static float[] matchScalarBitForBit(Tiles t, long seed) {
        WinogradKernels scalar = new ScalarWinograd();
        WinogradKernels vector = new VectorWinograd();
        int a = t.alpha();
        int n = a * a;
        int rowStride = (a + 2) * L;
        float[] src = random(seed, (a + 1) * rowStride);
        int vStride = 3 * L + 5;
        float[] v1 = new float[n * vStride + L + 4];
        float[] v2 = v1.clone();
        t.input().run(scalar, src, L, rowStride, v1, 4, vStride);
        t.input().run(vector, src, L, rowStride, v2, 4, vStride);
        assertArrayEquals(v1, v2, "input transform");
        float[] o1 = new float[4 * L];
        float[] o2 = new float[4 * L];
        float[] m = random(seed + 1, n * vStride + L + 2);
        t.output().run(scalar, m.clone(), 2, vStride, o1);
        t.output().run(vector, m.clone(), 2, vStride, o2);
        assertArrayEquals(o1, o2, "output transform");
        float[] g1 = new float[n * vStride + L + 4];
        float[] g2 = g1.clone();
        t.gradient().run(scalar, src, L + 3, rowStride, g1, 1, vStride);
        t.gradient().run(vector, src, L + 3, rowStride, g2, 1, vStride);
        assertArrayEquals(g1, g2, "gradient transform");
        return src;
    }
}
