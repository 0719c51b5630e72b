package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;

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
        if (samePadded(h, w, sh, sw, oh, ow)) {
            im2colSame(x, xOff, channels, h, w, kh, kw, ph, pw, col);
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
                        K.copy(phases, (kj % sw) * span + kj / sw, col, (rowBase + kj) * p + dstCol, ow);
                    }
                }
            }
        }
    }

    private static final ThreadLocal<float[]> PHASES = ThreadLocal.withInitial(() -> new float[0]);

    /** Stride 1 with "same" padding (output as large as the input): each col row is the plane, shifted. */
    private static boolean samePadded(int h, int w, int sh, int sw, int oh, int ow) {
        return sh == 1 && sw == 1 && oh == h && ow == w;
    }

    /**
     * im2col for stride 1 and same padding: the row of kernel tap (ki, kj) is the input plane shifted by
     * {@code (ki-ph)*w + (kj-pw)}, so it is one long arraycopy; the few elements that wrapped across a row edge
     * (where the tap falls into the horizontal padding) are zeroed afterwards. 3x3 layers have 13-wide rows, where
     * a copy per row cost more in call overhead than in data.
     */
    private static void im2colSame(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int ph, int pw,
            float[] col) {
        int p = h * w;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * p;
            for (int ki = 0; ki < kh; ki++) {
                int dy = ki - ph;
                int y0 = Math.max(0, -dy);
                int y1 = Math.min(h, h - dy);
                for (int kj = 0; kj < kw; kj++, row++) {
                    int dxs = kj - pw;
                    int base = row * p;
                    if (y0 >= y1) {
                        Arrays.fill(col, base, base + p, 0f);
                        continue;
                    }
                    Arrays.fill(col, base, base + y0 * w, 0f);
                    Arrays.fill(col, base + y1 * w, base + p, 0f);
                    int from = y0 * w + Math.max(0, -dxs);
                    int to = y1 * w - Math.max(0, dxs);
                    if (from < to) {
                        System.arraycopy(x, plane + from + dy * w + dxs, col, base + from, to - from);
                    }
                    zeroWrapped(col, base, y0, y1, w, dxs);
                }
            }
        }
    }

    /** Zeroes, in rows [y0, y1) of a w-wide plane at base, the columns a horizontal shift dxs moved off the row. */
    private static void zeroWrapped(float[] col, int base, int y0, int y1, int w, int dxs) {
        if (dxs > 0) {
            for (int y = y0; y < y1; y++) {
                Arrays.fill(col, base + y * w + Math.max(0, w - dxs), base + y * w + w, 0f);
            }
        } else if (dxs < 0) {
            for (int y = y0; y < y1; y++) {
                Arrays.fill(col, base + y * w, base + y * w + Math.min(w, -dxs), 0f);
            }
        }
    }

    /** {@code dx += fold(col)}: the adjoint of {@link #im2col}. Same-padded stride-1 columns are modified. */
    static void col2imAdd(float[] col, int channels, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
            int oh, int ow, float[] dx, int dxOff) {
        if (samePadded(h, w, sh, sw, oh, ow)) {
            col2imSame(col, channels, h, w, kh, kw, ph, pw, dx, dxOff);
            return;
        }
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

    /**
     * The adjoint of {@link #im2colSame}: zero the col entries that correspond to padding (they must not wrap into
     * a neighbouring row), then add each shifted row to the plane in one vectorised pass.
     */
    private static void col2imSame(float[] col, int channels, int h, int w, int kh, int kw, int ph, int pw,
            float[] dx, int dxOff) {
        int p = h * w;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = dxOff + c * p;
            for (int ki = 0; ki < kh; ki++) {
                int dy = ki - ph;
                int y0 = Math.max(0, -dy);
                int y1 = Math.min(h, h - dy);
                for (int kj = 0; kj < kw; kj++, row++) {
                    if (y0 >= y1) {
                        continue;
                    }
                    int dxs = kj - pw;
                    int base = row * p;
                    zeroWrapped(col, base, y0, y1, w, dxs);
                    int from = y0 * w + Math.max(0, -dxs);
                    int to = y1 * w - Math.max(0, dxs);
                    if (from < to) {
                        K.addTo(col, base + from, dx, plane + from + dy * w + dxs, to - from);
                    }
                }
            }
        }
    }

    private static final ElementwiseKernels K = ElementwiseKernels.get();

    /** First output column whose input column {@code ow*s - (pad - kj)} is >= 0. */
    private static int firstValid(int padMinusK, int s) {
        return padMinusK <= 0 ? 0 : (padMinusK + s - 1) / s;
    }

    /** One past the last output column whose input column is <= w-1. */
    private static int endValid(int lastPlusPad, int s, int ow) {
        return lastPlusPad < 0 ? 0 : Math.min(ow, lastPlusPad / s + 1);
    }
}
