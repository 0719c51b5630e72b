package io.github.alexnetjava.gradcheck;

import org.opentest4j.AssertionFailedError;

import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central finite differences in double precision through the {@link ReferenceOps} forward, plus comparison helpers.
 *
 * <p>For an op {@code y = f(x_0, x_1, ...)} the scalar loss is {@code L = sum_i y_i * dy_i} with a random
 * {@code dy}; then {@code dL/dx_j} is exactly what the backend's backward pass returns when fed that {@code dy}.
 * The derivative is estimated by {@code (L(x + h e_i) - L(x - h e_i)) / 2h} with
 * {@code h = max(1e-4, 1e-5 |x_i|)}. In double precision the truncation error is {@code O(h^2 f''')}, about
 * 1e-8 relative here, and the cancellation error {@code O(1e-16 |L| / h)}, about 1e-11, both far below the
 * 1e-3 tolerance used against the float32 backend.
 */
public final class GradientCheck {
    /** Relative step. */
    public static final double REL_STEP = 1e-5;
    /** Absolute (minimum) step. */
    public static final double ABS_STEP = 1e-4;
    /** Environment {@code GRADCHECK_VERBOSE=1} prints every comparison's error (surefire forks inherit it). */
    static final boolean VERBOSE = System.getenv("GRADCHECK_VERBOSE") != null;

    private GradientCheck() {
    }

    /** The step used for an input of value {@code x}. */
    public static double step(double x) {
        return Math.max(ABS_STEP, REL_STEP * Math.abs(x));
    }

    /** {@code sum_i y_i * dy_i}. */
    public static double dot(double[] y, double[] dy) {
        if (y.length != dy.length) {
            throw new IllegalArgumentException("length " + y.length + " vs " + dy.length);
        }
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * dy[i];
        }
        return s;
    }

    /**
     * Finite-difference gradient of {@code L = sum(f(inputs) * dy)} with respect to {@code inputs[which]}.
     * The inputs are not modified.
     */
    public static double[] numericGradient(Function<double[][], double[]> f, double[][] inputs, int which,
                                           double[] dy) {
        return numericGradient(in -> dot(f.apply(in), dy), inputs, which);
    }

    /** Finite-difference gradient of an arbitrary scalar function with respect to {@code inputs[which]}. */
    public static double[] numericGradient(ToDoubleFunction<double[][]> loss, double[][] inputs, int which) {
        double[][] work = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            work[i] = inputs[i] == null ? null : inputs[i].clone();
        }
        double[] x = work[which];
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double orig = x[i];
            double h = step(orig);
            x[i] = orig + h;
            double plus = loss.applyAsDouble(work);
            x[i] = orig - h;
            double minus = loss.applyAsDouble(work);
            x[i] = orig;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /**
     * Finite-difference gradient of {@code L = sum(f(inputs) * dy)} at the given flat indices of
     * {@code inputs[which]} only, for shapes too large to difference every element.
     */
    public static double[] numericGradientAt(Function<double[][], double[]> f, double[][] inputs, int which,
                                             double[] dy, int[] indices) {
        double[][] work = inputs.clone();
        double[] x = inputs[which].clone();
        work[which] = x;
        double[] grad = new double[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            double orig = x[i];
            double h = step(orig);
            x[i] = orig + h;
            double plus = dot(f.apply(work), dy);
            x[i] = orig - h;
            double minus = dot(f.apply(work), dy);
            x[i] = orig;
            grad[j] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /** {@code count} distinct random indices in {@code [0, n)} (all of them if {@code count >= n}). */
    public static int[] sampleIndices(Random rng, int n, int count) {
        if (count >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        java.util.LinkedHashSet<Integer> set = new java.util.LinkedHashSet<>();
        while (set.size() < count) {
            set.add(rng.nextInt(n));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code a[indices[j]]} for every j. */
    public static float[] gather(float[] a, int[] indices) {
        float[] out = new float[indices.length];
        for (int j = 0; j < indices.length; j++) {
            out[j] = a[indices[j]];
        }
        return out;
    }

    // ----- comparison -----

    /**
     * {@code max_i |actual_i - expected_i| / max_i |expected_i|}: the error normalised by the largest expected
     * magnitude (so small entries are not held to an impossible relative standard). If the expected values are
     * all zero, the absolute error is returned.
     */
    public static double error(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionFailedError("length mismatch: actual " + actual.length + " vs expected "
                    + expected.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= maxDiff)) { // also catches NaN
                maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /** Index of the worst element, for failure messages. */
    static int worst(float[] actual, double[] expected) {
        int w = 0;
        double maxDiff = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                return i;
            }
            if (d > maxDiff) {
                maxDiff = d;
                w = i;
            }
        }
        return w;
    }

    /**
     * Asserts {@link #error} {@code <= tol} and returns the error, so a caller can also check that a perturbed
     * value would have been rejected.
     */
    public static double assertClose(String what, float[] actual, double[] expected, double tol) {
        double err = error(actual, expected);
        if (VERBOSE) {
            System.out.printf("gradcheck %-60s error %.3e (tolerance %.1e)%n", what, err, tol);
        }
        if (!(err <= tol)) {
            int i = worst(actual, expected);
            fail(String.format("%s: normalised error %.3e exceeds tolerance %.1e (worst at index %d: actual %.8g,"
                    + " expected %.8g, of %d elements)", what, err, tol, i, actual[i], expected[i],
                    actual.length));
        }
        return err;
    }

    /**
     * Negative control: scales {@code actual} by 1.01 (a 1% error) and asserts that {@link #assertClose} rejects
     * it, i.e. that the comparison at this tolerance is sharp enough to catch a small real bug. Returns the error
     * of the perturbed value.
     */
    public static double assertRejectsOnePercent(String what, float[] actual, double[] expected, double tol) {
        float[] bad = new float[actual.length];
        for (int i = 0; i < actual.length; i++) {
            bad[i] = actual[i] * 1.01f;
        }
        double err = error(bad, expected);
        assertTrue(err > tol, what + ": a 1% perturbation gives error " + err + " which tolerance " + tol
                + " would not reject");
        boolean rejected;
        try {
            assertClose(what + " (perturbed)", bad, expected, tol);
            rejected = false;
        } catch (AssertionFailedError expectedFailure) {
            rejected = true;
        }
        assertTrue(rejected, what + ": assertClose accepted a 1%-perturbed gradient");
        return err;
    }

    /**
     * Negative control: moves only the largest-magnitude element by 1% of the largest magnitude and asserts that
     * the comparison rejects it.
     */
    public static double assertRejectsSingleElement(String what, float[] actual, double[] expected, double tol) {
        int arg = 0;
        for (int i = 1; i < actual.length; i++) {
            if (Math.abs(expected[i]) > Math.abs(expected[arg])) {
                arg = i;
            }
        }
        float[] bad = actual.clone();
        bad[arg] += (float) (0.01 * Math.abs(expected[arg]));
        double err = error(bad, expected);
        assertTrue(err > tol, what + ": a single-element 1% perturbation gives error " + err + " <= " + tol);
        return err;
    }

    // ----- data -----

    public static float[] gaussian(Random rng, int n, double sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * sigma);
        }
        return a;
    }

    public static float[] uniform(Random rng, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return a;
    }

    /** Exact widening of float32 data, so the reference sees exactly what the backend sees. */
    public static double[] d(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    public static int size(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }
}
