package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsSingleElement;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mean softmax cross-entropy: the returned loss and {@code probs} against the reference, rows of {@code probs}
 * summing to 1, and {@code dlogits} against the finite-difference gradient of the mean loss itself (here the
 * scalar is the loss, not {@code sum y*dy}).
 */
class SoftmaxCrossEntropyGradientTest extends BackendTestBase {

    record Result(float loss, float[] probs, float[] dlogits) {
    }

    static Result run(float[] logits, int[] labels, int n, int k) {
        Tensor l = b.fromArray(logits, n, k);
        Tensor probs = b.allocate(n, k);
        Tensor dl = b.allocate(n, k);
        b.fill(dl, 8f);
        float loss = b.softmaxCrossEntropy(l, labels, probs, dl);
        return new Result(loss, probs.toArray(), dl.toArray());
    }

    static int[] labels(Random rng, int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(k);
        }
        return y;
    }

    @ParameterizedTest(name = "n={0} k={1} sigma={2}")
    @CsvSource({"4, 10, 2.0", "1, 2, 1.0", "7, 13, 0.1", "3, 1000, 3.0", "5, 6, 30.0"})
    void lossProbsAndGradientMatchReference(int n, int k, double sigma) {
        Random rng = new Random(51 + n + k);
        float[] logits = gaussian(rng, n * k, sigma);
        int[] labels = labels(rng, n, k);
        Result r = run(logits, labels, n, k);
        double[] ld = d(logits);
        double refLoss = ReferenceOps.softmaxCrossEntropy(ld, n, k, labels);
        assertEquals(refLoss, r.loss, 1e-5 * Math.max(1, Math.abs(refLoss)), "mean loss");
        assertClose("probs", r.probs, ReferenceOps.softmax(ld, n, k), FWD_TOL);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                assertTrue(r.probs[i * k + j] >= 0f && r.probs[i * k + j] <= 1f, "probability in [0,1]");
                sum += r.probs[i * k + j];
            }
            assertEquals(1.0, sum, 1e-5, "row " + i + " of probs sums to 1");
        }
        ToDoubleFunction<double[][]> loss = in -> ReferenceOps.softmaxCrossEntropy(in[0], n, k, labels);
        double[] fd = numericGradient(loss, new double[][] {ld}, 0);
        assertClose("dlogits", r.dlogits, fd, GRAD_TOL);
    }

    /** Logits in the hundreds must not overflow (max subtraction); a confident correct guess has ~0 loss. */
    @Test
    void largeLogitsAreStable() {
        float[] logits = {1000f, 0f, -1000f, 0f, 500f, 800f};
        int[] labels = {0, 1};
        Result r = run(logits, labels, 2, 3);
        double ref = ReferenceOps.softmaxCrossEntropy(d(logits), 2, 3, labels);
        assertEquals(150.0, ref, 1e-9); // (0 + 300) / 2
        assertEquals(ref, r.loss, 1e-3);
        assertTrue(GradientCheck.error(r.probs, ReferenceOps.softmax(d(logits), 2, 3)) < 1e-6);
        for (float v : r.dlogits) {
            assertTrue(Float.isFinite(v));
        }
    }

    /** probs and dlogits may be null; the loss is still returned. */
    @Test
    void nullOutputsAreAllowed() {
        Random rng = new Random(52);
        float[] logits = gaussian(rng, 12, 1.0);
        int[] labels = {0, 3, 2};
        float loss = b.softmaxCrossEntropy(b.fromArray(logits, 3, 4), labels, null, null);
        assertEquals(ReferenceOps.softmaxCrossEntropy(d(logits), 3, 4, labels), loss, 1e-5);
    }

    /** Negative control: a 1% error in dlogits would be rejected (e.g. forgetting the 1/N factor is far worse). */
    @Test
    void comparisonRejectsOnePercentErrors() {
        Random rng = new Random(53);
        int n = 4;
        int k = 10;
        float[] logits = gaussian(rng, n * k, 2.0);
        int[] labels = labels(rng, n, k);
        Result r = run(logits, labels, n, k);
        double[] fd = numericGradient(in -> ReferenceOps.softmaxCrossEntropy(in[0], n, k, labels),
                new double[][] {d(logits)}, 0);
        assertRejectsOnePercent("dlogits", r.dlogits, fd, GRAD_TOL);
        assertRejectsSingleElement("dlogits", r.dlogits, fd, GRAD_TOL);
        float[] sumNotMean = r.dlogits.clone();
        for (int i = 0; i < sumNotMean.length; i++) {
            sumNotMean[i] *= n;
        }
        assertTrue(GradientCheck.error(sumNotMean, fd) > 1, "sum-instead-of-mean gradient is rejected");
    }
}
