package io.github.alexnetjava.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

/**
 * Tier 2: cuBLAS SGEMM on the backend's stream. Row-major C = op(A) op(B) is computed as the column-major
 * C^T = op(B)^T op(A)^T, i.e. {@code cublasSgemm(opB, opA, n, m, k, B, A, C)}. Math mode is plain fp32 unless
 * TF32 is asked for.
 */
final class CublasTier implements GemmEngine, AutoCloseable, TierSelector.Described {
    private final cublasHandle handle = new cublasHandle();
    private final boolean tf32;
    private final int version;
    private boolean open;

    CublasTier(CUstream stream, boolean tf32) {
        this.tf32 = tf32;
        JCublas2.setExceptionsEnabled(false); // loads libJCublas2 -> libcublas.so.12
        CudaCheck.cublas(JCublas2.cublasCreate(handle), "cublasCreate");
        open = true;
        try {
            CudaCheck.cublas(JCublas2.cublasSetStream(handle, new cudaStream_t(stream)), "cublasSetStream");
            CudaCheck.cublas(JCublas2.cublasSetMathMode(handle,
                    tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode");
            int[] v = new int[1];
            CudaCheck.cublas(JCublas2.cublasGetVersion(handle, v), "cublasGetVersion");
            version = v[0];
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a, int lda,
                      CUdeviceptr b, int ldb, float beta, CUdeviceptr c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        // cuBLAS rejects leading dimensions smaller than the rows of the column-major view, even when unused.
        CudaCheck.cublas(JCublas2.cublasSgemm(handle, opB, opA, n, m, k, Pointer.to(new float[] {alpha}), b,
                Math.max(ldb, 1), a, Math.max(lda, 1), Pointer.to(new float[] {beta}), c, Math.max(ldc, 1)),
                "cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ")");
    }

    @Override
    public String name() {
        return tf32 ? "cuBLAS (TF32)" : "cuBLAS";
    }

    @Override
    public String describe() {
        return "cuBLAS " + version + ", " + (tf32 ? "TF32 tensor-op math (-D" + CudaConfig.TF32_PROPERTY + "=true)"
                : "fp32 math");
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            JCublas2.cublasDestroy(handle);
        }
    }
}
