package io.github.alexnetjava.backend.cpu.vector;

/** {@link WinogradKernels} in plain Java, one lane at a time (the same arithmetic as the vector version). */
final class ScalarWinograd implements WinogradKernels {
    @Override
    public void inputTile(float[] src, int off, int rowStride, float[] v, int vOff, int vStride) {
        float[] a = new float[16];
        for (int l = 0; l < LANES; l++) {
            for (int r = 0; r < 4; r++) {
                int o = off + r * rowStride + l;
                float d0 = src[o];
                float d1 = src[o + LANES];
                float d2 = src[o + 2 * LANES];
                float d3 = src[o + 3 * LANES];
                // d B: the columns of row r.
                a[4 * r] = d0 - d2;
                a[4 * r + 1] = d1 + d2;
                a[4 * r + 2] = d2 - d1;
                a[4 * r + 3] = d1 - d3;
            }
            for (int s = 0; s < 4; s++) {
                // B^T (d B): the rows of column s.
                float e0 = a[s];
                float e1 = a[4 + s];
                float e2 = a[8 + s];
                float e3 = a[12 + s];
                int d = vOff + s * vStride + l;
                v[d] = e0 - e2;
                v[d + 4 * vStride] = e1 + e2;
                v[d + 8 * vStride] = e2 - e1;
                v[d + 12 * vStride] = e1 - e3;
            }
        }
    }

    @Override
    public void outputTile(float[] m, int mOff, int mStride, float[] out) {
        float[] q = new float[8];
        for (int l = 0; l < LANES; l++) {
            for (int s = 0; s < 4; s++) {
                // A^T m: rows 0 and 1 of column s.
                int b = mOff + s * mStride + l;
                float m0 = m[b];
                float m1 = m[b + 4 * mStride];
                float m2 = m[b + 8 * mStride];
                float m3 = m[b + 12 * mStride];
                q[s] = m0 + m1 + m2;
                q[4 + s] = m1 - m2 - m3;
            }
            // (A^T m) A.
            out[l] = q[0] + q[1] + q[2];
            out[LANES + l] = q[1] - q[2] - q[3];
            out[2 * LANES + l] = q[4] + q[5] + q[6];
            out[3 * LANES + l] = q[5] - q[6] - q[7];
        }
    }

    @Override
    public void gradientTile(float[] src, int off, int rowStride, float[] g, int gOff, int gStride) {
        float[] a = new float[8];
        for (int l = 0; l < LANES; l++) {
            for (int r = 0; r < 2; r++) {
                // e A^T: row r of the 2x2 tile to 4 columns.
                int o = off + r * rowStride + l;
                float e0 = src[o];
                float e1 = src[o + LANES];
                a[4 * r] = e0;
                a[4 * r + 1] = e0 + e1;
                a[4 * r + 2] = e0 - e1;
                a[4 * r + 3] = -e1;
            }
            for (int s = 0; s < 4; s++) {
                // A (e A^T): the two rows of column s to 4 rows.
                float f0 = a[s];
                float f1 = a[4 + s];
                int d = gOff + s * gStride + l;
                g[d] = f0;
                g[d + 4 * gStride] = f0 + f1;
                g[d + 8 * gStride] = f0 - f1;
                g[d + 12 * gStride] = -f1;
            }
        }
    }

    @Override
    public void interleave(float[] src, int off, int[] lanes, int n, float[] dst, int dOff) {
        for (int b = 0; b < LANES; b++) {
            int from = off + lanes[b];
            for (int s = 0; s < n; s++) {
                dst[dOff + s * LANES + b] = src[from + s];
            }
        }
    }
}
