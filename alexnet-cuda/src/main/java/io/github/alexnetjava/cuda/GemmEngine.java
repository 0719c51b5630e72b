package io.github.alexnetjava.cuda;

import jcuda.driver.CUdeviceptr;

/** Row-major SGEMM on device pointers: {@code C = alpha * op(A) * op(B) + beta * C}. */
interface GemmEngine {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a, int lda,
               CUdeviceptr b, int ldb, float beta, CUdeviceptr c, int ldc);

    String name();
}
