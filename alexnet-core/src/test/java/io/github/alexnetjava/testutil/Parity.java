package io.github.alexnetjava.testutil;

import io.github.alexnetjava.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Loads PyTorch reference tensors and compares results against them with the max-normalised relative error
 * {@code max|a - b| / max(max|ref|, tiny)} per tensor. Every comparison is printed (case, tensor, error, where),
 * so the test output documents the parity achieved.
 */
public final class Parity {
    /** The tolerance the parity tests use. */
    public static final double TOLERANCE = 1e-4;
    /** Floor for the normaliser so an all-zero reference does not divide by zero. */
    public static final double TINY = 1e-30;

    private Parity() {
    }

    /** A loaded case: its directory, and accessors for its tensors and params.json. */
    public static final class Case {
        private final String name;
        private final Path dir;

        public Case(String name) {
            this.name = name;
            this.dir = TestData.pytorchCase(name);
        }

        public String name() {
            return name;
        }

        public Path dir() {
            return dir;
        }

        public Npy.Array array(String tensor) {
            Path f = dir.resolve(tensor + ".npy");
            if (!Files.isRegularFile(f)) {
                throw new IllegalStateException("reference tensor missing: " + f);
            }
            try {
                return Npy.read(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public float[] floats(String tensor) {
            return array(tensor).floats();
        }

        public int[] shape(String tensor) {
            return array(tensor).shape();
        }

        public Json params() {
            return Json.read(dir.resolve("params.json"));
        }

        /** Compares a tensor (shape and values) with the reference {@code tensor}; returns the relative error. */
        public double check(String tensor, Tensor actual) {
            return check(tensor, actual, TOLERANCE);
        }

        public double check(String tensor, Tensor actual, double tol) {
            return Parity.check(name, tensor, actual.shape(), actual.toArray(), array(tensor), tol);
        }

        /** Compares host values with the reference; the element counts must match (shape is not checked). */
        public double check(String tensor, float[] actual) {
            Npy.Array ref = array(tensor);
            return Parity.check(name, tensor, ref.shape(), actual, ref, TOLERANCE);
        }

        public double check(String tensor, float[] actual, double tol) {
            Npy.Array ref = array(tensor);
            return Parity.check(name, tensor, ref.shape(), actual, ref, tol);
        }
    }

    /** The measured error of one comparison. */
    public record Result(double relative, double maxAbs, double refMax, int index, double actual, double expected) {
    }

    public static Result measure(float[] actual, float[] ref) {
        if (actual.length != ref.length) {
            throw new IllegalArgumentException("length " + actual.length + " vs reference " + ref.length);
        }
        double refMax = 0;
        double maxAbs = -1;
        int at = -1;
        for (int i = 0; i < ref.length; i++) {
            refMax = Math.max(refMax, Math.abs((double) ref[i]));
            double d = Math.abs((double) actual[i] - (double) ref[i]);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            if (d > maxAbs) {
                maxAbs = d;
                at = i;
            }
        }
        if (at < 0) {
            return new Result(0, 0, refMax, -1, Double.NaN, Double.NaN);
        }
        return new Result(maxAbs / Math.max(refMax, TINY), maxAbs, refMax, at, actual[at], ref[at]);
    }

    static double check(String caseName, String tensor, int[] actualShape, float[] actual, Npy.Array ref,
            double tol) {
        String label = caseName + "/" + tensor;
        if (!Arrays.equals(actualShape, ref.shape())) {
            fail(label + ": shape " + Arrays.toString(actualShape) + " but reference has "
                    + Arrays.toString(ref.shape()));
        }
        float[] expected = ref.floats();
        if (actual.length != expected.length) {
            fail(label + ": " + actual.length + " elements but reference has " + expected.length);
        }
        Result r = measure(actual, expected);
        String where = r.index() < 0 ? "-" : Arrays.toString(unravel(r.index(), ref.shape()));
        String line = String.format(Locale.ROOT,
                "[parity] %-40s rel %.3e  (max|diff| %.3e at %s: got %.9g, ref %.9g; max|ref| %.3e)%s",
                label, r.relative(), r.maxAbs(), where, r.actual(), r.expected(), r.refMax(),
                r.relative() <= tol ? "" : "  FAIL > " + tol);
        System.out.println(line);
        if (!(r.relative() <= tol)) {
            fail(line);
        }
        return r.relative();
    }

    /** Row-major flat index to a multi-index. */
    public static int[] unravel(int index, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(shape[d], 1);
            idx[d] = index % n;
            index /= n;
        }
        return idx;
    }

    /** Prints and checks a scalar (such as a loss) with the same relative metric. */
    public static double checkScalar(String caseName, String what, double actual, double expected, double tol) {
        return check(caseName, what, new int[] {1}, new float[] {(float) actual},
                new Npy.Array(Path.of(what), "<f4", new int[] {1}, new float[] {(float) expected}, null, null), tol);
    }
}
