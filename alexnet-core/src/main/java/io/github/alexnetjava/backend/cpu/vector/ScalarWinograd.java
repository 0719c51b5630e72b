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
    public void inputTile6(float[] src, int off, int rowStride, float[] v, int vOff, int vStride) {
        float[] a = new float[36];
        float[] z = new float[6];
        for (int l = 0; l < LANES; l++) {
            for (int r = 0; r < 6; r++) {
                // d B: row r's six columns.
                int o = off + r * rowStride + l;
                for (int j = 0; j < 6; j++) {
                    z[j] = src[o + j * LANES];
                }
                bt(z, a, 6 * r, 1);
            }
            for (int s = 0; s < 6; s++) {
                // B^T (d B): column s's six rows.
                for (int r = 0; r < 6; r++) {
                    z[r] = a[6 * r + s];
                }
                bt(z, v, vOff + s * vStride + l, 6 * vStride);
            }
        }
    }

    /** {@code out[o + i*stride] = (B^T z)[i]} for F(2x2, 5x5)'s B^T, in the order the vector version uses. */
    static void bt(float[] z, float[] out, int o, int stride) {
        float z0 = z[0];
        float z1 = z[1];
        float z2 = z[2];
        float z3 = z[3];
        float z4 = z[4];
        float z5 = z[5];
        float a = z4 - 4f * z2;
        float b = z3 - 4f * z1;
        float c = z4 - z2;
        float d = 2f * (z3 - z1);
        out[o] = 4f * (z0 - z2) + c;
        out[o + stride] = a + b;
        out[o + 2 * stride] = a - b;
        out[o + 3 * stride] = c + d;
        out[o + 4 * stride] = c - d;
        out[o + 5 * stride] = 4f * (z1 - z3) + (z5 - z3);
    }

    @Override
    public void outputTile6(float[] m, int mOff, int mStride, float[] out) {
        float[] p0 = new float[6];
        float[] p1 = new float[6];
        float[] z = new float[6];
        for (int l = 0; l < LANES; l++) {
            for (int s = 0; s < 6; s++) {
                // A^T m: rows 0 and 1 of column s.
                for (int i = 0; i < 6; i++) {
                    z[i] = m[mOff + (6 * i + s) * mStride + l];
                }
                p0[s] = row0(z);
                p1[s] = row1(z);
            }
            // (A^T m) A.
            out[l] = row0(p0);
            out[LANES + l] = row1(p0);
            out[2 * LANES + l] = row0(p1);
            out[3 * LANES + l] = row1(p1);
        }
    }

    /** Row 0 of F(2x2, 5x5)'s A^T applied to z. */
    private static float row0(float[] z) {
        return (z[0] + (z[1] + z[2])) + (z[3] + z[4]);
    }

    /** Row 1 of F(2x2, 5x5)'s A^T applied to z. */
    private static float row1(float[] z) {
        return ((z[1] - z[2]) + 2f * (z[3] - z[4])) + z[5];
    }

    @Override
    public void gradientTile6(float[] src, int off, int rowStride, float[] g, int gOff, int gStride) {
        float[] a = new float[12];
        for (int l = 0; l < LANES; l++) {
            for (int r = 0; r < 2; r++) {
                // e A^T: row r of the 2x2 tile to 6 columns.
                int o = off + r * rowStride + l;
                gradientRow(src[o], src[o + LANES], a, 6 * r, 1);
            }
            for (int s = 0; s < 6; s++) {
                // A (e A^T): the two rows of column s to 6 rows.
                gradientRow(a[s], a[6 + s], g, gOff + s * gStride + l, 6 * gStride);
            }
        }
    }

    /** {@code out[o + i*stride] = (A [e0 e1]^T)[i]} for F(2x2, 5x5)'s A (the transpose of A^T). */
    private static void gradientRow(float e0, float e1, float[] out, int o, int stride) {
        out[o] = e0;
        out[o + stride] = e0 + e1;
        out[o + 2 * stride] = e0 - e1;
        out[o + 3 * stride] = e0 + 2f * e1;
        out[o + 4 * stride] = e0 - 2f * e1;
        out[o + 5 * stride] = e1;
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
