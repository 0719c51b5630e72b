package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.LrnSpec;

import java.util.Arrays;

/**
 * Cross-channel local response normalisation. Work is one (image, channel group) per task; within a task every
 * loop runs over a whole H*W plane, so the JIT vectorises it and each plane is touched a few times while it is
 * still in cache. Memory-bound: two passes over the input forward, three backward.
 */
final class CpuLrn {
    private static final int TMP = 0;
    private final WorkerPool pool;
    private final Workspace ws;

    CpuLrn(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 1);
    }

    void forward(LrnSpec s, int[] shape, float[] x, float[] y, float[] scale) {
        int n = shape[0];
        int c = shape[1];
        int plane = shape[2] * shape[3];
        int groups = s.groups();
        int cg = c / groups;
        float alpha = (float) s.effectiveAlpha();
        float k = (float) s.k();
        float beta = (float) s.beta();
        boolean threeQuarters = s.beta() == 0.75;
        int lo = s.windowLo();
        int hi = s.windowHi();
        pool.parallelFor(n * groups, (worker, start, end) -> {
            for (int task = start; task < end; task++) {
                int base = task * cg * plane; // (image, group) blocks are contiguous in NCHW
                for (int ch = 0; ch < cg; ch++) {
                    int out = base + ch * plane;
                    Arrays.fill(scale, out, out + plane, 0f);
                    int from = Math.max(0, ch + lo);
                    int to = Math.min(cg - 1, ch + hi);
                    for (int j = from; j <= to; j++) {
                        int in = base + j * plane;
                        for (int p = 0; p < plane; p++) {
                            float a = x[in + p];
                            scale[out + p] += a * a;
                        }
                    }
                    if (threeQuarters) {
                        for (int p = 0; p < plane; p++) {
                            float sc = k + alpha * scale[out + p];
                            scale[out + p] = sc;
                            float r = (float) Math.sqrt(sc);
                            y[out + p] = x[out + p] / (r * (float) Math.sqrt(r));
                        }
                    } else {
                        for (int p = 0; p < plane; p++) {
                            float sc = k + alpha * scale[out + p];
                            scale[out + p] = sc;
                            y[out + p] = x[out + p] * (float) Math.pow(sc, -beta);
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code dx_i = dy_i * s_i^-beta - 2*alpha'*beta * a_i * sum_{j : i in window(j)} dy_j * y_j / s_j}.
     */
    void backward(LrnSpec s, int[] shape, float[] x, float[] y, float[] scale, float[] dy, float[] dx) {
        int n = shape[0];
        int c = shape[1];
        int plane = shape[2] * shape[3];
        int groups = s.groups();
        int cg = c / groups;
        float beta = (float) s.beta();
        float coef = (float) (2.0 * s.effectiveAlpha() * s.beta());
        boolean threeQuarters = s.beta() == 0.75;
        int lo = s.windowLo();
        int hi = s.windowHi();
        pool.parallelFor(n * groups, (worker, start, end) -> {
            float[] t = ws.floats(worker, TMP, cg * plane);
            for (int task = start; task < end; task++) {
                int base = task * cg * plane;
                for (int q = 0; q < cg * plane; q++) {
                    t[q] = dy[base + q] * y[base + q] / scale[base + q];
                }
                for (int ch = 0; ch < cg; ch++) {
                    int out = base + ch * plane;
                    // channels j whose window contains ch: ch - hi <= j <= ch - lo
                    int from = Math.max(0, ch - hi);
                    int to = Math.min(cg - 1, ch - lo);
                    for (int p = 0; p < plane; p++) {
                        dx[out + p] = 0f;
                    }
                    for (int j = from; j <= to; j++) {
                        int tj = j * plane;
                        for (int p = 0; p < plane; p++) {
                            dx[out + p] += t[tj + p];
                        }
                    }
                    if (threeQuarters) {
                        for (int p = 0; p < plane; p++) {
                            float r = (float) Math.sqrt(scale[out + p]);
                            float pw = 1f / (r * (float) Math.sqrt(r));
                            dx[out + p] = dy[out + p] * pw - coef * x[out + p] * dx[out + p];
                        }
                    } else {
                        for (int p = 0; p < plane; p++) {
                            float pw = (float) Math.pow(scale[out + p], -beta);
                            dx[out + p] = dy[out + p] * pw - coef * x[out + p] * dx[out + p];
                        }
                    }
                }
            }
        });
    }
}
