package io.github.alexnetjava.backend.cpu.gemm;

import io.github.alexnetjava.backend.cpu.WorkerPool;

/** Placeholder-free simple SGEMM used until the packed kernel lands (same contract). */
public final class Sgemm {
    private Sgemm() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bOff + j * ldb + p];
                    }
                } else {
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        }
    }

    public static void sgemm(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        pool.parallelFor(m, (w, s, e) -> sgemm(transA, transB, e - s, n, k, alpha, a,
                transA ? aOff + s : aOff + s * lda, lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc));
    }
}
