// Shared helpers of the alexnet-java CUDA kernels. Every kernel is extern "C" so the Java side finds it by its
// plain name (cuModuleGetFunction). Element counts are 64-bit and loops are grid-stride, so any launch size works.
#pragma once
#include <stdint.h>

#define GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long)blockDim.x * gridDim.x)
