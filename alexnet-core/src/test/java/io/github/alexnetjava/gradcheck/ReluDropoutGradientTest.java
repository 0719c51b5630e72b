package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Function;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsSingleElement;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReLU and inverted dropout. ReLU's FD check keeps inputs at least 0.05 away from the kink. Dropout is checked
 * element-for-element against the SPI's mask formula, its statistics, its determinism for a stream, and its
 * backward applying the very same mask.
 */
class ReluDropoutGradientTest extends BackendTestBase {

    /** Gaussian values pushed away from 0 so that +-h never crosses the kink. */
    static float[] awayFromZero(Random rng, int n) {
        float[] x = gaussian(rng, n, 1.0);
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] = x[i] < 0 ? x[i] - 0.05f : x[i] + 0.05f;
            }
        }
        return x;
    }

    @Test
    void reluForwardAndBackwardMatchFiniteDifferences() {
        Random rng = new Random(61);
        int[] shape = {2, 3, 4, 5};
        int size = GradientCheck.size(shape);
        float[] x = awayFromZero(rng, size);
        float[] dy = gaussian(rng, size, 1.0);
        Tensor xt = b.fromArray(x, shape);
        Tensor y = b.allocate(shape);
        b.reluForward(xt, y);
        Tensor dx = b.allocate(shape);
        b.fill(dx, 2f);
        b.reluBackward(y, b.fromArray(dy, shape), dx);
        Function<double[][], double[]> f = in -> ReferenceOps.relu(in[0]);
        assertClose("relu forward", y.toArray(), f.apply(new double[][] {d(x)}), 0);
        double[] fd = numericGradient(f, new double[][] {d(x)}, 0, d(dy));
        assertClose("relu dx", dx.toArray(), fd, GRAD_TOL);
        assertRejectsOnePercent("relu dx", dx.toArray(), fd, GRAD_TOL);
        assertRejectsSingleElement("relu dx", dx.toArray(), fd, GRAD_TOL);

        // in place: y may be x, dx may be dy
        Tensor inPlace = b.fromArray(x, shape);
        b.reluForward(inPlace, inPlace);
        assertArrayEquals(y.toArray(), inPlace.toArray(), "in-place relu forward");
        Tensor g = b.fromArray(dy, shape);
        b.reluBackward(inPlace, g, g);
        assertArrayEquals(dx.toArray(), g.toArray(), "in-place relu backward");
    }

    @ParameterizedTest(name = "p={0}")
    @ValueSource(floats = {0.5f, 0.1f, 0.9f, 0f})
    void dropoutMatchesMaskFormulaAndFiniteDifferences(float p) {
        long stream = CounterRng.stream(7, 3, 11);
        int[] shape = {4, 37};
        int size = GradientCheck.size(shape);
        Random rng = new Random(62);
        float[] x = gaussian(rng, size, 1.0);
        float[] dy = gaussian(rng, size, 1.0);
        Tensor y = b.allocate(shape);
        b.dropoutForward(p, stream, b.fromArray(x, shape), y);
        Tensor dx = b.allocate(shape);
        b.fill(dx, 5f);
        b.dropoutBackward(p, stream, b.fromArray(dy, shape), dx);
        Function<double[][], double[]> f = in -> ReferenceOps.dropout(in[0], p, stream);
        assertClose("dropout p=" + p + " forward", y.toArray(), f.apply(new double[][] {d(x)}), FWD_TOL);
        double[] fd = numericGradient(f, new double[][] {d(x)}, 0, d(dy));
        assertClose("dropout p=" + p + " dx", dx.toArray(), fd, GRAD_TOL);
        if (p > 0) {
            assertRejectsOnePercent("dropout dx", dx.toArray(), fd, GRAD_TOL);
        }
        // exactly zero where dropped, in both directions
        boolean[] keep = ReferenceOps.dropoutMask(p, stream, size);
        float[] yv = y.toArray();
        float[] dxv = dx.toArray();
        for (int i = 0; i < size; i++) {
            if (!keep[i]) {
                assertEquals(0f, yv[i], "dropped forward element " + i);
                assertEquals(0f, dxv[i], "dropped backward element " + i);
            }
        }
    }

    @ParameterizedTest(name = "p={0}")
    @ValueSource(floats = {0.5f, 0.2f, 0.75f})
    void dropoutMaskStatistics(float p) {
        int n = 200_000;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        Tensor y = b.allocate(n);
        b.dropoutForward(p, CounterRng.stream(1234, 5, 6), b.fromArray(ones, n), y);
        float[] yv = y.toArray();
        int dropped = 0;
        double sum = 0;
        for (float v : yv) {
            if (v == 0f) {
                dropped++;
            }
            sum += v;
        }
        double frac = dropped / (double) n;
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertEquals(p, frac, 5 * sigma, "dropped fraction");
        // inverted dropout keeps the expectation: mean of y ~ 1
        assertEquals(1.0, sum / n, 5 * sigma / (1 - p), "mean of inverted-dropout output");
    }

    @Test
    void dropoutIsDeterministicPerStream() {
        int n = 1000;
        float[] x = gaussian(new Random(63), n, 1.0);
        long s1 = CounterRng.stream(99, 1, 1);
        long s2 = CounterRng.stream(99, 1, 2);
        float[] a = drop(0.5f, s1, x);
        float[] again = drop(0.5f, s1, x);
        float[] other = drop(0.5f, s2, x);
        assertArrayEquals(a, again, "same stream, same mask");
        assertFalse(java.util.Arrays.equals(a, other), "a different stream gives a different mask");
        // the mask depends only on the index: a longer tensor agrees on the common prefix
        float[] longer = new float[2 * n];
        System.arraycopy(x, 0, longer, 0, n);
        float[] aLonger = drop(0.5f, s1, longer);
        for (int i = 0; i < n; i++) {
            assertEquals(a[i], aLonger[i], "prefix element " + i);
        }
        // backward with the same stream applies the identical mask
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        Tensor g = b.allocate(n);
        b.dropoutBackward(0.5f, s1, b.fromArray(ones, n), g);
        float[] gv = g.toArray();
        for (int i = 0; i < n; i++) {
            assertEquals(a[i] == 0f && x[i] != 0f, gv[i] == 0f, "same mask at " + i);
            if (gv[i] != 0f) {
                assertEquals(2f, gv[i], 1e-6f);
            }
        }
        assertTrue(true);
    }

    static float[] drop(float p, long stream, float[] x) {
        Tensor y = b.allocate(x.length);
        b.dropoutForward(p, stream, b.fromArray(x, x.length), y);
        return y.toArray();
    }
}
