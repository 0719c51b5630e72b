package io.github.alexnetjava.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/** The allocator's driver calls: cuMemAlloc / cuMemFree / cuMemGetInfo / cuStreamSynchronize. */
final class DeviceMemory implements CachingAllocator.Device<CUdeviceptr> {
    private final CUstream stream;

    DeviceMemory(CUstream stream) {
        this.stream = stream;
    }

    @Override
    public CUdeviceptr malloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        int rc = JCudaDriver.cuMemAlloc(p, bytes);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return null;
        }
        CudaCheck.driver(rc, "cuMemAlloc(" + bytes + " bytes)");
        return p;
    }

    @Override
    public void free(CUdeviceptr ptr) {
        CudaCheck.driver(JCudaDriver.cuMemFree(ptr), "cuMemFree");
    }

    @Override
    public long[] memInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        return JCudaDriver.cuMemGetInfo(free, total) == CUresult.CUDA_SUCCESS ? new long[] {free[0], total[0]} : null;
    }

    @Override
    public void synchronize() {
        CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }
}
