package io.github.alexnetjava.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Status checks: every CUDA driver, cuBLAS and cuDNN return code goes through one of these. */
final class CudaCheck {
    private CudaCheck() {
    }

    /** Throws a {@link CudaException} naming {@code call} unless {@code status} is CUDA_SUCCESS. */
    static void driver(int status, String call) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, status, driverName(status));
        }
    }

    static String driverName(int status) {
        String name = CUresult.stringFor(status);
        try {
            String[] desc = new String[1];
            if (JCudaDriver.cuGetErrorString(status, desc) == CUresult.CUDA_SUCCESS && desc[0] != null) {
                return name + ": " + desc[0];
            }
        } catch (Throwable ignored) {
            // the name alone
        }
        return name;
    }

    static void cublas(int status, String call) {
        if (status != jcuda.jcublas.cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call, status, jcuda.jcublas.cublasStatus.stringFor(status));
        }
    }

    static void cudnn(int status, String call) {
        if (status != jcuda.jcudnn.cudnnStatus.CUDNN_STATUS_SUCCESS) {
            // cuDNN 9 renumbered its status codes: ask the loaded library for the name first.
            String name;
            try {
                name = jcuda.jcudnn.JCudnn.cudnnGetErrorString(status);
            } catch (Throwable t) {
                name = null;
            }
            if (name == null || name.isBlank()) {
                name = jcuda.jcudnn.cudnnStatus.stringFor(status);
            }
            throw new CudaException(call, status, name);
        }
    }
}
