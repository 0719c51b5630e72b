package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.testutil.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The forward pass of 3x3 stride-2 max-pooling through the block kernel (narrow planes such as pool5's 13x13) gives
 * the bits of the row path it replaces ({@code -Dalexnet.pool.blockKernel=false}), on every plane, the last ones
 * (which the kernel's reads past a row's end leave to the row path) included, on one and two workers, with NaN,
 * signed zeros and ties in the input.
 */
class CpuMaxPoolTest {
    @Test
    void blockKernelMatchesTheRowPath() {
        int[][] shapes = {{3, 37, 13, 13}, {2, 5, 7, 7}, {1, 3, 17, 17}, {2, 4, 6, 9}, {1, 1, 13, 13}};
        SplittableRandom r = new SplittableRandom(31);
        PoolSpec s = PoolSpec.overlapping();
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
                    float[] planes = new float[n];
                    mp.forward(s, xs, x, planes);
                    String what = java.util.Arrays.toString(xs) + ", " + threads + " workers";
                    assertArrayEquals(rows, planes, what + ": forward");
                }
            }
        }
    }
}
