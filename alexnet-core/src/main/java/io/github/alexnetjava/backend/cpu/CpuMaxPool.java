package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;
import io.github.alexnetjava.backend.cpu.vector.PoolKernels;

import java.util.Arrays;

/**
 * Max-pooling over each (image, channel) plane, split over the workers by planes, one output row at a time.
 * 3x3 windows without padding (all of AlexNet's) go through block kernels ({@link PoolKernels}): the plane's
 * columns as vector lanes, every column's 3x3 block maximum (forward) or first-maximum offset (backward) at once,
 * each window then taking its start column's. Other windows take the row path: a vertical reduction over the
 * window's input rows, in Vector API kernels over the whole row, then a short horizontal reduction per output over
 * the window's columns (about k+k operations per output instead of k*k data-dependent branches).
 *
 * <p>Backward routes each gradient to the window's first maximum in row-major scan order (as PyTorch's CPU
 * kernel), recomputed rather than stored. On the row path the vertical step keeps each column's maximum and the
 * first row that holds it, the horizontal step picks the largest column maximum, earliest row first, then earliest
 * column. Narrow planes (pool5) instead take up to 16 planes at a time as vector lanes and compare window
 * positions directly. Windows whose output is NaN go to their first NaN.
 */
final class CpuMaxPool {
    private static final ElementwiseKernels K = ElementwiseKernels.get();
    private static final PoolKernels P = PoolKernels.get();
    private static final int LANES = PoolKernels.LANES;
    private static final int MAX = 0;
    private static final int ROW = 1;
    private static final int LANED = 2;
    /**
     * Planes at most this wide take {@link #backwardPlanesLaned} ({@code alexnet.pool.directWidth}): pool5's 13,
     * where the row kernels' 16-lane vectors are all tail (bench --layers: 3.4 -> 2.2-2.5 ms at batch 64, 9.8 ->
     * 4.3-4.5 at 128). The forward pass keeps the row path (a direct max per window was 1.3 -> 7.7 ms for pool5).
     */
    private static final int DIRECT_WIDTH = 16;
    private final WorkerPool pool;
    private final Workspace ws;
    private final long[][] keys;

    CpuMaxPool(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 3);
        this.keys = new long[pool.threads()][];
    }

    void forward(PoolSpec s, int[] shape, float[] x, float[] y) {
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        boolean blocks = blockKernel(s);
        int span = span(s, ow);
        int reach = blockReach(s, oh, w, span);
        boolean oneCall = span <= P.blockColumns();
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            float[] max = ws.floats(worker, MAX, Math.max(w, span + P.blockColumns()));
            for (int plane = start; plane < end; plane++) {
                int in = plane * h * w;
                int out = plane * oh * ow;
                if (!blocks || in + reach > x.length) {
                    forwardPlane(s, x, in, h, w, y, out, oh, ow, max);
                } else if (oneCall) {
                    forwardPlaneBlock(s, x, in, w, y, out, oh, ow, max);
                } else {
                    forwardPlaneBlocks(s, x, in, w, y, out, oh, ow, max, span);
                }
            }
        });
    }

    /**
     * Whether planes of this pooling go through the 3x3 block kernels (the plane's columns as vector lanes, an
     * output row's windows at every column at once): 3x3 windows without padding, and
     * {@code alexnet.pool.blockKernel} not false (read per call, so tests and benchmarks can compare both paths).
     * The backward pass takes them only for planes wider than {@link #directWidth()} (pool1, pool2), as pool5's
     * 13-wide planes go 16 at a time as lanes instead.
     */
    private static boolean blockKernel(PoolSpec s) {
        return s.kernel() == 3 && s.padding() == 0
                && Boolean.parseBoolean(System.getProperty("alexnet.pool.blockKernel", "true"));
    }

    /** The columns of an output row's block calls: up to the last window's start. */
    private static int span(PoolSpec s, int ow) {
        return s.stride() * (ow - 1) + 1;
    }

    /**
     * How far past a plane's start the block kernels read: past each row's end, so the planes at the array's end
     * take the row path.
     */
    private static int blockReach(PoolSpec s, int oh, int w, int span) {
        return s.stride() * (oh - 1) * w + 2 * w + (span - 1) / P.blockColumns() * P.blockColumns()
                + PoolKernels.BLOCK_READ;
    }

    /**
     * {@link #forwardPlaneBlocks} for planes whose output rows take one block call (pool5), in a method of its own:
     * sharing the loops' JIT profile with pool1's and pool2's longer rows, pool5 forward took 0.93 ms against 0.66
     * (batch 64, Java 17, pool1, pool2 and pool5 in turn).
     */
    private static void forwardPlaneBlock(PoolSpec s, float[] x, int in, int w, float[] y, int out, int oh, int ow,
            float[] max) {
        int stride = s.stride();
        for (int i = 0; i < oh; i++) {
            P.blockMax3x3(x, in + i * stride * w, w, max, 0);
            int dst = out + i * ow;
            for (int j = 0; j < ow; j++) {
                y[dst + j] = max[j * stride];
            }
        }
    }

    /** One plane's 3x3 windows, an output row at a time: the block maxima at every column, then each window's. */
    private static void forwardPlaneBlocks(PoolSpec s, float[] x, int in, int w, float[] y, int out, int oh, int ow,
            float[] max, int span) {
        int stride = s.stride();
        int cols = P.blockColumns();
        for (int i = 0; i < oh; i++) {
            int r = in + i * stride * w;
            for (int c = 0; c < span; c += cols) {
                P.blockMax3x3(x, r + c, w, max, c);
            }
            int dst = out + i * ow;
            for (int j = 0; j < ow; j++) {
                y[dst + j] = max[j * stride];
            }
        }
    }

    // One plane per call: many short calls get the method fully compiled by C2 (a lambda running one long loop
    // would only ever be on-stack-replaced).
    private static void forwardPlane(PoolSpec s, float[] x, int in, int h, int w, float[] y, int out, int oh, int ow,
            float[] max) {
        for (int i = 0; i < oh; i++) {
            int r0 = windowStart(s, i);
            int r1 = windowEnd(s, i, h);
            System.arraycopy(x, in + r0 * w, max, 0, w);
            for (int r = r0 + 1; r < r1; r++) {
                K.maxInto(x, in + r * w, max, w);
            }
            int dst = out + i * ow;
            for (int j = 0; j < ow; j++) {
                int c0 = windowStart(s, j);
                int c1 = windowEnd(s, j, w);
                y[dst + j] = c1 - c0 == 3 ? max3(max[c0], max[c0 + 1], max[c0 + 2]) : maxOf(max, c0, c1);
            }
        }
    }

    /** {@link #DIRECT_WIDTH}, or the property (read per call, so benchmarks can compare both paths). */
    private static int directWidth() {
        return Integer.getInteger("alexnet.pool.directWidth", DIRECT_WIDTH);
    }

    /** The paper's 3-wide window without a loop (a 2-trip loop compiled to a slow reduction). */
    private static float max3(float a, float b, float c) {
        return Math.max(Math.max(a, b), c);
    }

    private static float maxOf(float[] v, int from, int to) {
        float m = v[from];
        for (int c = from + 1; c < to; c++) {
            m = Math.max(m, v[c]);
        }
        return m;
    }

    private long[] keys(int worker, int w) {
        long[] k = keys[worker];
        if (k == null || k.length < w) {
            k = new long[w];
            keys[worker] = k;
        }
        return k;
    }

    /**
     * dx = the gradient routed to each window's first maximum. With {@code relu}, x is an in-place ReLU's output and
     * its gradient is applied too: a window routes nothing unless its maximum is above 0 (the routed-to element is
     * the maximum, or a NaN, so this is {@code x > 0} there; every other element's gradient is 0 anyway).
     */
    void backward(PoolSpec s, int[] shape, float[] x, float[] y, float[] dy, float[] dx, boolean relu) {
        if (shape[2] > 0xFFFF || shape[3] > 0xFFFF) {
            throw new IllegalArgumentException("max-pool backward: planes larger than 65535 are not supported, got "
                    + shape[2] + "x" + shape[3]);
        }
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        boolean direct = w <= directWidth();
        boolean blocks = !direct && blockKernel(s);
        int span = span(s, ow);
        int reach = blockReach(s, oh, w, span);
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            if (direct) {
                Laned scratch = new Laned(ws.floats(worker, LANED, LANES * h * w), s.kernel(), oh * ow);
                for (int plane = start; plane < end; plane += LANES) {
                    backwardPlanesLaned(s, x, plane, Math.min(LANES, end - plane), h, w, y, dy, oh, ow, dx, relu,
                            scratch);
                }
                return;
            }
            Arrays.fill(dx, start * h * w, end * h * w, 0f);
            int rest = start;
            if (blocks) {
                float[] at = ws.floats(worker, ROW, span + P.blockColumns());
                // the planes whose block reads stay within x; the last ones take the row path
                for (; rest < end && rest * h * w + reach <= x.length; rest++) {
                    backwardPlaneBlocks(s, x, rest * h * w, w, y, dy, rest * oh * ow, oh, ow, dx, relu, at, span);
                }
            }
            float[] max = ws.floats(worker, MAX, w);
            float[] row = ws.floats(worker, ROW, w);
            long[] key = keys(worker, w);
            for (int plane = rest; plane < end; plane++) {
                backwardPlane(s, x, plane * h * w, h, w, y, dy, plane * oh * ow, oh, ow, dx, relu, max, row, key);
            }
        });
    }

    /**
     * One plane's routes, an output row at a time: the block kernel finds the first maximum of the 3x3 block at
     * every column of the row's first {@code span} (each window's start among them), then each gradient goes to
     * its window's. All vector compares and blends; the row path below spends most of its time in scalar keys.
     */
    private static void backwardPlaneBlocks(PoolSpec s, float[] x, int in, int w, float[] y, float[] dy, int out,
            int oh, int ow, float[] dx, boolean relu, float[] at, int span) {
        int stride = s.stride();
        int cols = P.blockColumns();
        for (int i = 0; i < oh; i++) {
            int r = in + i * stride * w;
            for (int c = 0; c < span; c += cols) {
                P.blockFirstMax3x3(x, r + c, w, at, c);
            }
            int o0 = out + i * ow;
            for (int j = 0; j < ow; j++) {
                float m = y[o0 + j];
                if (relu && !(m > 0f)) {
                    continue;
                }
                int c = j * stride;
                int target = m != m ? firstNaN(x, in, w, i * stride, i * stride + 3, c, c + 3) : r + c + (int) at[c];
                dx[target] += dy[o0 + j];
            }
        }
    }

    private static void backwardPlane(PoolSpec s, float[] x, int in, int h, int w, float[] y, float[] dy, int out,
            int oh, int ow, float[] dx, boolean relu, float[] max, float[] row, long[] key) {
        for (int i = 0; i < oh; i++) {
            int r0 = windowStart(s, i);
            int r1 = windowEnd(s, i, h);
            System.arraycopy(x, in + r0 * w, max, 0, w);
            Arrays.fill(row, 0, w, r0);
            for (int r = r0 + 1; r < r1; r++) {
                K.argmaxInto(x, in + r * w, max, row, r, w);
            }
            for (int c = 0; c < w; c++) {
                key[c] = key(max[c], (int) row[c], c);
            }
            for (int j = 0; j < ow; j++) {
                int c0 = windowStart(s, j);
                int c1 = windowEnd(s, j, w);
                int o = out + i * ow + j;
                if (relu && !(y[o] > 0f)) {
                    continue;
                }
                int target;
                if (y[o] != y[o]) {
                    target = firstNaN(x, in, w, r0, r1, c0, c1);
                } else {
                    long best = key[c0];
                    for (int c = c0 + 1; c < c1; c++) {
                        best = Math.max(best, key[c]);
                    }
                    target = in + (~(int) (best >>> 16) & 0xFFFF) * w + (~(int) best & 0xFFFF);
                }
                dx[target] += dy[o];
            }
        }
    }

    /**
     * Up to {@link PoolKernels#LANES} narrow planes from {@code plane0} at once ({@code count} of them), the planes
     * as vector lanes: interleaved plane-innermost into {@code xi}, each window's first maximum found for all of
     * them by compares and blends (no data-dependent branch, so the time does not depend on where the maxima are),
     * then the gradients routed one by one. The first maximum in scan order wins (-0 and +0 tie, as {@link #key}
     * folds them); NaN windows go to their first NaN. Lanes past {@code count} hold stale values and are ignored.
     */
    private static void backwardPlanesLaned(PoolSpec s, float[] x, int plane0, int count, int h, int w, float[] y,
            float[] dy, int oh, int ow, float[] dx, boolean relu, Laned scratch) {
        int hw = h * w;
        int in0 = plane0 * hw;
        int out0 = plane0 * oh * ow;
        float[] xi = scratch.xi;
        int[] pos = scratch.pos;
        float[] at = scratch.at;
        // Plane by plane, reading each in order: the hardware prefetcher follows that, while gathering one
        // position of 16 planes at a time (the Winograd kernel's interleave) waited on memory once the tensors
        // outgrew the L3 (pool5 backward at batch 128 in isolation: 8.5-9.8 ms against 5.3-6.2 this way).
        for (int l = 0; l < count; l++) {
            int src = in0 + l * hw;
            for (int q = 0; q < hw; q++) {
                xi[q * LANES + l] = x[src + q];
            }
        }
        Arrays.fill(dx, in0, in0 + count * hw, 0f);
        for (int i = 0; i < oh; i++) {
            int r0 = windowStart(s, i);
            int r1 = windowEnd(s, i, h);
            for (int j = 0; j < ow; j++) {
                int c0 = windowStart(s, j);
                int c1 = windowEnd(s, j, w);
                int n = 0;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        pos[n++] = (r * w + c) * LANES;
                    }
                }
                P.firstMax(xi, pos, n, at, (i * ow + j) * LANES);
            }
        }
        // Then plane by plane, so that each plane's y, dy and dx are read and written in order.
        int ohw = oh * ow;
        for (int l = 0; l < count; l++) {
            int in = in0 + l * hw;
            int outL = out0 + l * ohw;
            for (int o = 0; o < ohw; o++) {
                float m = y[outL + o];
                if (relu && !(m > 0f)) {
                    continue;
                }
                int target;
                if (m != m) {
                    int i = o / ow;
                    int j = o - i * ow;
                    target = firstNaN(x, in, w, windowStart(s, i), windowEnd(s, i, h),
                            windowStart(s, j), windowEnd(s, j, w));
                } else {
                    target = in + (int) at[o * LANES + l] / LANES;
                }
                dx[target] += dy[outL + o];
            }
        }
    }

    /** One worker's scratch for {@link #backwardPlanesLaned}. */
    private static final class Laned {
        final float[] xi;
        final int[] pos;
        /** Each window's route per lane, window-major: {@code at[o*LANES + l]}. */
        final float[] at;

        Laned(float[] xi, int kernel, int outputs) {
            this.xi = xi;
            this.pos = new int[kernel * kernel];
            this.at = new float[outputs * LANES];
        }
    }

    /**
     * A key whose numeric order is the first-maximum order: the value (made order-preserving as an int, with -0
     * folded into +0 because the two compare equal), then the earlier row, then the earlier column. Taking the
     * maximum key is a branch-free {@link Math#max}; comparing floats, rows and columns with branches mispredicted
     * on about half the windows (22 of 35 ms for pool1 at batch 64).
     */
    private static long key(float v, int row, int col) {
        int bits = Float.floatToRawIntBits(v + 0f);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ordered << 32) | ((long) (~row & 0xFFFF) << 16) | (~col & 0xFFFF);
    }

    /** First input row (or column) of output row (or column) {@code i}'s window, the padding clipped off. */
    private static int windowStart(PoolSpec s, int i) {
        return Math.max(i * s.stride() - s.padding(), 0);
    }

    /** One past the last input row (or column) of window {@code i}, clipped to the input's {@code size}. */
    private static int windowEnd(PoolSpec s, int i, int size) {
        return Math.min(i * s.stride() - s.padding() + s.kernel(), size);
    }

    private static int firstNaN(float[] x, int in, int w, int r0, int r1, int c0, int c1) {
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                if (Float.isNaN(x[in + r * w + c])) {
                    return in + r * w + c;
                }
            }
        }
        throw new IllegalStateException("max-pool backward: NaN output without a NaN in its window; was the input"
                + " modified between forward and backward?");
    }
}
