package io.github.alexnetjava.backend.cpu.vector;

/** {@link PoolKernels} in plain Java, one lane at a time (the same comparisons as the vector version). */
final class ScalarPool implements PoolKernels {
    @Override
    public void firstMax(float[] xi, int[] pos, int n, float[] at, int atOff) {
        for (int l = 0; l < LANES; l++) {
            float best = xi[pos[0] + l];
            int where = pos[0];
            for (int t = 1; t < n; t++) {
                float v = xi[pos[t] + l];
                if (v > best) {
                    best = v;
                    where = pos[t];
                }
            }
            at[atOff + l] = where;
        }
    }
}
