package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.testutil.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * 3x3 max-pooling through the block kernels gives the bits of the row path they replace
 * ({@code -Dalexnet.pool.blockKernel=false}): the forward pass (pool1's 55x55, pool2's 27x27, pool5's 13x13, other
 * strides) and the backward pass of planes wider than 16, with and without a fused ReLU gradient, on every plane, the
 * last ones (which the kernels' reads past a row's end leave to the row path) included, on one and two workers,
 * with NaN, signed zeros and ties in the input.
 */
class CpuMaxPoolTest {
    @Test
    void blockKernelMatchesTheRowPath() {
        int[][] shapes = {{3, 37, 13, 13}, {2, 5, 7, 7}, {1, 3, 17, 17}, {2, 4, 6, 9}, {1, 1, 13, 13},
                {2, 7, 55, 55}, {3, 11, 27, 27}, {2, 3, 9, 40}};
        PoolSpec[] specs = {PoolSpec.overlapping(), new PoolSpec(3, 1, 0), new PoolSpec(3, 3, 0)};
        SplittableRandom r = new SplittableRandom(31);
        for (PoolSpec s : specs) {
            for (int[] xs : shapes) {
                float[] x = new float[xs[0] * xs[1] * xs[2] * xs[3]];
                for (int i = 0; i < x.length; i++) {
                    double u = r.nextDouble();
                    x[i] = u < 0.3 ? 0f : u < 0.35 ? -0f : u < 0.36 ? Float.NaN : (float) (r.nextDouble() * 2 - 1);
                }
                int[] ys = s.outputShape("pool", xs);
                int n = ys[0] * ys[1] * ys[2] * ys[3];
                for (int threads = 1; threads <= 2; threads++) {
                    try (WorkerPool pool = new WorkerPool(threads)) {
                        CpuMaxPool mp = new CpuMaxPool(pool);
                        float[] rows = new float[n];
                        SystemProperties.with("alexnet.pool.blockKernel", "false", () -> {
                            mp.forward(s, xs, x, rows);
                            return null;
                        });
                        float[] blocks = new float[n];
                        mp.forward(s, xs, x, blocks);
                        String what = java.util.Arrays.toString(xs) + " stride " + s.stride() + ", " + threads
                                + " workers";
                        assertArrayEquals(rows, blocks, what + ": forward");
                    }
                }
            }
        }
    }

    @Test
    void blockRoutesMatchTheRowPath() {
        int[][] shapes = {{2, 7, 55, 55}, {3, 11, 27, 27}, {1, 5, 17, 17}, {2, 3, 9, 40}, {1, 1, 27, 27}};
        PoolSpec[] specs = {PoolSpec.overlapping(), new PoolSpec(3, 1, 0), new PoolSpec(3, 3, 0)};
        SplittableRandom r = new SplittableRandom(32);
        for (PoolSpec s : specs) {
            for (int[] xs : shapes) {
                float[] x = new float[xs[0] * xs[1] * xs[2] * xs[3]];
                for (int i = 0; i < x.length; i++) {
                    double u = r.nextDouble();
                    x[i] = u < 0.3 ? 0f : u < 0.35 ? -0f : u < 0.352 ? Float.NaN
                            : u < 0.6 ? r.nextInt(3) - 1 : (float) (r.nextDouble() * 2 - 1);
                }
                int[] ys = s.outputShape("pool", xs);
                int n = ys[0] * ys[1] * ys[2] * ys[3];
                float[] dy = new float[n];
                for (int i = 0; i < n; i++) {
                    dy[i] = (float) r.nextGaussian();
                }
                for (int threads = 1; threads <= 2; threads++) {
                    try (WorkerPool pool = new WorkerPool(threads)) {
                        CpuMaxPool mp = new CpuMaxPool(pool);
                        float[] y = new float[n];
                        mp.forward(s, xs, x, y);
                        for (boolean relu : new boolean[] {false, true}) {
                            float[] rows = new float[x.length];
                            SystemProperties.with("alexnet.pool.blockKernel", "false", () -> {
                                mp.backward(s, xs, x, y, dy, rows, relu);
                                return null;
                            });
                            float[] blocks = new float[x.length];
                            java.util.Arrays.fill(blocks, 3f);
                            mp.backward(s, xs, x, y, dy, blocks, relu);
                            String what = java.util.Arrays.toString(xs) + " stride " + s.stride() + ", " + threads
                                    + " workers" + (relu ? ", relu" : "");
                            assertArrayEquals(rows, blocks, what + ": backward");
                        }
                    }
                }
            }
        }
    }
}
