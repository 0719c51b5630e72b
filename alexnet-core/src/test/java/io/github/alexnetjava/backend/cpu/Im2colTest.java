package io.github.alexnetjava.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * im2col's fast paths (strided phases, same-padded shifts) against the definition, including kernels wider than
 * the image, and col2im as its exact adjoint: {@code <im2col(x), c> == <x, col2im(c)>}.
 */
class Im2colTest {
    private static final int[][] GEOMETRIES = {
        // c, h, w, kh, kw, sh, sw, ph, pw
        {2, 5, 4, 3, 3, 1, 1, 1, 1},     // same padding, 3x3
        {3, 6, 7, 5, 5, 1, 1, 2, 2},     // same padding, 5x5
        {1, 2, 2, 7, 7, 1, 1, 3, 3},     // same padding with a kernel wider than the image
        {1, 3, 1, 5, 5, 1, 1, 2, 2},     // one column
        {3, 23, 23, 11, 11, 4, 4, 0, 0}, // conv1-like stride 4
        {2, 13, 11, 5, 3, 3, 2, 2, 1},   // strided with padding, non-square
        {2, 9, 8, 3, 3, 2, 2, 0, 0},     // strided without padding
        {2, 6, 6, 3, 3, 1, 1, 0, 0},     // stride 1, valid
        {3, 51, 47, 11, 11, 4, 4, 0, 0}, // conv1-like, rows longer than a vector
        {2, 13, 13, 3, 3, 1, 1, 1, 1},   // conv3-like
    };

    @Test
    void fastPathsMatchTheDefinition() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] g : GEOMETRIES) {
            int c = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4], sh = g[5], sw = g[6], ph = g[7], pw = g[8];
            int oh = (h + 2 * ph - kh) / sh + 1;
            int ow = (w + 2 * pw - kw) / sw + 1;
            int off = 3;
            float[] x = new float[off + c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
            }
            float[] col = new float[c * kh * kw * oh * ow];
            java.util.Arrays.fill(col, Float.NaN);
            Im2col.im2col(x, off, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col);
            float[] want = new float[col.length];
            int row = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++, row++) {
                        for (int y = 0; y < oh; y++) {
                            for (int xo = 0; xo < ow; xo++) {
                                int ih = y * sh - ph + ki;
                                int iw = xo * sw - pw + kj;
                                boolean in = ih >= 0 && ih < h && iw >= 0 && iw < w;
                                want[(row * oh + y) * ow + xo] = in ? x[off + (ch * h + ih) * w + iw] : 0f;
                            }
                        }
                    }
                }
            }
            assertArrayEquals(want, col, java.util.Arrays.toString(g));

            // Column ranges into a wider matrix (tiles; images side by side): exactly the same values, nothing
            // written outside the range.
            int p = oh * ow;
            int rowsK = c * kh * kw;
            int[][] ranges = {{0, p}, {0, 1}, {p - 1, p}, {p / 3, p - p / 4}, {1, Math.max(1, p / 2)}};
            for (int[] jr : ranges) {
                int j0 = jr[0];
                int j1 = jr[1];
                int colOff = 5;
                int ldc = (j1 - j0) + 7;
                float[] part = new float[colOff + rowsK * ldc];
                java.util.Arrays.fill(part, Float.NaN);
                Im2col.im2col(x, off, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, j0, j1, part, colOff, ldc);
                for (int rr = 0; rr < rowsK; rr++) {
                    for (int i = 0; i < ldc; i++) {
                        float v = part[colOff + rr * ldc + i];
                        String where = java.util.Arrays.toString(g) + " range " + j0 + ".." + j1 + " row " + rr
                                + " col " + i;
                        if (i < j1 - j0) {
                            assertEquals(want[rr * p + j0 + i], v, where);
                        } else {
                            assertEquals(Float.NaN, v, where + " (outside the range)");
                        }
                    }
                }
                for (int i = 0; i < colOff; i++) {
                    assertEquals(Float.NaN, part[i], "before the matrix");
                }
            }

            // Adjoint: <im2col(x), d> == <x, col2im(d)>
            float[] d = new float[col.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) r.nextDouble(-1, 1);
            }
            double lhs = 0;
            for (int i = 0; i < d.length; i++) {
                lhs += (double) want[i] * d[i];
            }
            float[] dx = new float[x.length];
            Im2col.col2imAdd(d.clone(), c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, dx, off);
            double rhs = 0;
            for (int i = off; i < x.length; i++) {
                rhs += (double) x[i] * dx[i];
            }
            assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), "adjoint " + java.util.Arrays.toString(g));
            assertEquals(0f, dx[0], "col2im wrote before the plane " + java.util.Arrays.toString(g));
        }
    }
}
