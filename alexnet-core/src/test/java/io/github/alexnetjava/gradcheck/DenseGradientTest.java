package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.Function;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsSingleElement;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;

/**
 * The fully-connected layer {@code y = x W^T + b} as the SPI composes it ({@code gemm} + {@code biasAdd}), its
 * backward ({@code dx = dy W}, {@code dW = dy^T x}, {@code db = biasGrad(dy)}) against finite differences, and
 * {@code gemm} itself with every transpose combination, alpha and beta.
 */
class DenseGradientTest extends BackendTestBase {

    record Result(float[] y, float[] dx, float[] dw, float[] db) {
    }

    static Result run(float[] x, float[] w, float[] bias, float[] dy, int n, int in, int out) {
        return run(b, x, w, bias, dy, n, in, out);
    }

    static Result run(Backend b, float[] x, float[] w, float[] bias, float[] dy, int n, int in, int out) {
        Tensor xt = b.fromArray(x, n, in);
        Tensor wt = b.fromArray(w, out, in);
        Tensor y = b.allocate(n, out);
        b.fill(y, 42f); // beta = 0 must ignore old contents
        b.gemm(false, true, 1f, xt, wt, 0f, y);
        b.biasAdd(y, b.fromArray(bias, out));
        Tensor dyt = b.fromArray(dy, n, out);
        Tensor dx = b.allocate(n, in);
        b.gemm(false, false, 1f, dyt, wt, 0f, dx);
        Tensor dw = b.allocate(out, in);
        b.gemm(true, false, 1f, dyt, xt, 0f, dw);
        Tensor db = b.allocate(out);
        b.biasGrad(dyt, db);
        return new Result(y.toArray(), dx.toArray(), dw.toArray(), db.toArray());
    }

    @ParameterizedTest(name = "n={0} in={1} out={2}")
    @CsvSource({"3, 7, 5", "1, 1, 1", "4, 50, 3", "5, 17, 33", "2, 130, 9"})
    void forwardAndBackwardMatchReference(int n, int in, int out) {
        Random rng = new Random(41 + n * 1000 + in);
        float[] x = gaussian(rng, n * in, 1.0);
        float[] w = gaussian(rng, out * in, 0.2);
        float[] bias = gaussian(rng, out, 0.5);
        float[] dy = gaussian(rng, n * out, 1.0);
        Result r = run(x, w, bias, dy, n, in, out);
        Function<double[][], double[]> f = a -> ReferenceOps.dense(a[0], n, in, a[1], out, a[2]);
        double[][] inputs = {d(x), d(w), d(bias)};
        String name = "dense " + n + "x" + in + "->" + out;
        assertClose(name + " forward", r.y, f.apply(inputs), FWD_TOL);
        assertClose(name + " dx", r.dx, numericGradient(f, inputs, 0, d(dy)), GRAD_TOL);
        assertClose(name + " dW", r.dw, numericGradient(f, inputs, 1, d(dy)), GRAD_TOL);
        assertClose(name + " db", r.db, numericGradient(f, inputs, 2, d(dy)), GRAD_TOL);
    }

    /** Larger, non-multiple-of-block sizes on the 4-thread backend; FD at sampled coordinates. */
    @ParameterizedTest(name = "n={0} in={1} out={2}")
    @CsvSource({"16, 300, 41", "33, 129, 67"})
    void largerShapesOnFourThreadsSampled(int n, int in, int out) {
        Random rng = new Random(44 + n);
        float[] x = gaussian(rng, n * in, 1.0);
        float[] w = gaussian(rng, out * in, 0.1);
        float[] bias = gaussian(rng, out, 0.5);
        float[] dy = gaussian(rng, n * out, 1.0);
        Result r = run(b4, x, w, bias, dy, n, in, out);
        Function<double[][], double[]> f = a -> ReferenceOps.dense(a[0], n, in, a[1], out, a[2]);
        double[][] inputs = {d(x), d(w), d(bias)};
        String name = "dense " + n + "x" + in + "->" + out;
        assertClose(name + " forward", r.y, f.apply(inputs), FWD_TOL);
        int[] ix = GradientCheck.sampleIndices(rng, x.length, 100);
        int[] iw = GradientCheck.sampleIndices(rng, w.length, 100);
        int[] ib = GradientCheck.sampleIndices(rng, out, out);
        assertClose(name + " dx (sampled)", GradientCheck.gather(r.dx, ix),
                GradientCheck.numericGradientAt(f, inputs, 0, d(dy), ix), GRAD_TOL);
        assertClose(name + " dW (sampled)", GradientCheck.gather(r.dw, iw),
                GradientCheck.numericGradientAt(f, inputs, 1, d(dy), iw), GRAD_TOL);
        assertClose(name + " db", GradientCheck.gather(r.db, ib),
                GradientCheck.numericGradientAt(f, inputs, 2, d(dy), ib), GRAD_TOL);
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void gemmMatchesReference(boolean transA, boolean transB) {
        int m = 6;
        int k = 9;
        int n = 5;
        Random rng = new Random(42);
        int ar = transA ? k : m;
        int ac = transA ? m : k;
        int br = transB ? n : k;
        int bc = transB ? k : n;
        float[] a = gaussian(rng, ar * ac, 1.0);
        float[] bb = gaussian(rng, br * bc, 1.0);
        float[] c0 = gaussian(rng, m * n, 1.0);
        for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 1f}, {-2f, 0.25f}}) {
            Tensor c = b.fromArray(c0, m, n);
            b.gemm(transA, transB, ab[0], b.fromArray(a, ar, ac), b.fromArray(bb, br, bc), ab[1], c);
            double[] ref = ReferenceOps.gemm(transA, transB, ab[0], d(a), ar, ac, d(bb), br, bc, ab[1], d(c0));
            assertClose("gemm alpha=" + ab[0] + " beta=" + ab[1], c.toArray(), ref, FWD_TOL);
        }
    }

    /** Negative control: 1% errors in dx, dW and db would be rejected. */
    @Test
    void comparisonRejectsOnePercentErrors() {
        int n = 3;
        int in = 7;
        int out = 5;
        Random rng = new Random(43);
        float[] x = gaussian(rng, n * in, 1.0);
        float[] w = gaussian(rng, out * in, 0.2);
        float[] bias = gaussian(rng, out, 0.5);
        float[] dy = gaussian(rng, n * out, 1.0);
        Result r = run(x, w, bias, dy, n, in, out);
        Function<double[][], double[]> f = a -> ReferenceOps.dense(a[0], n, in, a[1], out, a[2]);
        double[][] inputs = {d(x), d(w), d(bias)};
        double[] fdX = numericGradient(f, inputs, 0, d(dy));
        double[] fdW = numericGradient(f, inputs, 1, d(dy));
        assertRejectsOnePercent("dense dx", r.dx, fdX, GRAD_TOL);
        assertRejectsOnePercent("dense dW", r.dw, fdW, GRAD_TOL);
        assertRejectsOnePercent("dense db", r.db, numericGradient(f, inputs, 2, d(dy)), GRAD_TOL);
        assertRejectsSingleElement("dense dW", r.dw, fdW, GRAD_TOL);
        assertRejectsOnePercent("dense y", r.y, f.apply(inputs), FWD_TOL);
    }
}
