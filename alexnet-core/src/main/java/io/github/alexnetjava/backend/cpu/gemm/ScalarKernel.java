package io.github.alexnetjava.backend.cpu.gemm;

/** The plain-Java 4x8 micro-kernel used when the Vector API is not available (generated code, fully unrolled). */
final class ScalarKernel extends MicroKernel {
    ScalarKernel() {
        super(4, 8, 0, "scalar 4x8");
    }

    @Override
    void run(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c04 = 0f, c05 = 0f, c06 = 0f, c07 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c14 = 0f, c15 = 0f, c16 = 0f, c17 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c24 = 0f, c25 = 0f, c26 = 0f, c27 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        float c34 = 0f, c35 = 0f, c36 = 0f, c37 = 0f;
        int pa = ai;
        int pb = bi;
        for (int p = 0; p < kc; p++) {
            float b0 = b[pb + 0]; float b1 = b[pb + 1]; float b2 = b[pb + 2]; float b3 = b[pb + 3];
            float b4 = b[pb + 4]; float b5 = b[pb + 5]; float b6 = b[pb + 6]; float b7 = b[pb + 7];
            float a0 = a[pa + 0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
            float a1 = a[pa + 1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
            float a2 = a[pa + 2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
            float a3 = a[pa + 3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
            pa += 4;
            pb += 8;
        }
        int r0 = ci + 0 * ldc;
        c[r0 + 0] = c00;
        c[r0 + 1] = c01;
        c[r0 + 2] = c02;
        c[r0 + 3] = c03;
        c[r0 + 4] = c04;
        c[r0 + 5] = c05;
        c[r0 + 6] = c06;
        c[r0 + 7] = c07;
        int r1 = ci + 1 * ldc;
        c[r1 + 0] = c10;
        c[r1 + 1] = c11;
        c[r1 + 2] = c12;
        c[r1 + 3] = c13;
        c[r1 + 4] = c14;
        c[r1 + 5] = c15;
        c[r1 + 6] = c16;
        c[r1 + 7] = c17;
        int r2 = ci + 2 * ldc;
        c[r2 + 0] = c20;
        c[r2 + 1] = c21;
        c[r2 + 2] = c22;
        c[r2 + 3] = c23;
        c[r2 + 4] = c24;
        c[r2 + 5] = c25;
        c[r2 + 6] = c26;
        c[r2 + 7] = c27;
        int r3 = ci + 3 * ldc;
        c[r3 + 0] = c30;
        c[r3 + 1] = c31;
        c[r3 + 2] = c32;
        c[r3 + 3] = c33;
        c[r3 + 4] = c34;
        c[r3 + 5] = c35;
        c[r3 + 6] = c36;
        c[r3 + 7] = c37;
    }
}
