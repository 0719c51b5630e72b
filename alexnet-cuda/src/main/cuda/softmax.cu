// Softmax cross-entropy, one block per row, in double like the CPU backend: rowLoss[i] = logsumexp(z_i) -
// z_i[label_i]; probs (if non-null) = softmax; dlogits (if non-null) = (probs - onehot) / N. The host sums the
// per-row losses in order, so the mean is the CPU's to the last bit of the double sum.
#include "common.cuh"

#define SM_THREADS 256

__device__ double block_reduce(double v, double* sh, bool isMax) {
    sh[threadIdx.x] = v;
    __syncthreads();
    for (int w = SM_THREADS / 2; w > 0; w >>= 1) {
        if (threadIdx.x < w) {
            double a = sh[threadIdx.x], b = sh[threadIdx.x + w];
            sh[threadIdx.x] = isMax ? fmax(a, b) : a + b;
        }
        __syncthreads();
    }
    double r = sh[0];
    __syncthreads();
    return r;
}

extern "C" __global__ void __launch_bounds__(SM_THREADS) softmax_xent(const float* logits, const int* labels,
                                                                      float* probs, float* dlogits, double* rowLoss,
                                                                      int N, int K) {
    __shared__ double sh[SM_THREADS];
    const int i = blockIdx.x;
    const float* z = logits + (long long)i * K;
    double mx = -INFINITY;
    for (int j = threadIdx.x; j < K; j += SM_THREADS) mx = fmax(mx, (double)z[j]);
    mx = block_reduce(mx, sh, true);
    double sum = 0.0;
    for (int j = threadIdx.x; j < K; j += SM_THREADS) sum += exp((double)z[j] - mx);
    sum = block_reduce(sum, sh, false);
    const double logSum = log(sum) + mx;
    const int label = labels[i];
    if (threadIdx.x == 0) rowLoss[i] = logSum - (double)z[label];
    for (int j = threadIdx.x; j < K; j += SM_THREADS) {
        double pj = exp((double)z[j] - logSum);
        if (probs != nullptr) probs[(long long)i * K + j] = (float)pj;
        if (dlogits != nullptr) dlogits[(long long)i * K + j] = (float)((pj - (j == label ? 1.0 : 0.0)) / N);
    }
}
