package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;

/**
 * Cross-channel local response normalisation. Work is one (image, channel group) per task, a contiguous block in
 * NCHW. The windowed sum of squares slides along the channels (add the channel entering the window, subtract the
 * one leaving), so each channel costs two plane passes whatever the window size; every loop runs over a whole
 * H*W plane, in Vector API kernels ({@link ElementwiseKernels}). {@code x^-0.75} is computed as {@code 1/(sqrt(x)*sqrt(sqrt(x)))}.
 * The running sum's rounding is far below float precision of the result because k (1 or 2) dominates the scale.
 */
final class CpuLrn {
    private static final ElementwiseKernels K = ElementwiseKernels.get();
    private static final int SUM = 0;
    private static final int TMP = 1;
    private final WorkerPool pool;
    private final Workspace ws;

    CpuLrn(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 2);
    }

    void forward(LrnSpec s, int[] shape, float[] x, float[] y, float[] scale) {
        int cg = shape[1] / s.groups();
        int plane = shape[2] * shape[3];
        pool.parallelFor(shape[0] * s.groups(), (worker, start, end) -> {
            float[] sum = ws.floats(worker, SUM, plane);
            for (int task = start; task < end; task++) {
                forwardGroup(s, x, y, scale, task * cg * plane, cg, plane, sum);
            }
        });
    }

    private static void forwardGroup(LrnSpec s, float[] x, float[] y, float[] scale, int base, int cg, int plane,
            float[] sum) {
        float alpha = (float) s.effectiveAlpha();
        float k = (float) s.k();
        float beta = (float) s.beta();
        boolean threeQuarters = s.beta() == 0.75;
        int lo = s.windowLo();
        int hi = s.windowHi();
        java.util.Arrays.fill(sum, 0, plane, 0f);
        for (int j = 0; j <= Math.min(hi, cg - 1); j++) {
            addSquares(x, base + j * plane, sum, plane, 1f);
        }
        for (int ch = 0; ch < cg; ch++) {
            if (ch > 0) {
                int enter = ch + hi;
                int leave = ch + lo - 1;
                if (enter < cg) {
                    addSquares(x, base + enter * plane, sum, plane, 1f);
                }
                if (leave >= 0) {
                    addSquares(x, base + leave * plane, sum, plane, -1f);
                }
            }
            int out = base + ch * plane;
            if (threeQuarters) {
                K.lrnForward34(sum, k, alpha, x, scale, y, out, plane);
            } else {
                for (int p = 0; p < plane; p++) {
                    float sc = k + alpha * sum[p];
                    scale[out + p] = sc;
                    y[out + p] = x[out + p] * (float) Math.pow(sc, -beta);
                }
            }
        }
    }

    private static void addSquares(float[] a, int off, float[] sum, int n, float sign) {
        K.addSquares(a, off, sum, n, sign);
    }

    /**
     * {@code dx_i = dy_i * s_i^-beta - 2*alpha'*beta * a_i * sum_{j : i in window(j)} dy_j * y_j / s_j}; the inner
     * sum over j in {@code [i - hi, i - lo]} slides like the forward one. With {@code relu}, x is an in-place ReLU's
     * output and its gradient is applied too, {@code dx_i = 0} where {@code x_i <= 0} (or NaN), row by row while in
     * cache.
     */
    void backward(LrnSpec s, int[] shape, float[] x, float[] y, float[] scale, float[] dy, float[] dx,
            boolean relu) {
        int cg = shape[1] / s.groups();
        int plane = shape[2] * shape[3];
        pool.parallelFor(shape[0] * s.groups(), (worker, start, end) -> {
            float[] t = ws.floats(worker, TMP, cg * plane);
            float[] sum = ws.floats(worker, SUM, plane);
            for (int task = start; task < end; task++) {
                backwardGroup(s, x, y, scale, dy, dx, relu, task * cg * plane, cg, plane, t, sum);
            }
        });
    }

    private static void backwardGroup(LrnSpec s, float[] x, float[] y, float[] scale, float[] dy, float[] dx,
            boolean relu, int base, int cg, int plane, float[] t, float[] sum) {
        float beta = (float) s.beta();
        float coef = (float) (2.0 * s.effectiveAlpha() * s.beta());
        boolean threeQuarters = s.beta() == 0.75;
        int lo = s.windowLo();
        int hi = s.windowHi();
        K.lrnGradientTerm(dy, y, scale, base, t, cg * plane);
        // window of channels j contributing to channel ch: [ch - hi, ch - lo]
        java.util.Arrays.fill(sum, 0, plane, 0f);
        for (int j = 0; j <= Math.min(-lo, cg - 1); j++) {
            add(t, j * plane, sum, plane, 1f);
        }
        for (int ch = 0; ch < cg; ch++) {
            if (ch > 0) {
                int enter = ch - lo;
                int leave = ch - hi - 1;
                if (enter < cg) {
                    add(t, enter * plane, sum, plane, 1f);
                }
                if (leave >= 0) {
                    add(t, leave * plane, sum, plane, -1f);
                }
            }
            int out = base + ch * plane;
            if (threeQuarters) {
                K.lrnBackward34(scale, dy, x, sum, coef, dx, out, plane);
            } else {
                for (int p = 0; p < plane; p++) {
                    float pw = (float) Math.pow(scale[out + p], -beta);
                    dx[out + p] = dy[out + p] * pw - coef * x[out + p] * sum[p];
                }
            }
            if (relu) {
                K.reluBackward(x, dx, dx, out, out + plane);
            }
        }
    }

    private static void add(float[] a, int off, float[] sum, int n, float sign) {
        K.add(a, off, sum, n, sign);
    }
}
