package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsSingleElement;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;
import static io.github.alexnetjava.gradcheck.GradientCheck.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LRN forward (output and the saved {@code scale}) and backward against the reference, for both alpha conventions,
 * an even window, channel groups and the clipped edge channels. Inputs are large enough that {@code alpha' * sum}
 * is comparable to k, so the normalisation (and its cross-channel gradient terms) really matter: an
 * implementation that dropped them would fail.
 */
class LrnGradientTest extends BackendTestBase {

    /** name, spec, N, C, H, W, input sigma. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // paper: alpha=1e-4 undivided, k=2; sigma 30 gives alpha*sum ~ 0.45 vs k=2
                Arguments.of("paper n5", LrnSpec.paper(), 2, 7, 3, 2, 30.0),
                // C=3 < size: every channel's window is clipped on at least one side
                Arguments.of("paper n5 C3 all edges", LrnSpec.paper(), 2, 3, 2, 3, 30.0),
                // PyTorch convention: alpha/size, k=1; alpha=0.1/4*sum(4 * 9) ~ 0.9 vs k=1
                Arguments.of("pytorch even size 4", LrnSpec.pytorch(4, 0.1, 0.75, 1.0), 2, 6, 3, 3, 3.0),
                Arguments.of("pytorch size 5 alpha 1e-2", LrnSpec.pytorch(5, 1e-2, 0.75, 1.0), 1, 8, 2, 3, 6.0),
                Arguments.of("paper n5 groups 2", LrnSpec.paper().withGroups(2), 2, 8, 2, 2, 30.0),
                Arguments.of("pytorch size 4 groups 2", LrnSpec.pytorch(4, 0.1, 0.75, 1.0).withGroups(2),
                        1, 10, 3, 2, 3.0),
                Arguments.of("size 3 beta 1 paper-style alpha 1e-2", new LrnSpec(3, 1e-2, 1.0, 1.0, false, 1),
                        2, 5, 2, 2, 3.0));
    }

    record Result(float[] y, float[] scale, float[] dx) {
    }

    static Result run(LrnSpec s, float[] x, float[] dy, int[] shape) {
        return run(b, s, x, dy, shape);
    }

    static Result run(Backend b, LrnSpec s, float[] x, float[] dy, int[] shape) {
        Tensor xt = b.fromArray(x, shape);
        Tensor y = b.allocate(shape);
        Tensor scale = b.allocate(shape);
        b.lrnForward(s, xt, y, scale);
        Tensor dx = b.allocate(shape);
        b.fill(dx, 4f);
        b.lrnBackward(s, xt, y, scale, b.fromArray(dy, shape), dx);
        return new Result(y.toArray(), scale.toArray(), dx.toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndBackwardMatchReference(String name, LrnSpec s, int n, int c, int h, int w, double sigma) {
        int[] shape = {n, c, h, w};
        Random rng = new Random(21);
        float[] x = gaussian(rng, size(shape), sigma);
        float[] dy = gaussian(rng, size(shape), 1.0);
        Result r = run(s, x, dy, shape);
        double[] xd = d(x);
        double[] refScale = ReferenceOps.lrnScale(s, xd, n, c, h, w);
        // the normalisation must matter for this test to mean anything
        double maxExcess = 0;
        for (double v : refScale) {
            maxExcess = Math.max(maxExcess, (v - s.k()) / s.k());
        }
        assertTrue(maxExcess > 0.1, name + ": inputs too small, alpha'*sum/k only " + maxExcess);

        Function<double[][], double[]> f = in -> ReferenceOps.lrn(s, in[0], n, c, h, w);
        assertClose(name + " forward y", r.y, f.apply(new double[][] {xd}), FWD_TOL);
        assertClose(name + " forward scale", r.scale, refScale, FWD_TOL);
        double[] fd = numericGradient(f, new double[][] {xd}, 0, d(dy));
        assertClose(name + " dx", r.dx, fd, GRAD_TOL);
    }

    /** AlexNet-sized channel counts (48 per group, 2 groups) on the 4-thread backend, FD at sampled coordinates. */
    @Test
    void largerShapeOnFourThreadsSampled() {
        LrnSpec s = LrnSpec.paper().withGroups(2);
        int n = 3;
        int c = 96;
        int h = 9;
        int w = 7;
        int[] shape = {n, c, h, w};
        Random rng = new Random(24);
        float[] x = gaussian(rng, size(shape), 30.0);
        float[] dy = gaussian(rng, size(shape), 1.0);
        Result r = run(b4, s, x, dy, shape);
        Function<double[][], double[]> f = in -> ReferenceOps.lrn(s, in[0], n, c, h, w);
        double[][] in = {d(x)};
        assertClose("lrn 96ch forward y", r.y, f.apply(in), FWD_TOL);
        assertClose("lrn 96ch forward scale", r.scale, ReferenceOps.lrnScale(s, in[0], n, c, h, w), FWD_TOL);
        int[] idx = GradientCheck.sampleIndices(rng, x.length, 300);
        assertClose("lrn 96ch dx (sampled)", GradientCheck.gather(r.dx, idx),
                GradientCheck.numericGradientAt(f, in, 0, d(dy), idx), GRAD_TOL);
    }

    /**
     * Explicit expectation for the asymmetric even window: size 4 covers {@code [c-2, c+1]}. A spike in channel
     * 4 therefore changes the scale of channels 3, 4, 5 and 6 but not 2 (c+2) nor 7 (c-3); with 2 groups of 4
     * channels the spike in channel 4 must not reach channel 3 either (other group).
     */
    @Test
    void evenWindowIsAsymmetricAndClippedToGroup() {
        int c = 8;
        float[] x = new float[c];
        java.util.Arrays.fill(x, 1f);
        x[4] = 10f;
        LrnSpec s = new LrnSpec(4, 0.01, 0.75, 1.0, false, 1);
        float[] scale = run(s, x, new float[c], new int[] {1, c, 1, 1}).scale;
        double base = 1 + 0.01 * 4; // four ones in an interior window
        double spike = 0.01 * 99; // 10^2 replaces one 1^2
        // channel 0 window [-2,1] -> {0,1}; channel 7 window [5,8] -> {5,6,7}
        double[] expected = {1 + 0.01 * 2, 1 + 0.01 * 3, base, base + spike, base + spike, base + spike,
                base + spike, 1 + 0.01 * 3};
        assertClose("size-4 window scale", scale, expected, 1e-6);

        float[] grouped = run(s.withGroups(2), x, new float[c], new int[] {1, c, 1, 1}).scale;
        // groups {0..3} and {4..7}: channel 3's window [1,4] clipped to [1,3]; channel 4's window [2,5] -> [4,5]
        double[] expectedGrouped = {1 + 0.01 * 2, 1 + 0.01 * 3, 1 + 0.01 * 4, 1 + 0.01 * 3,
                1 + 0.01 * (100 + 1), 1 + 0.01 * (100 + 2), 1 + 0.01 * (100 + 3), 1 + 0.01 * 3};
        assertClose("size-4 window scale, 2 groups", grouped, expectedGrouped, 1e-6);
        assertEquals(ReferenceOps.lrnScale(s.withGroups(2), d(x), 1, c, 1, 1)[3], expectedGrouped[3], 1e-12);
    }

    /** The two conventions differ by the factor size in alpha, and the backend honours the flag. */
    @Test
    void conventionsDiffer() {
        int[] shape = {1, 6, 2, 2};
        float[] x = gaussian(new Random(22), size(shape), 3.0);
        LrnSpec torch = LrnSpec.pytorch(5, 0.05, 0.75, 1.0);
        LrnSpec paperStyle = new LrnSpec(5, 0.05, 0.75, 1.0, false, 1);
        float[] yTorch = run(torch, x, new float[x.length], shape).y;
        float[] yPaper = run(paperStyle, x, new float[x.length], shape).y;
        double[] refTorch = ReferenceOps.lrn(torch, d(x), 1, 6, 2, 2);
        double[] refPaper = ReferenceOps.lrn(paperStyle, d(x), 1, 6, 2, 2);
        assertClose("pytorch convention", yTorch, refTorch, FWD_TOL);
        assertClose("paper convention", yPaper, refPaper, FWD_TOL);
        // and each would be rejected against the other convention's reference
        assertTrue(GradientCheck.error(yTorch, refPaper) > 100 * FWD_TOL);
        assertTrue(GradientCheck.error(yPaper, refTorch) > 100 * FWD_TOL);
    }

    /** Negative control: a 1% error in the LRN gradient would be rejected. */
    @Test
    void comparisonRejectsOnePercentErrors() {
        LrnSpec s = LrnSpec.paper();
        int[] shape = {2, 7, 3, 2};
        Random rng = new Random(23);
        float[] x = gaussian(rng, size(shape), 30.0);
        float[] dy = gaussian(rng, size(shape), 1.0);
        Result r = run(s, x, dy, shape);
        Function<double[][], double[]> f = in -> ReferenceOps.lrn(s, in[0], 2, 7, 3, 2);
        double[] fd = numericGradient(f, new double[][] {d(x)}, 0, d(dy));
        assertRejectsOnePercent("lrn dx", r.dx, fd, GRAD_TOL);
        assertRejectsSingleElement("lrn dx", r.dx, fd, GRAD_TOL);
        assertRejectsOnePercent("lrn y", r.y, f.apply(new double[][] {d(x)}), FWD_TOL);
    }
}
