package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;
import io.github.alexnetjava.random.CounterRng;

/**
 * Element-wise ops split into static chunks over the worker pool. The loops are written so C2 vectorises them
 * (counted loops over arrays, no calls except intrinsics).
 */
final class CpuElementwise {
    /** Chunks smaller than this are not worth a thread hand-off. */
    private static final int GRAIN = 1 << 14;
    private final WorkerPool pool;
    private final ElementwiseKernels kernels = ElementwiseKernels.get();

    CpuElementwise(WorkerPool pool) {
        this.pool = pool;
    }

    void relu(float[] x, float[] y, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        });
    }

    void reluBackward(float[] y, float[] dy, float[] dx, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> kernels.reluBackward(y, dy, dx, s, e));
    }

    /**
     * tanh(x) = 1 - 2 / (exp(2x) + 1) in double precision: Math.exp is a C2 intrinsic while Math.tanh is a
     * several times slower library call. The double evaluation keeps the float result correctly rounded to within
     * an ulp for small |x| as well (the cancellation costs ~1e-16 absolute); exp overflow gives exactly +-1.
     */
    void tanh(float[] x, float[] y, int n) {
        pool.parallelFor(n, GRAIN / 4, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                double ex = Math.exp(2.0 * x[i]);
                y[i] = (float) (1.0 - 2.0 / (ex + 1.0));
            }
        });
    }

    void tanhBackward(float[] y, float[] dy, float[] dx, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                float v = y[i];
                dx[i] = dy[i] * (1f - v * v);
            }
        });
    }

    void axpy(float alpha, float[] x, float[] y, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                y[i] += alpha * x[i];
            }
        });
    }

    void fill(float[] t, float v, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> java.util.Arrays.fill(t, s, e, v));
    }

    void copy(float[] src, float[] dst, int n) {
        pool.parallelFor(n, GRAIN, (w, s, e) -> System.arraycopy(src, s, dst, s, e - s));
    }

    /** Inverted dropout with the counter-based mask; used forward and backward (same mask, same scale). */
    void dropout(float p, long stream, float[] x, float[] y, int n) {
        float scale = 1f / (1f - p);
        pool.parallelFor(n, GRAIN, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                y[i] = CounterRng.uniform(stream, i) >= p ? x[i] * scale : 0f;
            }
        });
    }

    /**
     * Dropout's backward pass and the gradient of the ReLU before it in one pass: {@code dx = dy * scale} where the
     * unit was kept and the ReLU's output {@code y} is above 0, else 0 (NaN in y too), the two ops' result.
     */
    void dropoutRelu(float p, long stream, float[] y, float[] dy, float[] dx, int n) {
        float scale = 1f / (1f - p);
        pool.parallelFor(n, GRAIN, (w, s, e) -> {
            for (int i = s; i < e; i++) {
                dx[i] = y[i] > 0f && CounterRng.uniform(stream, i) >= p ? dy[i] * scale : 0f;
            }
        });
    }

    /** The paper's rule: v = m*v - wd*lr*w - lr*g; w += v. */
    void sgd(float lr, float momentum, float weightDecay, float[] w, float[] g, float[] v, int n) {
        float decay = weightDecay * lr;
        pool.parallelFor(n, GRAIN, (wk, s, e) -> {
            for (int i = s; i < e; i++) {
                float vi = momentum * v[i] - decay * w[i] - lr * g[i];
                v[i] = vi;
                w[i] += vi;
            }
        });
    }

    void biasAdd(float[] y, float[] bias, int n, int c, int plane) {
        pool.parallelFor(n * c, (w, s, e) -> {
            for (int nc = s; nc < e; nc++) {
                float b = bias[nc % c];
                int off = nc * plane;
                for (int i = 0; i < plane; i++) {
                    y[off + i] += b;
                }
            }
        });
    }

    /** Sums over images and positions per channel, in double, in a fixed order. */
    void biasGrad(float[] dy, float[] db, int n, int c, int plane) {
        pool.parallelFor(c, (w, s, e) -> {
            for (int ch = s; ch < e; ch++) {
                double sum = 0;
                for (int img = 0; img < n; img++) {
                    int off = (img * c + ch) * plane;
                    float part = 0f;
                    for (int i = 0; i < plane; i++) {
                        part += dy[off + i];
                    }
                    sum += part;
                }
                db[ch] = (float) sum;
            }
        });
    }

    boolean allFinite(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[i])) {
                return false;
            }
        }
        return true;
    }
}
