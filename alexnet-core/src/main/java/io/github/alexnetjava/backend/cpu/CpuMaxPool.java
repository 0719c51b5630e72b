package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;

import java.util.Arrays;

/**
 * Max-pooling over each (image, channel) plane, split over the workers by planes. Both passes work one output
 * row at a time in two steps: a vertical reduction over the window's input rows, in Vector API kernels over the
 * whole row, then a short horizontal reduction per output over the window's columns (about k+k operations per
 * output instead of k*k data-dependent branches).
 *
 * <p>Backward routes each gradient to the window's first maximum in row-major scan order (as PyTorch's CPU
 * kernel), recomputed rather than stored: the vertical step keeps each column's maximum and the first row that
 * holds it, the horizontal step picks the largest column maximum, earliest row first, then earliest column.
 * Narrow planes instead search each window for the first element equal to its output. Windows whose output is NaN
 * go to their first NaN.
 */
final class CpuMaxPool {
    private static final ElementwiseKernels K = ElementwiseKernels.get();
    private static final int MAX = 0;
    private static final int ROW = 1;
    /**
     * Planes at most this wide take {@link #backwardPlaneDirect} ({@code alexnet.pool.directWidth}): pool5's 13
     * (3.4 -> 1.6 ms per batch of 64). At pool1's 55 it was slower (20 -> 33 ms); the forward pass keeps the row
     * path everywhere (a direct max per window was 1.3 -> 7.7 ms for pool5, one dependent max after another).
     */
    private static final int DIRECT_WIDTH = 16;
    private final WorkerPool pool;
    private final Workspace ws;
    private final long[][] keys;

    CpuMaxPool(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 2);
        this.keys = new long[pool.threads()][];
    }

    void forward(PoolSpec s, int[] shape, float[] x, float[] y) {
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            float[] max = ws.floats(worker, MAX, w);
            for (int plane = start; plane < end; plane++) {
                forwardPlane(s, x, plane * h * w, h, w, y, plane * oh * ow, oh, ow, max);
            }
        });
    }

    // One plane per call: many short calls get the method fully compiled by C2 (a lambda running one long loop
    // would only ever be on-stack-replaced).
    private static void forwardPlane(PoolSpec s, float[] x, int in, int h, int w, float[] y, int out, int oh, int ow,
            float[] max) {
        int k = s.kernel();
        int st = s.stride();
        int pad = s.padding();
        for (int i = 0; i < oh; i++) {
            int r0 = Math.max(i * st - pad, 0);
            int r1 = Math.min(i * st - pad + k, h);
            System.arraycopy(x, in + r0 * w, max, 0, w);
            for (int r = r0 + 1; r < r1; r++) {
                K.maxInto(x, in + r * w, max, w);
            }
            int dst = out + i * ow;
            for (int j = 0; j < ow; j++) {
                int c0 = Math.max(j * st - pad, 0);
                int c1 = Math.min(j * st - pad + k, w);
                y[dst + j] = c1 - c0 == 3 ? max3(max[c0], max[c0 + 1], max[c0 + 2]) : maxOf(max, c0, c1);
            }
        }
    }

    /** Planes at most this wide take {@link #backwardPlaneDirect} (read per call, so benchmarks can compare both). */
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

    void backward(PoolSpec s, int[] shape, float[] x, float[] y, float[] dy, float[] dx) {
        if (shape[2] > 0xFFFF || shape[3] > 0xFFFF) {
            throw new IllegalArgumentException("max-pool backward: planes larger than 65535 are not supported, got "
                    + shape[2] + "x" + shape[3]);
        }
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        boolean direct = w <= directWidth();
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            if (direct) {
                for (int plane = start; plane < end; plane++) {
                    backwardPlaneDirect(s, x, plane * h * w, h, w, y, dy, plane * oh * ow, oh, ow, dx);
                }
                return;
            }
            Arrays.fill(dx, start * h * w, end * h * w, 0f);
            float[] max = ws.floats(worker, MAX, w);
            float[] row = ws.floats(worker, ROW, w);
            long[] key = keys(worker, w);
            for (int plane = start; plane < end; plane++) {
                backwardPlane(s, x, plane * h * w, h, w, y, dy, plane * oh * ow, oh, ow, dx, max, row, key);
            }
        });
    }

    private static void backwardPlane(PoolSpec s, float[] x, int in, int h, int w, float[] y, float[] dy, int out,
            int oh, int ow, float[] dx, float[] max, float[] row, long[] key) {
        int k = s.kernel();
        int st = s.stride();
        int pad = s.padding();
        for (int i = 0; i < oh; i++) {
            int r0 = Math.max(i * st - pad, 0);
            int r1 = Math.min(i * st - pad + k, h);
            System.arraycopy(x, in + r0 * w, max, 0, w);
            Arrays.fill(row, 0, w, r0);
            for (int r = r0 + 1; r < r1; r++) {
                K.argmaxInto(x, in + r * w, max, row, r, w);
            }
            for (int c = 0; c < w; c++) {
                key[c] = key(max[c], (int) row[c], c);
            }
            for (int j = 0; j < ow; j++) {
                int c0 = Math.max(j * st - pad, 0);
                int c1 = Math.min(j * st - pad + k, w);
                int o = out + i * ow + j;
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
     * Backward for narrow planes (pool5: 13 wide), where the row kernels' vectors would be all tail: each window is
     * searched in row-major order for the first element equal to its forward output, which is its first maximum
     * ({@code -0 == +0}, as {@link #key} folds them). Usually a short, well-predicted scan with an early exit.
     */
    private static void backwardPlaneDirect(PoolSpec s, float[] x, int in, int h, int w, float[] y, float[] dy,
            int out, int oh, int ow, float[] dx) {
        int k = s.kernel();
        int st = s.stride();
        int pad = s.padding();
        // Zeroed plane by plane, just before its gradients land (in cache), not the whole range up front.
        Arrays.fill(dx, in, in + h * w, 0f);
        for (int i = 0; i < oh; i++) {
            int r0 = Math.max(i * st - pad, 0);
            int r1 = Math.min(i * st - pad + k, h);
            for (int j = 0; j < ow; j++) {
                int c0 = Math.max(j * st - pad, 0);
                int c1 = Math.min(j * st - pad + k, w);
                int o = out + i * ow + j;
                float m = y[o];
                int target = m != m ? firstNaN(x, in, w, r0, r1, c0, c1) : firstEqual(x, in, w, r0, r1, c0, c1, m);
                dx[target] += dy[o];
            }
        }
    }

    private static int firstEqual(float[] x, int in, int w, int r0, int r1, int c0, int c1, float m) {
        for (int r = r0; r < r1; r++) {
            int base = in + r * w;
            for (int c = c0; c < c1; c++) {
                if (x[base + c] == m) {
                    return base + c;
                }
            }
        }
        throw new IllegalStateException("max-pool backward: no input equals its window's output " + m
                + "; was the input modified between forward and backward?");
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
