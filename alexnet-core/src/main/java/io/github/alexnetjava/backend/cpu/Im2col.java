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
        if (sw > 1) {
            im2colStrided(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col);
            return;
        }
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

    /**
     * im2col for a horizontal stride s > 1 without a strided gather per element: each input row is split once into
     * s phases, {@code phase_r[t] = x[t*s + r - pw]} (zero outside the row), after which the row of kernel column
     * {@code kj = q*s + r} is the contiguous run {@code phase_r[q .. q+ow)}, copied with arraycopy.
     */
    private static void im2colStrided(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh,
            int sw, int ph, int pw, int oh, int ow, float[] col) {
        int p = oh * ow;
        int span = ow + (kw - 1) / sw; // phase length needed
        float[] phases = PHASES.get();
        if (phases.length < sw * span) {
            phases = new float[sw * span];
            PHASES.set(phases);
        }
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                int rowBase = (c * kh + ki) * kw;
                for (int y = 0; y < oh; y++) {
                    int ih = y * sh - ph + ki;
                    int dstCol = y * ow;
                    if (ih < 0 || ih >= h) {
                        for (int kj = 0; kj < kw; kj++) {
                            int dst = (rowBase + kj) * p + dstCol;
                            Arrays.fill(col, dst, dst + ow, 0f);
                        }
                        continue;
                    }
                    int src = plane + ih * w;
                    for (int r = 0; r < sw; r++) {
                        int base = r * span;
                        for (int t = 0; t < span; t++) {
                            int iw = t * sw + r - pw;
                            phases[base + t] = iw >= 0 && iw < w ? x[src + iw] : 0f;
                        }
                    }
                    for (int kj = 0; kj < kw; kj++) {
                        System.arraycopy(phases, (kj % sw) * span + kj / sw, col, (rowBase + kj) * p + dstCol, ow);
                    }
                }
            }
        }
    }

    private static final ThreadLocal<float[]> PHASES = ThreadLocal.withInitial(() -> new float[0]);

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
