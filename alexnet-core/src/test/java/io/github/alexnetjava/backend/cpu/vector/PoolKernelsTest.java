package io.github.alexnetjava.backend.cpu.vector;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link PoolKernels#firstMax} against a plain scan written here (first strictly greater value wins), for the
 * scalar kernel and, where the Vector API is on, the vector kernel: windows of 1 to 9 positions over values with
 * many ties, signed zeros and negatives.
 */
class PoolKernelsTest {
    private static final int LANES = PoolKernels.LANES;

    @Test
    void scalarFindsTheFirstMaximum() {
        check(new ScalarPool());
    }

    @Test
    void vectorFindsTheFirstMaximum() {
        assumeTrue(VectorSupport.enabled(), "Vector API not loaded: " + VectorSupport.description());
        check(new VectorPool());
    }

    private static void check(PoolKernels k) {
        SplittableRandom r = new SplittableRandom(5);
        float[] values = {-1f, -0f, 0f, 1f, 2f};
        int positions = 25;
        float[] xi = new float[positions * LANES];
        for (int trial = 0; trial < 200; trial++) {
            for (int i = 0; i < xi.length; i++) {
                xi[i] = values[r.nextInt(values.length)];
            }
            int n = 1 + r.nextInt(9);
            int[] pos = new int[n];
            for (int t = 0; t < n; t++) {
                pos[t] = r.nextInt(positions) * LANES;
            }
            float[] want = new float[LANES];
            for (int l = 0; l < LANES; l++) {
                int at = pos[0];
                for (int t = 1; t < n; t++) {
                    if (xi[pos[t] + l] > xi[at + l]) {
                        at = pos[t];
                    }
                }
                want[l] = at;
            }
            int atOff = trial % 3;
            float[] got = new float[atOff + LANES];
            k.firstMax(xi, pos, n, got, atOff);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(got, atOff, atOff + LANES),
                    k.getClass().getSimpleName() + ", trial " + trial);
        }
    }
}
