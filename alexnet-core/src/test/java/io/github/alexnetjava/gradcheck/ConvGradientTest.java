package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
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
import static io.github.alexnetjava.gradcheck.GradientCheck.gather;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradientAt;
import static io.github.alexnetjava.gradcheck.GradientCheck.sampleIndices;
import static io.github.alexnetjava.gradcheck.GradientCheck.size;

/**
 * Convolution forward (with and without bias), backward-data, backward-filter and bias gradient against the
 * double reference and its finite differences, over grouped, strided, padded and non-square geometries.
 */
class ConvGradientTest extends BackendTestBase {

    /** name, spec, N, H, W. */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of("conv1-like k11 s4", Conv2dSpec.of(3, 4, 11, 4, 0, 1), 2, 23, 23),
                Arguments.of("k11 s4 pad2 non-square", Conv2dSpec.of(3, 4, 11, 4, 2, 1), 1, 19, 22),
                Arguments.of("k5 s1 pad2 groups2 non-square", Conv2dSpec.of(4, 6, 5, 1, 2, 2), 2, 7, 9),
                Arguments.of("k3 s1 pad1 groups4", Conv2dSpec.of(8, 8, 3, 1, 1, 4), 2, 5, 6),
                Arguments.of("k3 s2 pad1 floor", Conv2dSpec.of(3, 5, 3, 2, 1, 1), 2, 8, 7),
                Arguments.of("k3 s3 pad0 floor, groups 2", Conv2dSpec.of(4, 2, 3, 3, 0, 2), 1, 10, 11),
                Arguments.of("1x1 groups2", Conv2dSpec.of(4, 6, 1, 1, 0, 2), 2, 3, 4),
                Arguments.of("non-square kernel 3x5 stride 2x1 pad 1x2",
                        new Conv2dSpec(2, 3, 3, 5, 2, 1, 1, 2, 1), 2, 6, 8));
    }

    /** Everything one geometry needs, on the host and on the backend. */
    record Case(Conv2dSpec s, int n, int h, int w, float[] x, float[] wt, float[] bias, float[] dy,
                int[] yShape) {
        static Case make(Conv2dSpec s, int n, int h, int w, long seed) {
            Random rng = new Random(seed);
            float[] x = gaussian(rng, n * s.inChannels() * h * w, 1.0);
            float[] wt = gaussian(rng, size(s.weightShape()), 0.3);
            float[] bias = gaussian(rng, s.outChannels(), 0.5);
            int[] yShape = {n, s.outChannels(), s.outH(h), s.outW(w)};
            float[] dy = gaussian(rng, size(yShape), 1.0);
            return new Case(s, n, h, w, x, wt, bias, dy, yShape);
        }

        int[] xShape() {
            return new int[] {n, s.inChannels(), h, w};
        }

        /** The reference forward as a function of (x, w, bias). */
        Function<double[][], double[]> ref() {
            return in -> ReferenceOps.conv2d(s, in[0], n, h, w, in[1], in[2]);
        }

        double[][] inputs() {
            return new double[][] {d(x), d(wt), d(bias)};
        }
    }

    /** Backend results of one geometry. */
    record Result(float[] y, float[] yNoBias, float[] dx, float[] dw, float[] db, float[] dwNoBias) {
    }

    static Result runBackend(Case c) {
        return runBackend(b, c);
    }

    static Result runBackend(Backend b, Case c) {
        Tensor x = b.fromArray(c.x, c.xShape());
        Tensor w = b.fromArray(c.wt, c.s.weightShape());
        Tensor bias = b.fromArray(c.bias, c.s.outChannels());
        Tensor y = b.allocate(c.yShape);
        b.conv2dForward(c.s, x, w, bias, y);
        float[] yv = y.toArray();
        Tensor y2 = b.allocate(c.yShape);
        b.fill(y2, 123f); // the output must be overwritten, not accumulated
        b.conv2dForward(c.s, x, w, null, y2);
        Tensor dy = b.fromArray(c.dy, c.yShape);
        Tensor dx = b.allocate(c.xShape());
        b.fill(dx, 7f); // overwritten, not accumulated
        b.conv2dBackwardData(c.s, dy, w, dx);
        Tensor dw = b.allocate(c.s.weightShape());
        b.fill(dw, -3f);
        Tensor db = b.allocate(c.s.outChannels());
        b.fill(db, 5f);
        b.conv2dBackwardFilter(c.s, x, dy, dw, db);
        float[] dwv = dw.toArray();
        Tensor dw2 = b.allocate(c.s.weightShape());
        b.conv2dBackwardFilter(c.s, x, dy, dw2, null);
        return new Result(yv, y2.toArray(), dx.toArray(), dwv, db.toArray(), dw2.toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void forwardMatchesReference(String name, Conv2dSpec s, int n, int h, int w) {
        Case c = Case.make(s, n, h, w, 11);
        Result r = runBackend(c);
        double[][] in = c.inputs();
        assertClose(name + " forward", r.y, c.ref().apply(in), FWD_TOL);
        assertClose(name + " forward (no bias)", r.yNoBias,
                ReferenceOps.conv2d(s, in[0], n, h, w, in[1], null), FWD_TOL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void backwardMatchesFiniteDifferences(String name, Conv2dSpec s, int n, int h, int w) {
        Case c = Case.make(s, n, h, w, 12);
        Result r = runBackend(c);
        double[][] in = c.inputs();
        double[] dyd = d(c.dy);
        double[] fdX = numericGradient(c.ref(), in, 0, dyd);
        double[] fdW = numericGradient(c.ref(), in, 1, dyd);
        double[] fdB = numericGradient(c.ref(), in, 2, dyd);
        assertClose(name + " dx", r.dx, fdX, GRAD_TOL);
        assertClose(name + " dw", r.dw, fdW, GRAD_TOL);
        assertClose(name + " dbias", r.db, fdB, GRAD_TOL);
        assertClose(name + " dw (null dbias)", r.dwNoBias, fdW, GRAD_TOL);
    }

    static Stream<Arguments> largerGeometries() {
        return Stream.of(
                Arguments.of("conv1-like k11 s4 pad2 63x63", Conv2dSpec.of(3, 8, 11, 4, 2, 1), 1, 63, 63),
                Arguments.of("conv2-like k5 pad2 groups2 15x15", Conv2dSpec.of(8, 12, 5, 1, 2, 2), 2, 15, 15),
                Arguments.of("conv3-like k3 pad1 13x11", Conv2dSpec.of(16, 12, 3, 1, 1, 1), 2, 13, 11));
    }

    /**
     * Larger shapes on a 4-thread backend (blocked GEMM and work splitting): full forward comparison, finite
     * differences at 80 sampled coordinates of x and w, all of dbias.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("largerGeometries")
    void largerShapesOnFourThreadsSampled(String name, Conv2dSpec s, int n, int h, int w) {
        Case c = Case.make(s, n, h, w, 15);
        Result r = runBackend(b4, c);
        double[][] in = c.inputs();
        assertClose(name + " forward", r.y, c.ref().apply(in), FWD_TOL);
        Random rng = new Random(16);
        double[] dyd = d(c.dy);
        int[] ix = sampleIndices(rng, c.x.length, 80);
        int[] iw = sampleIndices(rng, c.wt.length, 80);
        int[] ib = sampleIndices(rng, c.bias.length, c.bias.length);
        assertClose(name + " dx (sampled)", gather(r.dx, ix), numericGradientAt(c.ref(), in, 0, dyd, ix),
                GRAD_TOL);
        assertClose(name + " dw (sampled)", gather(r.dw, iw), numericGradientAt(c.ref(), in, 1, dyd, iw),
                GRAD_TOL);
        assertClose(name + " dbias", gather(r.db, ib), numericGradientAt(c.ref(), in, 2, dyd, ib), GRAD_TOL);
    }

    /** Negative control: the same comparisons reject a 1% error in dx, dw or dbias. */
    @Test
    void comparisonRejectsOnePercentErrors() {
        Case c = Case.make(Conv2dSpec.of(4, 6, 5, 1, 2, 2), 2, 7, 9, 13);
        Result r = runBackend(c);
        double[][] in = c.inputs();
        double[] dyd = d(c.dy);
        double[] fdX = numericGradient(c.ref(), in, 0, dyd);
        double[] fdW = numericGradient(c.ref(), in, 1, dyd);
        double[] fdB = numericGradient(c.ref(), in, 2, dyd);
        assertRejectsOnePercent("conv dx", r.dx, fdX, GRAD_TOL);
        assertRejectsOnePercent("conv dw", r.dw, fdW, GRAD_TOL);
        assertRejectsOnePercent("conv dbias", r.db, fdB, GRAD_TOL);
        assertRejectsSingleElement("conv dx", r.dx, fdX, GRAD_TOL);
        assertRejectsSingleElement("conv dw", r.dw, fdW, GRAD_TOL);
        assertRejectsOnePercent("conv forward", r.y, c.ref().apply(in), FWD_TOL);
    }

    /** Bias add / bias gradient on their own, rank 2 and rank 4. */
    @Test
    void biasAddAndBiasGrad() {
        Random rng = new Random(14);
        for (int[] shape : new int[][] {{3, 5}, {2, 4, 3, 5}}) {
            int c = shape[1];
            float[] y0 = gaussian(rng, size(shape), 1.0);
            float[] bias = gaussian(rng, c, 1.0);
            float[] dy = gaussian(rng, size(shape), 1.0);
            Tensor y = b.fromArray(y0, shape);
            b.biasAdd(y, b.fromArray(bias, c));
            Function<double[][], double[]> f = in -> ReferenceOps.biasAdd(in[0], shape, in[1]);
            double[][] in = {d(y0), d(bias)};
            assertClose("biasAdd " + shape.length, y.toArray(), f.apply(in), FWD_TOL);
            Tensor db = b.allocate(c);
            b.fill(db, 9f);
            b.biasGrad(b.fromArray(dy, shape), db);
            double[] fd = numericGradient(f, in, 1, d(dy));
            assertClose("biasGrad rank " + shape.length, db.toArray(), fd, GRAD_TOL);
            assertRejectsOnePercent("biasGrad rank " + shape.length, db.toArray(), fd, GRAD_TOL);
        }
    }
}
