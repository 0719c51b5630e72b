package io.github.alexnetjava.backend.cpu;

import java.util.Arrays;

/**
 * Unfolds image patches into a matrix (im2col) and folds gradients back (col2im). The column matrix for one
 * image and group is {@code [C*kh*kw, OH*OW]}; row {@code (c, i, j)} holds input pixel
 * {@code (c, oh*s - p + i, ow*s - p + j)} for every output position, zero where it falls into the padding.
 */
final class Im2col {
    private Im2col() {
    }

    static void im2col(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh, int sw, int ph,
            int pw, int oh, int ow, float[] col) {
        int p = oh * ow;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = row * p;
                    int lo = firstValid(pw - kj, sw);
                    int hi = endValid(w - 1 + pw - kj, sw, ow);
                    for (int y = 0; y < oh; y++) {
                        int ih = y * sh - ph + ki;
                        int dst = base + y * ow;
                        if (ih < 0 || ih >= h || lo >= hi) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        if (lo > 0) {
                            Arrays.fill(col, dst, dst + lo, 0f);
                        }
                        if (hi < ow) {
                            Arrays.fill(col, dst + hi, dst + ow, 0f);
                        }
                        int src = plane + ih * w - pw + kj;
                        if (sw == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int xo = lo; xo < hi; xo++) {
                                col[dst + xo] = x[src + xo * sw];
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code dx += fold(col)}: the adjoint of {@link #im2col}. */
    static void col2imAdd(float[] col, int channels, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
            int oh, int ow, float[] dx, int dxOff) {
        int p = oh * ow;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = row * p;
                    int lo = firstValid(pw - kj, sw);
                    int hi = endValid(w - 1 + pw - kj, sw, ow);
                    if (lo >= hi) {
                        continue;
                    }
                    for (int y = 0; y < oh; y++) {
                        int ih = y * sh - ph + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = base + y * ow;
                        int dst = plane + ih * w - pw + kj;
                        if (sw == 1) {
                            for (int xo = lo; xo < hi; xo++) {
                                dx[dst + xo] += col[src + xo];
                            }
                        } else {
                            for (int xo = lo; xo < hi; xo++) {
                                dx[dst + xo * sw] += col[src + xo];
                            }
                        }
                    }
                }
            }
        }
    }

    /** First output column whose input column {@code ow*s - (pad - kj)} is >= 0. */
    private static int firstValid(int padMinusK, int s) {
        return padMinusK <= 0 ? 0 : (padMinusK + s - 1) / s;
    }

    /** One past the last output column whose input column is <= w-1. */
    private static int endValid(int lastPlusPad, int s, int ow) {
        return lastPlusPad < 0 ? 0 : Math.min(ow, lastPlusPad / s + 1);
    }
}
