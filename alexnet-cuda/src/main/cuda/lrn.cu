// Cross-channel local response normalisation within channel groups (io.github.alexnetjava.backend.LrnSpec):
//   scale_c = k + alpha' * sum_{j in [c+lo, c+hi] within the group} x_j^2,   y_c = x_c * scale_c^-beta
// alpha' is the effective coefficient (alpha, or alpha/size for the Caffe/PyTorch convention), chosen on the
// host. beta == 0.75 uses 1/(sqrt(s)*sqrt(sqrt(s))) like the CPU backend. One thread per element; the window is
// summed directly (at most `size` terms).
#include "common.cuh"

__device__ __forceinline__ float pow_neg_beta(float s, float beta, int threeQuarters) {
    if (threeQuarters) {
        float r = sqrtf(s);
        return 1.f / (r * sqrtf(r));
    }
    return powf(s, -beta);
}

// writeY == 0: only the scale (the cuDNN tier computes y itself but the SPI also returns the scale).
extern "C" __global__ void lrn_forward(const float* x, float* y, float* scale, int N, int C, int groups,
                                       int plane, int lo, int hi, float k, float alpha, float beta,
                                       int threeQuarters, int writeY) {
    const int Cg = C / groups;
    const long long total = (long long)N * C * plane;
    GRID_STRIDE(idx, total) {
        int p = (int)(idx % plane);
        int c = (int)((idx / plane) % C);
        long long n = idx / ((long long)plane * C);
        int g0 = (c / Cg) * Cg;
        int cl = c - g0;
        int j0 = max(cl + lo, 0);
        int j1 = min(cl + hi, Cg - 1);
        const float* base = x + (n * C + g0) * plane + p;
        float sum = 0.f;
        for (int j = j0; j <= j1; j++) {
            float v = base[(long long)j * plane];
            sum += v * v;
        }
        float s = k + alpha * sum;
        scale[idx] = s;
        if (writeY) y[idx] = x[idx] * pow_neg_beta(s, beta, threeQuarters);
    }
}

// dx_c = dy_c * scale_c^-beta - 2*alpha'*beta * x_c * sum_{j : c in window(j)} dy_j * y_j / scale_j,
// j in [c - hi, c - lo] within the group. coef = 2*alpha'*beta.
extern "C" __global__ void lrn_backward(const float* x, const float* y, const float* scale, const float* dy,
                                        float* dx, int N, int C, int groups, int plane, int lo, int hi, float coef,
                                        float beta, int threeQuarters) {
    const int Cg = C / groups;
    const long long total = (long long)N * C * plane;
    GRID_STRIDE(idx, total) {
        int p = (int)(idx % plane);
        int c = (int)((idx / plane) % C);
        long long n = idx / ((long long)plane * C);
        int g0 = (c / Cg) * Cg;
        int cl = c - g0;
        int j0 = max(cl - hi, 0);
        int j1 = min(cl - lo, Cg - 1);
        long long off = (n * C + g0) * plane + p;
        float sum = 0.f;
        for (int j = j0; j <= j1; j++) {
            long long e = off + (long long)j * plane;
            sum += dy[e] * y[e] / scale[e];
        }
        dx[idx] = dy[idx] * pow_neg_beta(scale[idx], beta, threeQuarters) - coef * x[idx] * sum;
    }
}
