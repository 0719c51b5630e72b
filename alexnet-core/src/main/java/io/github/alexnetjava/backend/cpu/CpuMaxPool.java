package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.PoolSpec;

import java.util.Arrays;

/**
 * Max-pooling over each (image, channel) plane. The backward pass recomputes each window's first maximum
 * (strictly greater wins, NaN propagates as in PyTorch) instead of storing indices, so it needs no extra memory.
 */
final class CpuMaxPool {
    private final WorkerPool pool;

    CpuMaxPool(WorkerPool pool) {
        this.pool = pool;
    }

    void forward(PoolSpec s, int[] shape, float[] x, float[] y) {
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int in = plane * h * w;
                int out = plane * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        y[out + i * ow + j] = x[argmax(s, x, in, h, w, i, j)];
                    }
                }
            }
        });
    }

    void backward(PoolSpec s, int[] shape, float[] x, float[] dy, float[] dx) {
        int h = shape[2];
        int w = shape[3];
        int oh = s.out(h);
        int ow = s.out(w);
        pool.parallelFor(shape[0] * shape[1], (worker, start, end) -> {
            Arrays.fill(dx, start * h * w, end * h * w, 0f);
            for (int plane = start; plane < end; plane++) {
                int in = plane * h * w;
                int out = plane * oh * ow;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        dx[argmax(s, x, in, h, w, i, j)] += dy[out + i * ow + j];
                    }
                }
            }
        });
    }

    /** Index into x of the first maximum of output cell (i, j)'s window. */
    private static int argmax(PoolSpec s, float[] x, int in, int h, int w, int i, int j) {
        int r0 = i * s.stride() - s.padding();
        int c0 = j * s.stride() - s.padding();
        int r1 = Math.min(r0 + s.kernel(), h);
        int c1 = Math.min(c0 + s.kernel(), w);
        r0 = Math.max(r0, 0);
        c0 = Math.max(c0, 0);
        int best = in + r0 * w + c0;
        float max = x[best];
        for (int r = r0; r < r1; r++) {
            int row = in + r * w;
            for (int c = c0; c < c1; c++) {
                float v = x[row + c];
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    best = row + c;
                    if (Float.isNaN(v)) {
                        return best;
                    }
                }
            }
        }
        return best;
    }
}
