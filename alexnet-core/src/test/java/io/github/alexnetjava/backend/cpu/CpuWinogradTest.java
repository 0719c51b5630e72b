package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.cpu.vector.WinogradKernels;
import io.github.alexnetjava.testutil.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link CpuWinograd} (forward, backward-data and filter gradient) against a direct double-precision reference
 * ({@link ConvReference}) and against the im2col path: 3x3 and 5x5 filters (5x5 both by F(2x2, 5x5) and in 3x3
 * pieces), padding 0 to k-1, odd and even sizes, groups, partial image chunks, 1-3 workers. The error bound is
 * relative to the sum of the magnitudes of each output's terms (the scale of a float sum's rounding). F(2x2, 3x3),
 * whose transforms add at most four values, stays within 4x the im2col path's worst error; F(2x2, 5x5), whose input
 * transform has coefficients up to 5, is the less exact (the price of 2.8x fewer multiply-adds than the direct
 * convolution): at conv2's shape 6x (forward), 13x (dx) and 36x (dw) the im2col path's error, all below 2e-6 of the
 * terms' magnitudes.
 */
class CpuWinogradTest {
    private static final int L = WinogradKernels.LANES;

    private static final Object[][] CASES = {
        // spec, images per worker, h, w
        {Conv2dSpec.of(5, 6, 3, 1, 1, 1), L + 3, 13, 13},   // conv3-5 like, a partial chunk of images
        {Conv2dSpec.of(4, 6, 3, 1, 1, 2), L, 7, 6},        // groups, odd height, even width
        {Conv2dSpec.of(3, 4, 3, 1, 0, 1), L, 8, 9},        // valid
        {Conv2dSpec.of(3, 2, 3, 1, 2, 1), L, 4, 5},        // padding 2 (backward-data's padding 0)
        {Conv2dSpec.of(4, 6, 5, 1, 2, 2), L + 1, 9, 11},   // conv2 like: 5x5 in four 3x3 pieces, groups
        {Conv2dSpec.of(2, 3, 5, 1, 0, 1), L, 7, 8},        // 5x5 valid
        {Conv2dSpec.of(2, 3, 4, 1, 3, 1), L, 5, 6},        // 4x4 (even), padding k-1
        {Conv2dSpec.of(2, 3, 3, 1, 1, 1), L, 1, 1},        // a single pixel
        {Conv2dSpec.of(130, 3, 5, 1, 2, 1), L, 4, 4},      // depth 4 x 130 > one packed block: the GEMM packs V
        {Conv2dSpec.of(520, 2, 5, 1, 2, 1), L, 3, 3},      // the same for F(2x2, 5x5): depth 520
    };

    /** Bound on |error| / (sum of |terms|) of F(2x2, 3x3), and of F(2x2, 5x5) (5x5 filters). */
    private static final double TOL3 = 4e-6;
    private static final double TOL5 = 4e-5;

    @Test
    void matchesTheDirectReferenceOnEveryWorkerCount() {
        matchesTheDirectReference(true);
    }

    @Test
    void fiveByFiveInThreeByThreePiecesMatchesTheDirectReference() {
        SystemProperties.with("alexnet.conv.winograd5", "false", () -> {
            matchesTheDirectReference(false);
            return null;
        });
    }

    private static void matchesTheDirectReference(boolean f25) {
        SplittableRandom r = new SplittableRandom(5);
        for (Object[] cs : CASES) {
            Conv2dSpec s = (Conv2dSpec) cs[0];
            double tol = f25 && s.kernelH() == 5 ? TOL5 : TOL3;
            int perWorker = (int) cs[1];
            int h = (int) cs[2];
            int w = (int) cs[3];
            float[] first = null;
            Data all = new Data(r.split(), s, 3 * perWorker, h, w);
            for (int threads = 1; threads <= 3; threads++) {
                int n = perWorker * threads;
                Data d = all.first(n);
                try (WorkerPool pool = new WorkerPool(threads)) {
                    CpuWinograd wino = new CpuWinograd(pool);
                    String what = s + " n=" + n + " " + h + "x" + w + " " + threads + " threads";
                    float[] y = d.nan(d.ySize);
                    wino.forward(s, d.x, d.xs, d.w, d.b, y, false);
                    float[] dx = d.nan(d.x.length);
                    wino.backwardData(s, d.dy, d.w, dx, d.xs, null);
                    float[] y2 = d.nan(d.ySize);
                    wino.forward(s, d.x, d.xs, d.w, d.b, y2, false);
                    assertArrayEquals(y, y2, what + ": forward not repeatable");
                    float[] fused = d.nan(d.ySize);
                    wino.forward(s, d.x, d.xs, d.w, d.b, fused, true);
                    assertArrayEquals(CpuConvolutionPathsTest.relu(y), fused, what + ": forward with ReLU fused");
                    float[] dw = d.nan(d.w.length);
                    wino.backwardFilter(s, d.x, d.xs, d.dy, dw);
                    float[] dw2 = d.nan(d.w.length);
                    wino.backwardFilter(s, d.x, d.xs, d.dy, dw2);
                    assertArrayEquals(dw, dw2, what + ": filter gradient not repeatable");
                    ConvReference ref = d.reference();
                    check(ref.y(), ref.yMag(), y, tol, what + " forward");
                    check(ref.dx(), ref.dxMag(), dx, tol, what + " dx");
                    check(ref.dw(), ref.dwMag(), dw, tol, what + " dw");
                    // Each image's result does not depend on how the batch is split among workers.
                    if (threads == 1) {
                        first = Arrays.copyOf(y, perWorker * d.ySize / n);
                    } else {
                        assertArrayEquals(first, Arrays.copyOf(y, first.length), what + ": differs from 1 worker");
                    }
                }
            }
        }
    }

    @Test
    void appliesOnlyWhereItPays() {
        try (WorkerPool pool = new WorkerPool(2)) {
            CpuWinograd wino = new CpuWinograd(pool);
            Conv2dSpec conv3 = Conv2dSpec.of(256, 384, 3, 1, 1, 1);
            Conv2dSpec conv2 = Conv2dSpec.of(96, 256, 5, 1, 2, 2);
            for (CpuWinograd.Pass pass : CpuWinograd.Pass.values()) {
                assertTrue(wino.applies(conv3, 2 * L, pass), pass.toString());
                assertFalse(wino.applies(conv3, 2 * L - 1, pass), "fewer than " + L + " images per worker");
            }
            Conv2dSpec smallConv1 = Conv2dSpec.of(1, 32, 5, 1, 2, 1);
            Conv2dSpec smallConv2 = Conv2dSpec.of(32, 64, 5, 1, 2, 2);
            for (CpuWinograd.Pass pass : CpuWinograd.Pass.values()) {
                assertTrue(wino.applies(conv2, 64, pass), "F(2x2, 5x5) " + pass);
                assertFalse(wino.applies(smallConv1, 64, pass), "one input channel: depth 1, " + pass);
                assertFalse(wino.applies(smallConv2, 64, pass), "16 or 32 channels per group, " + pass);
            }
            SystemProperties.with("alexnet.conv.winograd5", "false", () -> {
                assertTrue(wino.applies(conv2, 64, CpuWinograd.Pass.FORWARD));
                assertFalse(wino.applies(conv2, 64, CpuWinograd.Pass.DATA), "3x3 pieces: 48 GEMM rows");
                assertFalse(wino.applies(conv2, 64, CpuWinograd.Pass.FILTER), "3x3 pieces of a 5x5 filter gradient");
                return null;
            });
            CpuWinograd.Pass fwd = CpuWinograd.Pass.FORWARD;
            assertFalse(wino.applies(Conv2dSpec.of(3, 96, 11, 4, 0, 1), 64, fwd), "strided");
            assertFalse(wino.applies(Conv2dSpec.of(256, 384, 1, 1, 0, 1), 64, fwd), "1x1");
            assertFalse(wino.applies(Conv2dSpec.of(256, 384, 3, 1, 3, 1), 64, fwd), "padding above k - 1");
        }
    }

    /** At conv3-like depth (256 channels), the worst error stays within 4x the im2col path's (both vs double). */
    @Test
    void errorIsCloseToTheIm2colPaths() {
        errorAgainstIm2col(Conv2dSpec.of(256, 24, 3, 1, 1, 1), 13, 4, 1e-6);
    }

    /**
     * conv2's shape (48 input channels per group, 5x5, 27x27), fewer filters: F(2x2, 5x5) below 4e-6 of the terms'
     * magnitudes (measured 0.6-1.5e-6) and within 64x the im2col path's error (measured 6-36x; im2col's filter
     * gradient, a dot product over 16 x 729 positions, rounds least).
     */
    @Test
    void f25ErrorIsWithinItsFactorOfTheIm2colPaths() {
        errorAgainstIm2col(Conv2dSpec.of(96, 16, 5, 1, 2, 2), 27, 64, 4e-6);
    }

    /**
     * Winograd's worst error (relative to the terms' magnitudes) at most {@code factor} times the im2col path's and
     * below {@code bound}, in every pass.
     */
    private static void errorAgainstIm2col(Conv2dSpec s, int size, double factor, double bound) {
        int n = L;
        Data d = new Data(new SplittableRandom(11), s, n, size, size);
        ConvReference ref = d.reference();
        try (WorkerPool pool = new WorkerPool(1)) {
            CpuWinograd wino = new CpuWinograd(pool);
            CpuConvolution direct = new CpuConvolution(pool);
            float[] yw = new float[d.ySize];
            wino.forward(s, d.x, d.xs, d.w, d.b, yw, false);
            float[] dxw = new float[d.x.length];
            wino.backwardData(s, d.dy, d.w, dxw, d.xs, null);
            float[] dww = new float[d.w.length];
            wino.backwardFilter(s, d.x, d.xs, d.dy, dww);
            float[] yd = new float[d.ySize];
            float[] dxd = new float[d.x.length];
            float[] dwd = new float[d.w.length];
            SystemProperties.with("alexnet.conv.winograd", "false", () -> {
                direct.forward(s, d.x, d.xs, d.w, d.b, yd, false);
                direct.backwardData(s, d.dy, d.w, dxd, d.xs, null);
                direct.backwardFilter(s, d.x, d.xs, d.dy, dwd, null);
                return null;
            });
            double ew = worst(ref.y(), ref.yMag(), yw);
            double ed = worst(ref.y(), ref.yMag(), yd);
            double ewx = worst(ref.dx(), ref.dxMag(), dxw);
            double edx = worst(ref.dx(), ref.dxMag(), dxd);
            double eww = worst(ref.dw(), ref.dwMag(), dww);
            double edw = worst(ref.dw(), ref.dwMag(), dwd);
            System.out.printf("[winograd] %s: forward error %.2e (im2col %.2e), dx %.2e (im2col %.2e),"
                    + " dw %.2e (im2col %.2e)%n", s, ew, ed, ewx, edx, eww, edw);
            assertTrue(eww <= factor * edw && eww < bound, "dw: winograd " + eww + " vs im2col " + edw);
            assertTrue(ew <= factor * ed && ew < bound, "forward: winograd " + ew + " vs im2col " + ed);
            assertTrue(ewx <= factor * edx && ewx < bound, "dx: winograd " + ewx + " vs im2col " + edx);
        }
    }

    /** Worst |got - want| / (sum of |terms|) over the outputs. */
    private static double worst(double[] want, double[] mag, float[] got) {
        double e = 0;
        for (int i = 0; i < want.length; i++) {
            e = Math.max(e, Math.abs(got[i] - want[i]) / (mag[i] + 1e-30));
        }
        return e;
    }

    private static void check(double[] want, double[] mag, float[] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * mag[i] + 1e-30)) {
                fail(what + " at " + i + ": got " + got[i] + ", want " + want[i] + " (error " + err
                        + ", bound " + tol + " x " + mag[i] + ")");
            }
        }
    }

    /** Random operands and a direct reference in double, with the magnitude sums of each output's terms. */
    private static final class Data {
        final Conv2dSpec s;
        final int[] xs;
        final int ySize;
        final float[] x;
        final float[] w;
        final float[] b;
        final float[] dy;

        Data(SplittableRandom r, Conv2dSpec s, int n, int h, int wd) {
            this.s = s;
            xs = new int[] {n, s.inChannels(), h, wd};
            ySize = n * s.outChannels() * s.outH(h) * s.outW(wd);
            x = random(r, n * s.inChannels() * h * wd);
            w = random(r, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW());
            b = random(r, s.outChannels());
            dy = random(r, ySize);
        }

        private Data(Data d, int n) {
            s = d.s;
            xs = new int[] {n, d.xs[1], d.xs[2], d.xs[3]};
            ySize = d.ySize / d.xs[0] * n;
            x = Arrays.copyOf(d.x, d.x.length / d.xs[0] * n);
            w = d.w;
            b = d.b;
            dy = Arrays.copyOf(d.dy, ySize);
        }

        /** The first n images (the same weights). */
        Data first(int n) {
            return new Data(this, n);
        }

        float[] nan(int len) {
            float[] a = new float[len];
            Arrays.fill(a, Float.NaN);
            return a;
        }

        ConvReference reference() {
            return ConvReference.of(s, x, xs, w, b, dy);
        }

        private static float[] random(SplittableRandom r, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) r.nextDouble(-1, 1);
            }
            return v;
        }
    }
}
