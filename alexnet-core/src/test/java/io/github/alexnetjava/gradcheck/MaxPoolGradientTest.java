package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Max-pool forward and backward. Finite differences are only valid where every window has a unique maximum with
 * a margin much larger than the step, so the FD checks use a shuffled ladder of distinct values (gaps 0.25); the
 * tie cases use integer inputs from a tiny range and compare against the explicit expectation "each dy goes to the
 * FIRST maximum of its window in row-major scan order", with overlapping windows accumulating.
 */
class MaxPoolGradientTest extends BackendTestBase {

    /** name, spec, N, C, H, W. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("overlapping 3/2", PoolSpec.overlapping(), 2, 3, 7, 7),
                Arguments.of("overlapping 3/2 floor, non-square", PoolSpec.overlapping(), 1, 2, 8, 11),
                Arguments.of("3/2 pad 1", new PoolSpec(3, 2, 1), 2, 2, 6, 7),
                Arguments.of("2/2", new PoolSpec(2, 2, 0), 1, 3, 6, 5),
                Arguments.of("3/1 pad 1", new PoolSpec(3, 1, 1), 1, 2, 4, 5),
                Arguments.of("5/3 pad 2", new PoolSpec(5, 3, 2), 1, 2, 9, 7),
                // pool5's planes: enough of them for the backend's 16-planes-at-once path, plus leftovers
                Arguments.of("pool5-like 13x13, 40 planes", PoolSpec.overlapping(), 4, 10, 13, 13));
    }

    record Result(float[] y, float[] dx) {
    }

    static Result run(PoolSpec s, float[] x, float[] dy, int[] xShape) {
        return run(b, s, x, dy, xShape);
    }

    static Result run(Backend b, PoolSpec s, float[] x, float[] dy, int[] xShape) {
        int[] yShape = s.outputShape("test", xShape);
        Tensor xt = b.fromArray(x, xShape);
        Tensor y = b.allocate(yShape);
        b.maxPoolForward(s, xt, y);
        Tensor dx = b.allocate(xShape);
        b.fill(dx, 3f); // must be overwritten, not accumulated into
        b.maxPoolBackward(s, xt, y, b.fromArray(dy, yShape), dx);
        return new Result(y.toArray(), dx.toArray());
    }

    /** Distinct values: a shuffled ladder {@code -k/4 ... } so no two inputs are within 0.25 of each other. */
    static float[] distinct(Random rng, int n) {
        List<Integer> ladder = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ladder.add(i - n / 2);
        }
        Collections.shuffle(ladder, rng);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = ladder.get(i) * 0.25f;
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tieFreeForwardAndBackwardMatchFiniteDifferences(String name, PoolSpec s, int n, int c, int h, int w) {
        int[] xShape = {n, c, h, w};
        Random rng = new Random(31);
        float[] x = distinct(rng, size(xShape));
        float[] dy = gaussian(rng, size(s.outputShape("test", xShape)), 1.0);
        Result r = run(s, x, dy, xShape);
        Function<double[][], double[]> f = in -> ReferenceOps.maxPool(s, in[0], n, c, h, w);
        double[] xd = d(x);
        assertClose(name + " forward", r.y, f.apply(new double[][] {xd}), FWD_TOL);
        double[] fd = numericGradient(f, new double[][] {xd}, 0, d(dy));
        assertClose(name + " dx vs FD", r.dx, fd, GRAD_TOL);
        // without ties the FD gradient and the first-max routing agree
        assertClose(name + " FD vs routing", toFloat(fd),
                ReferenceOps.maxPoolBackwardFirstMax(s, xd, n, c, h, w, d(dy)), 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tiesGoToFirstMaximumInScanOrder(String name, PoolSpec s, int n, int c, int h, int w) {
        int[] xShape = {n, c, h, w};
        Random rng = new Random(32);
        float[] x = new float[size(xShape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3) - 1; // {-1, 0, 1}: ties in nearly every window
        }
        float[] dy = new float[size(s.outputShape("test", xShape))];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = 1 + rng.nextInt(64); // exact small integers: sums are exact in float
        }
        Result r = run(s, x, dy, xShape);
        double[] xd = d(x);
        assertArrayEquals(toFloat(ReferenceOps.maxPool(s, xd, n, c, h, w)), r.y, name + " forward");
        double[] expected = ReferenceOps.maxPoolBackwardFirstMax(s, xd, n, c, h, w, d(dy));
        assertArrayEquals(toFloat(expected), r.dx, name + " tie routing");
    }

    /** AlexNet-like 27x27 -> 13x13 pooling on the 4-thread backend: tie-free FD (sampled) and full tie routing. */
    @Test
    void largerShapeOnFourThreads() {
        PoolSpec s = PoolSpec.overlapping();
        int[] xShape = {4, 8, 27, 27};
        Random rng = new Random(34);
        float[] x = distinct(rng, size(xShape));
        float[] dy = gaussian(rng, size(s.outputShape("test", xShape)), 1.0);
        Result r = run(b4, s, x, dy, xShape);
        Function<double[][], double[]> f = in -> ReferenceOps.maxPool(s, in[0], 4, 8, 27, 27);
        double[][] in = {d(x)};
        assertClose("pool 27x27 forward", r.y, f.apply(in), FWD_TOL);
        assertClose("pool 27x27 dx vs routing", r.dx,
                ReferenceOps.maxPoolBackwardFirstMax(s, in[0], 4, 8, 27, 27, d(dy)), 1e-6);
        int[] idx = GradientCheck.sampleIndices(rng, x.length, 300);
        assertClose("pool 27x27 dx (sampled FD)", GradientCheck.gather(r.dx, idx),
                GradientCheck.numericGradientAt(f, in, 0, d(dy), idx), GRAD_TOL);

        float[] ties = new float[x.length];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = rng.nextInt(2);
        }
        float[] idy = new float[dy.length];
        for (int i = 0; i < idy.length; i++) {
            idy[i] = 1 + rng.nextInt(64);
        }
        Result rt = run(b4, s, ties, idy, xShape);
        assertArrayEquals(toFloat(ReferenceOps.maxPoolBackwardFirstMax(s, d(ties), 4, 8, 27, 27, d(idy))), rt.dx,
                "27x27 tie routing");
    }

    /** Hand-written tie case: a 3x3 window that is all equal sends its gradient to the top-left element. */
    @Test
    void allEqualWindowRoutesToTopLeft() {
        PoolSpec s = PoolSpec.overlapping();
        // 5x5 -> 2x2 outputs, windows start at (0,0), (0,2), (2,0), (2,2)
        float[] x = new float[25];
        java.util.Arrays.fill(x, 2f);
        float[] dy = {1f, 10f, 100f, 1000f};
        Result r = run(s, x, dy, new int[] {1, 1, 5, 5});
        float[] expected = new float[25];
        expected[0] = 1f; // window (0,0)
        expected[2] = 10f; // window (0,2): first element (0,2)
        expected[10] = 100f; // window (2,0): (2,0)
        expected[12] = 1000f; // window (2,2): (2,2)
        assertArrayEquals(expected, r.dx);
        // second row scanned after the first: a tie between (0,4) and (1,2) in window (0,2) goes to (0,4)
        float[] x2 = new float[25];
        x2[4] = 5f;
        x2[7] = 5f; // (1,2)
        Result r2 = run(s, x2, dy, new int[] {1, 1, 5, 5});
        assertEquals(10f, r2.dx[4], "tie (0,4) vs (1,2) goes to (0,4)");
        // (1,2) is also the unique maximum of window (0,0), which contributes only dy[0]
        assertEquals(1f, r2.dx[7], "(1,2) receives window (0,0) only");
    }

    /**
     * NaN and signed zeros, on narrow planes (the backend takes 16 at a time as vector lanes, then the rest one by
     * one) and on wide ones (its row kernels): a window holding NaN outputs NaN and sends its gradient to its first
     * NaN in scan order; -0 and +0 are equal, so a window whose maximum is zero sends it to the first zero of
     * either sign. Every plane holds the same pattern and gets its own gradient values.
     */
    @ParameterizedTest(name = "width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {7, 41})
    void nanAndSignedZeroFollowScanOrder(int w) {
        PoolSpec s = PoolSpec.overlapping();
        int h = 5;
        int planes = 37;
        float[] plane = new float[h * w];
        java.util.Arrays.fill(plane, -1f);
        // window (0,0) covers rows 0-2, columns 0-2: NaN at (1,2) then (2,0): the first in scan order is (1,2)
        plane[w + 2] = Float.NaN;
        plane[2 * w] = Float.NaN;
        // window (0,2) covers columns 4-6: -0 at (0,5) before +0 at (1,4)
        plane[5] = -0f;
        plane[w + 4] = 0f;
        int ow = s.out(w);
        int outs = 2 * ow;
        float[] x = new float[planes * h * w];
        float[] dy = new float[planes * outs];
        for (int p = 0; p < planes; p++) {
            System.arraycopy(plane, 0, x, p * h * w, h * w);
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i + 1;
        }
        Result r = run(s, x, dy, new int[] {1, planes, h, w});
        float[] expected = new float[x.length];
        for (int p = 0; p < planes; p++) {
            int in = p * h * w;
            int o = p * outs;
            assertEquals(Float.NaN, r.y[o], "plane " + p + ": window (0,0) holds NaN");
            assertEquals(Float.NaN, r.y[o + ow], "plane " + p + ": window (1,0) holds the NaN at (2,0)");
            assertEquals(0f, r.y[o + 2], "plane " + p + ": window (0,2)'s maximum is +0");
            expected[in + w + 2] += dy[o]; // (0,0): first NaN (1,2)
            expected[in + w + 2] += dy[o + 1]; // (0,1) covers columns 2-4: (1,2) is NaN too, and first
            expected[in + 5] += dy[o + 2]; // (0,2) columns 4-6: -0 at (0,5) comes before +0 at (1,4)
            for (int j = 3; j < ow; j++) {
                expected[in + 2 * j] += dy[o + j]; // all -1: the top-left of each window
            }
            expected[in + 2 * w] += dy[o + ow]; // (1,0) rows 2-4, columns 0-2: NaN at (2,0)
            for (int j = 1; j < ow; j++) {
                expected[in + 2 * w + 2 * j] += dy[o + ow + j]; // all -1 -> top-left
            }
        }
        assertArrayEquals(expected, r.dx);
    }

    /**
     * Ties and scattered NaN over enough narrow planes for the backend's 16-planes-at-once path and its leftovers
     * (width 13), and over wide ones (27): routed as the reference routes them, also when the backward pass gets a
     * copy of the forward output rather than the array the forward pass wrote (a backend may not rely on it).
     */
    @ParameterizedTest(name = "width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {13, 27})
    void tiesAndNaNRouteLikeTheReferenceOnManyPlanes(int w) {
        PoolSpec s = PoolSpec.overlapping();
        int[] xShape = {3, 13, 11, w};
        int[] yShape = s.outputShape("test", xShape);
        Random rng = new Random(41);
        float[] x = new float[size(xShape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(50) == 0 ? Float.NaN : rng.nextInt(3) - 1;
        }
        float[] dy = gaussian(rng, size(yShape), 1.0);
        Tensor xt = b.fromArray(x, xShape);
        Tensor y = b.allocate(yShape);
        b.maxPoolForward(s, xt, y);
        Tensor dyt = b.fromArray(dy, yShape);
        Tensor dx = b.allocate(xShape);
        b.maxPoolBackward(s, xt, y, dyt, dx);
        Tensor dx2 = b.allocate(xShape);
        b.fill(dx2, 3f);
        b.maxPoolBackward(s, xt, b.fromArray(y.toArray(), yShape), dyt, dx2);
        assertArrayEquals(dx.toArray(), dx2.toArray(), "routes recomputed for a copy of y");
        // Where two windows route to the same element the float sum may round differently from the double one.
        assertClose("first maximum (or first NaN) in scan order", dx.toArray(),
                ReferenceOps.maxPoolBackwardFirstMax(s, d(x), 3, 13, 11, w, d(dy)), 1e-6);
    }

    /** Negative control: a 1% error in the pooled gradient would be rejected. */
    @Test
    void comparisonRejectsOnePercentErrors() {
        PoolSpec s = PoolSpec.overlapping();
        int[] xShape = {2, 3, 7, 7};
        Random rng = new Random(33);
        float[] x = distinct(rng, size(xShape));
        float[] dy = gaussian(rng, size(s.outputShape("test", xShape)), 1.0);
        Result r = run(s, x, dy, xShape);
        Function<double[][], double[]> f = in -> ReferenceOps.maxPool(s, in[0], 2, 3, 7, 7);
        double[] fd = numericGradient(f, new double[][] {d(x)}, 0, d(dy));
        assertRejectsOnePercent("maxpool dx", r.dx, fd, GRAD_TOL);
        assertRejectsSingleElement("maxpool dx", r.dx, fd, GRAD_TOL);
    }

    static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
