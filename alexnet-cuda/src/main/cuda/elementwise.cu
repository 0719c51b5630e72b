// Element-wise kernels, bias, SGD, dropout and the finiteness reduction. Where the CPU backend's float expression
// is short, the same operations are written with round-to-nearest intrinsics (no fused multiply-add
// contraction) so results are bit-identical to the Java code: axpy, SGD, dropout.
#include "common.cuh"

extern "C" __global__ void fill_f32(float* p, float v, long long n) {
    GRID_STRIDE(i, n) p[i] = v;
}

// y += alpha * x  (Java: y[i] += alpha * x[i])
extern "C" __global__ void axpy_f32(float alpha, const float* x, float* y, long long n) {
    GRID_STRIDE(i, n) y[i] = __fadd_rn(y[i], __fmul_rn(alpha, x[i]));
}

// y = Math.max(x, 0f): NaN propagates, -0 becomes +0.
extern "C" __global__ void relu_forward(const float* x, float* y, long long n) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        y[i] = (v != v) ? v : (v > 0.f ? v : 0.f);
    }
}

extern "C" __global__ void relu_backward(const float* y, const float* dy, float* dx, long long n) {
    GRID_STRIDE(i, n) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}

// y[n, c, p] += bias[c] for a tensor of `total` elements with `channels` channels and `plane` positions each.
extern "C" __global__ void bias_add(float* y, const float* bias, long long total, int channels, int plane) {
    GRID_STRIDE(i, total) y[i] += bias[(i / plane) % channels];
}

// dbias[c] = sum over images and positions of dy[n, c, p]. One block per channel; per-thread partial sums in
// double and a fixed-order tree reduction, so the result is deterministic.
extern "C" __global__ void __launch_bounds__(256) bias_grad(const float* dy, float* db, int images, int channels,
                                                            int plane) {
    __shared__ double part[256];
    const int c = blockIdx.x;
    double s = 0.0;
    const long long per = (long long)images * plane;
    for (long long e = threadIdx.x; e < per; e += blockDim.x) {
        long long n = e / plane;
        long long p = e - n * plane;
        s += dy[(n * channels + c) * plane + p];
    }
    part[threadIdx.x] = s;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
        if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) db[c] = (float)part[0];
}

// CounterRng (io.github.alexnetjava.random.CounterRng), bit for bit: SplitMix64's finaliser on a Weyl sequence.
__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ float counter_uniform(unsigned long long stream, unsigned long long index) {
    unsigned long long bits = mix64(stream + 0x9E3779B97F4A7C15ULL * (index + 1ULL));
    return __fmul_rn((float)(bits >> 40), 5.9604644775390625e-8f);  // * 2^-24, exact
}

// Inverted dropout: y = uniform(stream, i) >= p ? x * scale : 0, with scale = 1 / (1 - p) computed by the caller
// in float exactly as the CPU backend does. Forward and backward use the same mask.
extern "C" __global__ void dropout_f32(const float* x, float* y, long long n, float p, float scale,
                                       unsigned long long stream) {
    GRID_STRIDE(i, n) y[i] = counter_uniform(stream, (unsigned long long)i) >= p ? __fmul_rn(x[i], scale) : 0.f;
}

// The paper's update, in the CPU backend's float order: v = ((m*v) - (decay*w)) - (lr*g); w = w + v.
extern "C" __global__ void sgd_update(float* w, const float* g, float* v, long long n, float lr, float momentum,
                                      float decay) {
    GRID_STRIDE(i, n) {
        float vi = __fsub_rn(__fsub_rn(__fmul_rn(momentum, v[i]), __fmul_rn(decay, w[i])), __fmul_rn(lr, g[i]));
        v[i] = vi;
        w[i] = __fadd_rn(w[i], vi);
    }
}

// flag[0] = 1 if any element is NaN or infinite (the caller zeroes the flag first; every writer writes 1).
extern "C" __global__ void all_finite(const float* x, long long n, int* flag) {
    GRID_STRIDE(i, n) {
        if (!isfinite(x[i])) flag[0] = 1;
    }
}
