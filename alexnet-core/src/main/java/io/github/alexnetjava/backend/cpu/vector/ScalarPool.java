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

    @Override
    public int blockColumns() {
        return LANES;
    }

    @Override
    public void blockMax3x3(float[] x, int r, int w, float[] out, int outOff) {
        for (int c = 0; c < LANES; c++) {
            int o = r + c;
            out[outOff + c] = Math.max(Math.max(rowMax(x, o), rowMax(x, o + w)), rowMax(x, o + 2 * w));
        }
    }

    @Override
    public void blockFirstMax3x3(float[] x, int r, int w, float[] at, int atOff) {
        for (int c = 0; c < LANES; c++) {
            float best = x[r + c];
            int where = 0;
            for (int t = 1; t < 9; t++) {
                int o = blockOffset(t, w);
                if (x[r + c + o] > best) {
                    best = x[r + c + o];
                    where = o;
                }
            }
            at[atOff + c] = where;
        }
    }

    /** Position t (0..8, row-major) of a 3x3 block as an offset from its top-left corner. */
    static int blockOffset(int t, int w) {
        return t < 3 ? t : t < 6 ? w + t - 3 : 2 * w + t - 6;
    }

    private static float rowMax(float[] x, int o) {
        return Math.max(Math.max(x[o], x[o + 1]), x[o + 2]);
    }
}
