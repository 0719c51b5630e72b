package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU backend's fused ReLU ops against the two ops run apart, which is their definition
 * ({@code conv2dForwardRelu} = convolution, then ReLU; the {@code ...BackwardRelu} ops = the op's input gradient,
 * then the ReLU's gradient through the op's input {@code x}): bit for bit, on inputs with zeros, signed zeros,
 * negatives and NaN, on each code path (Winograd F(2x2, 3x3) and F(2x2, 5x5) and im2col convolutions, narrow and
 * wide pooling planes, LRN with beta 0.75 and another beta, dropout), on one and two workers.
 */
class FusedReluOpsTest {
    /** Like a ReLU's output, with zeros (both signs), a few negatives and NaN to test the mask's edge cases. */
    private static float[] reluLike(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            v[i] = u < 0.4 ? 0f : u < 0.45 ? -0f : u < 0.5 ? (float) -r.nextDouble() : u < 0.505 ? Float.NaN
                    : (float) r.nextDouble();
        }
        return v;
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static float[] masked(float[] mask, float[] g) {
        float[] out = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = mask[i] > 0f ? g[i] : 0f;
        }
        return out;
    }

    private static int zeros(float[] v) {
        int z = 0;
        for (float f : v) {
            z += f == 0f ? 1 : 0;
        }
        return z;
    }

    @Test
    void convolutionForwardAndBackwardData() {
        Object[][] cases = {
            // spec, n, h, w: Winograd (3x3, >= 64 rows, >= 16 images per worker), then im2col layouts
            {Conv2dSpec.of(64, 64, 3, 1, 1, 1), 32, 7, 6},
            {Conv2dSpec.of(64, 64, 5, 1, 2, 2), 32, 7, 6},
            {Conv2dSpec.of(4, 6, 3, 1, 1, 2), 3, 9, 8},
            {Conv2dSpec.of(3, 4, 11, 4, 0, 1), 2, 51, 47},
            {Conv2dSpec.of(4, 4, 5, 1, 2, 2), 5, 9, 7},
        };
        SplittableRandom r = new SplittableRandom(21);
        for (Object[] c : cases) {
            Conv2dSpec s = (Conv2dSpec) c[0];
            int n = (int) c[1];
            int h = (int) c[2];
            int w = (int) c[3];
            int[] xs = {n, s.inChannels(), h, w};
            int[] ys = s.outputShape("conv", xs);
            float[] x = reluLike(r, n * s.inChannels() * h * w);
            float[] wt = gaussian(r, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW());
            float[] b = gaussian(r, s.outChannels());
            float[] dy = gaussian(r, ys[0] * ys[1] * ys[2] * ys[3]);
            for (int threads = 1; threads <= 2; threads++) {
                String what = s + " n=" + n + ", " + threads + " workers";
                try (CpuBackend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
                    Tensor xt = cpu.fromArray(x, xs);
                    Tensor wtt = cpu.fromArray(wt, s.weightShape());
                    Tensor bt = cpu.fromArray(b, s.outChannels());
                    Tensor dyt = cpu.fromArray(dy, ys);
                    Tensor apart = cpu.allocate(ys);
                    cpu.conv2dForward(s, xt, wtt, bt, apart);
                    cpu.reluForward(apart, apart);
                    Tensor fused = cpu.allocate(ys);
                    cpu.conv2dForwardRelu(s, xt, wtt, bt, fused);
                    assertArrayEquals(apart.toArray(), fused.toArray(), what + ": forward + relu");

                    Tensor dx = cpu.allocate(xs);
                    cpu.conv2dBackwardData(s, dyt, wtt, dx);
                    float[] want = masked(x, dx.toArray());
                    Tensor dxf = cpu.allocate(xs);
                    cpu.conv2dBackwardDataRelu(s, dyt, wtt, xt, dxf);
                    assertArrayEquals(want, dxf.toArray(), what + ": backward-data + relu");
                    assertTrue(zeros(want) > x.length / 3, what + ": the mask zeroes something");
                }
            }
        }
    }

    @Test
    void maxPoolBackward() {
        int[][] shapes = {{2, 37, 13, 13}, {3, 5, 41, 41}, {1, 3, 27, 27}};
        SplittableRandom r = new SplittableRandom(22);
        PoolSpec s = PoolSpec.overlapping();
        for (int[] xs : shapes) {
            float[] x = reluLike(r, xs[0] * xs[1] * xs[2] * xs[3]);
            int[] ys = s.outputShape("pool", xs);
            float[] dy = gaussian(r, ys[0] * ys[1] * ys[2] * ys[3]);
            for (int threads = 1; threads <= 2; threads++) {
                String what = java.util.Arrays.toString(xs) + ", " + threads + " workers";
                try (CpuBackend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
                    Tensor xt = cpu.fromArray(x, xs);
                    Tensor yt = cpu.allocate(ys);
                    cpu.maxPoolForward(s, xt, yt);
                    Tensor dyt = cpu.fromArray(dy, ys);
                    Tensor dx = cpu.allocate(xs);
                    cpu.maxPoolBackward(s, xt, yt, dyt, dx);
                    Tensor dxf = cpu.allocate(xs);
                    cpu.maxPoolBackwardRelu(s, xt, yt, dyt, dxf);
                    assertArrayEquals(masked(x, dx.toArray()), dxf.toArray(), what + ": max-pool backward + relu");
                }
            }
        }
    }

    @Test
    void lrnBackward() {
        LrnSpec[] specs = {LrnSpec.paper(), LrnSpec.pytorch(5, 1e-3, 0.6, 1.0)};
        int[] xs = {3, 16, 9, 11};
        SplittableRandom r = new SplittableRandom(23);
        float[] x = reluLike(r, 3 * 16 * 9 * 11);
        float[] dy = gaussian(r, x.length);
        for (LrnSpec s : specs) {
            for (int threads = 1; threads <= 2; threads++) {
                String what = s + ", " + threads + " workers";
                try (CpuBackend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
                    Tensor xt = cpu.fromArray(x, xs);
                    Tensor yt = cpu.allocate(xs);
                    Tensor scale = cpu.allocate(xs);
                    cpu.lrnForward(s, xt, yt, scale);
                    Tensor dyt = cpu.fromArray(dy, xs);
                    Tensor dx = cpu.allocate(xs);
                    cpu.lrnBackward(s, xt, yt, scale, dyt, dx);
                    Tensor dxf = cpu.allocate(xs);
                    cpu.lrnBackwardRelu(s, xt, yt, scale, dyt, dxf);
                    assertArrayEquals(masked(x, dx.toArray()), dxf.toArray(), what + ": lrn backward + relu");
                }
            }
        }
    }

    @Test
    void dropoutBackward() {
        SplittableRandom r = new SplittableRandom(24);
        int[] xs = {7, 4099};
        float[] x = reluLike(r, xs[0] * xs[1]);
        float[] dy = gaussian(r, x.length);
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuBackend cpu = new CpuBackend(BackendOptions.defaults().withThreads(threads))) {
                Tensor xt = cpu.fromArray(x, xs);
                Tensor dyt = cpu.fromArray(dy, xs);
                Tensor dx = cpu.allocate(xs);
                cpu.dropoutBackward(0.5f, 77, dyt, dx);
                float[] want = masked(x, dx.toArray());
                Tensor dxf = cpu.allocate(xs);
                cpu.dropoutBackwardRelu(0.5f, 77, xt, dyt, dxf);
                assertArrayEquals(want, dxf.toArray(), threads + " workers: dropout backward + relu");
                assertTrue(zeros(want) > zeros(dx.toArray()), "the ReLU mask zeroes more than dropout's");
            }
        }
    }
}
