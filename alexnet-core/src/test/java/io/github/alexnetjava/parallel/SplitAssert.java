package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparison and data helpers of the model-parallel tests. */
final class SplitAssert {
    static final double TOL = 1e-4;

    private SplitAssert() {
    }

    /** max|a - e| / max|e| (0 when both are all zero). */
    static double relError(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        double e = relError(expected, actual);
        assertTrue(e <= TOL, what + ": relative error " + e + " > " + TOL);
    }

    static Tensor randomImages(Backend b, int n, int[] shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int size = n;
        for (int s : shape) {
            size *= s;
        }
        float[] v = new float[size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return b.fromArray(v, n, shape[0], shape[1], shape[2]);
    }

    static int[] randomLabels(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(classes);
        }
        return l;
    }
}
