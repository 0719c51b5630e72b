package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link CpuConvolution}'s GEMM layouts against each other and a naive double reference: one image per GEMM,
 * several images side by side in one GEMM (small images), and large images unfolded in column tiles, on 1-3
 * workers, over odd sizes, strides, padding and groups. The forward and input-gradient results must be
 * bit-identical across layouts (the same sums in the same order); the filter gradient sums a batch in a different
 * order and is compared with a tolerance. Every layout must repeat its own bits exactly, and its forward pass with
 * the ReLU fused must give exactly {@code max(y, 0)} of its plain forward pass, with and without a bias.
 */
class CpuConvolutionPathsTest {
    private static final Object[][] CASES = {
        // spec, n, h, w
        {Conv2dSpec.of(3, 5, 3, 1, 1, 1), 7, 5, 6},      // same-padded 3x3, odd batch
        {Conv2dSpec.of(4, 6, 3, 1, 1, 2), 5, 13, 13},    // conv3-5 like, groups
        {Conv2dSpec.of(4, 4, 5, 1, 2, 2), 3, 9, 7},      // conv2 like, 5x5 same padding, groups
        {Conv2dSpec.of(3, 4, 11, 4, 0, 1), 3, 51, 47},   // conv1 like, strided, 11x10 outputs
        {Conv2dSpec.of(2, 3, 5, 2, 2, 1), 4, 21, 23},    // strided with padding
        {Conv2dSpec.of(4, 6, 3, 1, 0, 2), 6, 12, 11},    // stride 1, valid (general path)
        {new Conv2dSpec(2, 4, 3, 5, 2, 1, 1, 2, 1), 5, 14, 17}, // non-square kernel and stride
        // strided, output rows 33 wide: tiles unfolded straight into the GEMM's packed slivers, which straddle
        // the rows (without and with horizontal padding)
        {Conv2dSpec.of(3, 4, 11, 4, 0, 1), 4, 23, 139},
        {new Conv2dSpec(3, 4, 5, 7, 2, 3, 0, 2, 1), 4, 11, 100},
    };

    @Test
    void layoutsAgreeWithEachOtherAndTheReference() {
        SplittableRandom r = new SplittableRandom(3);
        for (Object[] cs : CASES) {
            Conv2dSpec s = (Conv2dSpec) cs[0];
            int n = (int) cs[1];
            int h = (int) cs[2];
            int w = (int) cs[3];
            int[] xs = {n, s.inChannels(), h, w};
            int oh = s.outH(h);
            int ow = s.outW(w);
            int ySize = n * s.outChannels() * oh * ow;
            float[] x = random(r, n * s.inChannels() * h * w);
            float[] wt = random(r, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW());
            float[] bias = random(r, s.outChannels());
            float[] dy = random(r, ySize);
            ConvReference ref = ConvReference.of(s, x, xs, wt, bias, dy);
            Out first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    // one image per GEMM, no tiles; all images side by side; 32-column tiles
                    CpuConvolution[] layouts = {new CpuConvolution(pool, 0, 0), new CpuConvolution(pool, 1 << 20, 0),
                        new CpuConvolution(pool, 0, 8), new CpuConvolution(pool, 2 * oh * ow, 0)};
                    for (int v = 0; v < layouts.length; v++) {
                        String what = s + " n=" + n + " " + h + "x" + w + ", " + threads + " threads, layout " + v;
                        Out o = run(layouts[v], s, x, xs, wt, bias, dy, ySize);
                        Out again = run(layouts[v], s, x, xs, wt, bias, dy, ySize);
                        assertArrayEquals(o.y, again.y, what + ": forward not repeatable");
                        assertArrayEquals(o.dx, again.dx, what + ": dx not repeatable");
                        assertArrayEquals(o.dw, again.dw, what + ": dw not repeatable");
                        assertArrayEquals(o.db, again.db, what + ": db not repeatable");
                        assertArrayEquals(relu(o.y), o.yRelu, what + ": forward with ReLU fused");
                        assertArrayEquals(relu(o.yNoBias), o.yNoBiasRelu, what + ": no bias, ReLU fused");
                        close(ref.y(), o.y, what + " forward");
                        close(ref.dx(), o.dx, what + " dx");
                        close(ref.dw(), o.dw, what + " dw");
                        close(ref.db(), o.db, what + " db");
                        if (first == null) {
                            first = o;
                        } else {
                            assertArrayEquals(first.y, o.y, what + ": forward differs from one image per GEMM");
                            assertArrayEquals(first.dx, o.dx, what + ": dx differs from one image per GEMM");
                        }
                    }
                }
            }
        }
    }

    private record Out(float[] y, float[] dx, float[] dw, float[] db, float[] yRelu, float[] yNoBias,
            float[] yNoBiasRelu) {
    }

    /** {@code max(v, 0)} of each element, as the ReLU layer: NaN stays NaN, -0 becomes +0. */
    static float[] relu(float[] y) {
        float[] r = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = Math.max(y[i], 0f);
        }
        return r;
    }

    private static Out run(CpuConvolution conv, Conv2dSpec s, float[] x, int[] xs, float[] wt, float[] bias,
            float[] dy, int ySize) {
        float[] y = new float[ySize];
        Arrays.fill(y, Float.NaN); // overwritten, never read
        conv.forward(s, x, xs, wt, bias, y, false);
        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        conv.backwardData(s, dy, wt, dx, xs, null);
        float[] dw = new float[wt.length];
        Arrays.fill(dw, Float.NaN);
        float[] db = new float[bias.length];
        conv.backwardFilter(s, x, xs, dy, dw, db);
        float[][] more = new float[3][ySize];
        for (float[] m : more) {
            Arrays.fill(m, Float.NaN);
        }
        conv.forward(s, x, xs, wt, bias, more[0], true);
        conv.forward(s, x, xs, wt, null, more[1], false);
        conv.forward(s, x, xs, wt, null, more[2], true);
        return new Out(y, dx, dw, db, more[0], more[1], more[2]);
    }

    private static void close(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * (1 + scale), what + " at " + i);
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    /**
     * conv1's forward tiles unfolded straight into the GEMM's packed column slivers give the bits of unfolding
     * row-major and letting the GEMM pack ({@code -Dalexnet.conv.im2colPacked=false}): conv1's 227x227 images in
     * the default 1,024-column tiles (the last one ends inside a sliver), and output rows exactly one sliver wide,
     * on one and two workers.
     */
    @Test
    void packedUnfoldingGivesTheBitsOfTheRowMajorOne() {
        Object[][] cases = {{Conv2dSpec.of(3, 8, 11, 4, 0, 1), 3, 227, 227}, {Conv2dSpec.of(2, 5, 3, 2, 0, 1), 4, 9, 65}};
        SplittableRandom r = new SplittableRandom(4);
        for (Object[] cs : cases) {
            Conv2dSpec s = (Conv2dSpec) cs[0];
            int[] xs = {(int) cs[1], s.inChannels(), (int) cs[2], (int) cs[3]};
            int ySize = xs[0] * s.outChannels() * s.outH(xs[2]) * s.outW(xs[3]);
            float[] x = random(r, xs[0] * xs[1] * xs[2] * xs[3]);
            float[] wt = random(r, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW());
            float[] bias = random(r, s.outChannels());
            for (int threads = 1; threads <= 2; threads++) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    CpuConvolution conv = new CpuConvolution(pool, 0, s.outW(xs[3]) > 64 ? 1024 : 8);
                    float[] rowMajor = new float[ySize];
                    io.github.alexnetjava.testutil.SystemProperties.with("alexnet.conv.im2colPacked", "false", () -> {
                        conv.forward(s, x, xs, wt, bias, rowMajor, true);
                        return null;
                    });
                    float[] packed = new float[ySize];
                    conv.forward(s, x, xs, wt, bias, packed, true);
                    assertArrayEquals(rowMajor, packed, s + " " + java.util.Arrays.toString(xs) + ", " + threads
                            + " workers");
                }
            }
        }
    }
}
