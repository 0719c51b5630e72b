package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's SGD rule {@code v = m v - wd lr w - lr g; w = w + v}: one and several steps against the double
 * reference, and checks that the test tells this rule apart from the common alternatives (PyTorch's
 * {@code v = m v + g + wd w; w -= lr v}, or decay not scaled by lr).
 */
class SgdUpdateTest extends BackendTestBase {
    /** Element-wise float32 arithmetic: a few roundings per element, ~1e-7 relative. */
    static final double SGD_TOL = 1e-6;

    @ParameterizedTest(name = "lr={0} m={1} wd={2}")
    @CsvSource({"0.01, 0.9, 0.0005", "0.1, 0, 0", "0.05, 0.5, 0.01", "0.001, 0.99, 0"})
    void stepsMatchReference(float lr, float m, float wd) {
        Random rng = new Random(71);
        int n = 257;
        float[] w0 = gaussian(rng, n, 1.0);
        float[] v0 = gaussian(rng, n, 0.1);
        double[] w = d(w0);
        double[] v = d(v0);
        Tensor wt = b.fromArray(w0, n);
        Tensor vt = b.fromArray(v0, n);
        for (int step = 0; step < 3; step++) {
            float[] g = gaussian(rng, n, 1.0);
            b.sgdUpdate(lr, m, wd, wt, b.fromArray(g, n), vt);
            ReferenceOps.sgd(lr, m, wd, w, d(g), v);
            assertClose("sgd step " + step + " v", vt.toArray(), v, SGD_TOL);
            assertClose("sgd step " + step + " w", wt.toArray(), w, SGD_TOL);
        }
    }

    /** A large, odd-sized tensor on the 4-thread backend (vector loop, tail, work splitting). */
    @Test
    void largeTensorOnFourThreads() {
        Random rng = new Random(73);
        int n = 100_003;
        float[] w0 = gaussian(rng, n, 1.0);
        float[] v0 = gaussian(rng, n, 0.1);
        float[] g = gaussian(rng, n, 1.0);
        Tensor wt = b4.fromArray(w0, n);
        Tensor vt = b4.fromArray(v0, n);
        b4.sgdUpdate(0.01f, 0.9f, 0.0005f, wt, b4.fromArray(g, n), vt);
        double[] w = d(w0);
        double[] v = d(v0);
        ReferenceOps.sgd(0.01f, 0.9f, 0.0005f, w, d(g), v);
        assertClose("sgd large v", vt.toArray(), v, SGD_TOL);
        assertClose("sgd large w", wt.toArray(), w, SGD_TOL);
    }

    @Test
    void gradientIsNotModified() {
        float[] g = {1f, -2f, 3f};
        Tensor gt = b.fromArray(g, 3);
        b.sgdUpdate(0.1f, 0.9f, 0.01f, b.fromArray(new float[] {1f, 1f, 1f}, 3), gt, b.allocate(3));
        assertArrayEquals(g, gt.toArray());
    }

    /**
     * Negative control: after one step with weight decay and non-zero velocity, the alternative update rules (and
     * a 1% error) are all rejected by the tolerance used above.
     */
    @Test
    void comparisonRejectsOtherConventions() {
        Random rng = new Random(72);
        int n = 64;
        float lr = 0.05f;
        float m = 0.9f;
        float wd = 0.01f;
        float[] w0 = gaussian(rng, n, 1.0);
        float[] v0 = gaussian(rng, n, 0.1);
        float[] g = gaussian(rng, n, 1.0);
        Tensor wt = b.fromArray(w0, n);
        b.sgdUpdate(lr, m, wd, wt, b.fromArray(g, n), b.fromArray(v0, n));
        float[] got = wt.toArray();

        double[] w = d(w0);
        ReferenceOps.sgd(lr, m, wd, w, d(g), d(v0));
        assertClose("paper rule", got, w, SGD_TOL);
        assertRejectsOnePercent("paper rule", got, w, SGD_TOL);

        double[] torch = new double[n];
        double[] decayNoLr = new double[n];
        for (int i = 0; i < n; i++) {
            double vt = m * v0[i] + g[i] + wd * w0[i];
            torch[i] = w0[i] - lr * vt;
            double vd = m * v0[i] - wd * w0[i] - lr * g[i];
            decayNoLr[i] = w0[i] + vd;
        }
        assertTrue(GradientCheck.error(got, torch) > 100 * SGD_TOL, "PyTorch's rule is told apart");
        assertTrue(GradientCheck.error(got, decayNoLr) > 100 * SGD_TOL, "decay without lr is told apart");
    }
}
