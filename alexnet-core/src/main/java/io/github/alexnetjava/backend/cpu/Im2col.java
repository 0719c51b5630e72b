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
        int p = oh * ow;
        im2col(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, oh, ow, 0, p, col, 0, p);
    }

    /**
     * Columns {@code [j0, j1)} of the column matrix (output positions {@code j = y*ow + x}) into
     * {@code col[colOff + row*ldc + (j - j0)]}: a tile of the matrix for the GEMM, or one image's part of a matrix
     * holding several images side by side.
     */
    static void im2col(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh, int sw, int ph,
            int pw, int oh, int ow, int j0, int j1, float[] col, int colOff, int ldc) {
        if (j0 >= j1) {
            return;
        }
        if (sw > 1) {
            im2colStrided(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, oh, ow, j0, j1, col, colOff, ldc);
            return;
        }
        if (samePadded(h, w, sh, sw, oh, ow)) {
            im2colSame(x, xOff, channels, h, w, kh, kw, ph, pw, j0, j1, col, colOff, ldc);
            return;
        }
        int yFirst = j0 / ow;
        int yEnd = (j1 + ow - 1) / ow;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = colOff + row * ldc - j0; // index of column j is base + j
                    int lo = firstValid(pw - kj, sw);
                    int hi = endValid(w - 1 + pw - kj, sw, ow);
                    for (int y = yFirst; y < yEnd; y++) {
                        int a = Math.max(j0 - y * ow, 0);
                        int b = Math.min(j1 - y * ow, ow);
                        int ih = y * sh - ph + ki;
                        int dst = base + y * ow;
                        if (ih < 0 || ih >= h || lo >= hi) {
                            Arrays.fill(col, dst + a, dst + b, 0f);
                            continue;
                        }
                        int cl = Math.max(a, lo);
                        int ch = Math.min(b, hi);
                        if (cl >= ch) {
                            Arrays.fill(col, dst + a, dst + b, 0f);
                            continue;
                        }
                        Arrays.fill(col, dst + a, dst + cl, 0f);
                        Arrays.fill(col, dst + ch, dst + b, 0f);
                        int src = plane + ih * w - pw + kj;
                        if (sw == 1) {
                            System.arraycopy(x, src + cl, col, dst + cl, ch - cl);
                        } else {
                            for (int xo = cl; xo < ch; xo++) {
                                col[dst + xo] = x[src + xo * sw];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * im2col for a horizontal stride s > 1 without a strided gather per element: the input rows the columns need
     * are first split into s phases each, {@code phase_r[t] = x[t*s + r - pw]} (zero outside the row), after which
     * the run of kernel column {@code kj = q*s + r} in output row y is the contiguous {@code phase_r[q .. q+ow)}
     * of input row {@code y*sh - ph + ki}. Each input row is split once per call (not once per kernel row that
     * reads it), and the runs are copied as whole vectors, the overrun landing where the next run is written.
     */
    private static void im2colStrided(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh,
            int sw, int ph, int pw, int oh, int ow, int j0, int j1, float[] col, int colOff, int ldc) {
        Phases ps = Phases.split(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, ow, j0, j1, 0);
        float[] phases = ps.data;
        int colEnd = colOff + (j1 - j0);
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < kh; ki++) {
                int rowBase = (c * kh + ki) * kw;
                for (int y = ps.yFirst; y < ps.yEnd; y++) {
                    int a = Math.max(j0 - y * ow, 0);
                    int b = Math.min(j1 - y * ow, ow);
                    int ih = y * sh - ph + ki;
                    int dstCol = colOff + y * ow - j0;
                    if (ih < 0 || ih >= h) {
                        for (int kj = 0; kj < kw; kj++) {
                            int dst = (rowBase + kj) * ldc + dstCol;
                            Arrays.fill(col, dst + a, dst + b, 0f);
                        }
                        continue;
                    }
                    int pb = ps.rowStart(c, ih) + a;
                    for (int kj = 0; kj < kw; kj++) {
                        int rowStart = (rowBase + kj) * ldc;
                        K.copyOver(phases, pb + ps.tap(kj), col, rowStart + dstCol + a, b - a, rowStart + colEnd);
                    }
                }
            }
        }
    }

    /**
     * Whether {@link #im2colStridedPacked} takes this layer: a horizontal stride above 1 (the phase split), no
     * vertical padding (every window row is inside the image), and output rows at least {@code nr} wide (a sliver
     * row then straddles at most two of them): conv1.
     */
    static boolean packs(int sw, int ph, int ow, int nr) {
        return sw > 1 && ph == 0 && ow >= nr;
    }

    /**
     * Columns {@code [j0, j1)} of the column matrix written straight in the layout of a GEMM's packed B
     * ({@link io.github.alexnetjava.backend.cpu.gemm.Sgemm#sgemm(io.github.alexnetjava.backend.cpu.gemm.PackedA,
     * float[], int, int, float, float, float[], int, int)}): {@code nr}-column slivers, column {@code j} of the
     * tile at {@code bp[(j / nr)*nr*k + row*nr + j % nr]} for the {@code k = channels*kh*kw} rows, the last
     * sliver's columns past the tile zero. Each sliver row is one {@link ElementwiseKernels#splice} of two phase
     * runs, so the GEMM does not copy the matrix into this layout a second time. Only where {@link #packs}.
     */
    static void im2colStridedPacked(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh, int sw,
            int ph, int pw, int ow, int j0, int j1, float[] bp, int nr) {
        if (!packs(sw, ph, ow, nr)) {
            throw new IllegalArgumentException("packed unfolding needs a horizontal stride above 1, no vertical"
                    + " padding and output rows of at least " + nr + ", got stride " + sw + ", padding " + ph
                    + ", " + ow + " columns");
        }
        // a margin before the first row: the second run's read may start up to nr floats before its row
        Phases ps = Phases.split(x, xOff, channels, h, w, kh, kw, sh, sw, ph, pw, ow, j0, j1, nr);
        float[] phases = ps.data;
        int k = channels * kh * kw;
        int cols = j1 - j0;
        for (int s0 = 0; s0 < cols; s0 += nr) {
            // the sliver's columns: output row y1 from column x1 on, then (past n1 of them) row y1 + 1 from 0
            int y1 = (j0 + s0) / ow;
            int x1 = j0 + s0 - y1 * ow;
            int n1 = ow - x1;
            // a straddled row past the tile (its columns zeroed below) reads the tile's last row instead
            int y2 = Math.min(y1 + 1, ps.yEnd - 1);
            int row = s0 * k;
            for (int c = 0; c < channels; c++) {
                for (int ki = 0; ki < kh; ki++) {
                    int r1 = ps.rowStart(c, y1 * sh + ki) + x1;
                    int r2 = n1 >= nr ? r1 + n1 : ps.rowStart(c, y2 * sh + ki);
                    for (int kj = 0; kj < kw; kj++, row += nr) {
                        int t = ps.tap(kj);
                        K.splice(phases, r1 + t, n1, r2 + t, bp, row, nr);
                    }
                }
            }
        }
        int tail = cols % nr;
        if (tail != 0) {
            int last = (cols - tail) * k;
            for (int r = 0; r < k; r++) {
                Arrays.fill(bp, last + r * nr + tail, last + r * nr + nr, 0f);
            }
        }
    }

    /**
     * The input rows a strided unfolding of columns {@code [j0, j1)} reads, each split into its {@code sw} phases:
     * {@code phase_r[t] = x[t*sw + r - pw]} (zero outside the row), {@code span} long, in a per-thread buffer from
     * {@code front} on (a margin for reads that start before a row; as much again is left after the last).
     */
    private record Phases(float[] data, int yFirst, int yEnd, int ihLo, int rows, int span, int sw, int front) {
        static Phases split(float[] x, int xOff, int channels, int h, int w, int kh, int kw, int sh, int sw, int ph,
                int pw, int ow, int j0, int j1, int front) {
            int span = ow + (kw - 1) / sw; // phase length needed
            int rowLen = sw * span;
            int yFirst = j0 / ow;
            int yEnd = (j1 + ow - 1) / ow;
            int ihLo = Math.max(0, yFirst * sh - ph);
            int ihHi = Math.min(h, (yEnd - 1) * sh - ph + kh);
            int rows = Math.max(0, ihHi - ihLo);
            // slack past the last row for reads that overrun a run: a vector (copyOver), or front (a splice)
            int need = front + channels * rows * rowLen + 64 + front;
            float[] phases = PHASES.get();
            if (phases.length < need) {
                phases = new float[need];
                PHASES.set(phases);
            }
            for (int c = 0; c < channels; c++) {
                for (int ih = ihLo; ih < ihHi; ih++) {
                    int src = xOff + (c * h + ih) * w;
                    int base = front + (c * rows + ih - ihLo) * rowLen;
                    for (int r = 0; r < sw; r++) {
                        int b = base + r * span;
                        int tLo = pw - r <= 0 ? 0 : Math.min(span, (pw - r + sw - 1) / sw);
                        int last = w - 1 + pw - r;
                        int tHi = last < 0 ? tLo : Math.max(tLo, Math.min(span, last / sw + 1));
                        for (int t = 0; t < tLo; t++) {
                            phases[b + t] = 0f;
                        }
                        int s0 = src + r - pw;
                        for (int t = tLo; t < tHi; t++) {
                            phases[b + t] = x[s0 + t * sw];
                        }
                        for (int t = tHi; t < span; t++) {
                            phases[b + t] = 0f;
                        }
                    }
                }
            }
            return new Phases(phases, yFirst, yEnd, ihLo, rows, span, sw, front);
        }

        /** Where input row {@code ih} of channel {@code c} starts (its phase 0). */
        int rowStart(int c, int ih) {
            return front + (c * rows + ih - ihLo) * sw * span;
        }

        /** Offset of kernel column {@code kj}'s run from its row's start: phase kj % sw, from element kj / sw. */
        int tap(int kj) {
            return (kj % sw) * span + kj / sw;
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
            int j0, int j1, float[] col, int colOff, int ldc) {
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
                    int base = colOff + row * ldc - j0; // index of column j is base + j
                    int lo = Math.max(j0, y0 * w + Math.max(0, -dxs));
                    int hi = Math.min(j1, y1 * w - Math.max(0, dxs));
                    if (lo >= hi) {
                        Arrays.fill(col, base + j0, base + j1, 0f);
                        continue;
                    }
                    Arrays.fill(col, base + j0, base + lo, 0f);
                    Arrays.fill(col, base + hi, base + j1, 0f);
                    System.arraycopy(x, plane + lo + dy * w + dxs, col, base + lo, hi - lo);
                    zeroWrapped(col, base, Math.max(y0, lo / w), Math.min(y1, (hi - 1) / w + 1), w, dxs, lo, hi);
                }
            }
        }
    }

    /**
     * Zeroes, in rows [y0, y1) of a w-wide plane at base, the columns a horizontal shift dxs moved off the row,
     * restricted to plane positions [lo, hi).
     */
    private static void zeroWrapped(float[] col, int base, int y0, int y1, int w, int dxs, int lo, int hi) {
        if (dxs > 0) {
            for (int y = y0; y < y1; y++) {
                int a = Math.max(lo, y * w + Math.max(0, w - dxs));
                int b = Math.min(hi, y * w + w);
                if (a < b) {
                    Arrays.fill(col, base + a, base + b, 0f);
                }
            }
        } else if (dxs < 0) {
            for (int y = y0; y < y1; y++) {
                int a = Math.max(lo, y * w);
                int b = Math.min(hi, y * w + Math.min(w, -dxs));
                if (a < b) {
                    Arrays.fill(col, base + a, base + b, 0f);
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
        col2imAdd(col, 0, oh * ow, channels, h, w, kh, kw, sh, sw, ph, pw, oh, ow, dx, dxOff);
    }

    /** As above for a column matrix whose row r starts at {@code col[colOff + r*ldc]}. */
    static void col2imAdd(float[] col, int colOff, int ldc, int channels, int h, int w, int kh, int kw, int sh,
            int sw, int ph, int pw, int oh, int ow, float[] dx, int dxOff) {
        if (samePadded(h, w, sh, sw, oh, ow)) {
            col2imSame(col, colOff, ldc, channels, h, w, kh, kw, ph, pw, dx, dxOff);
            return;
        }
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = colOff + row * ldc;
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
    private static void col2imSame(float[] col, int colOff, int ldc, int channels, int h, int w, int kh, int kw,
            int ph, int pw, float[] dx, int dxOff) {
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
                    int base = colOff + row * ldc;
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
