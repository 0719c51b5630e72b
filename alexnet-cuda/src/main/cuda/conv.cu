// Convolution by im2col + GEMM over a chunk of B images and one channel group at a time:
//   col[K, B*P] with K = Cg*kh*kw and P = Ho*Wo, column index b*P + p, row index (c*kh + i)*kw + j;
//   forward:          tmp[Mg, B*P] = W_g[Mg, K] * col      then scatter_output (adds the bias) into y (NCHW)
//   backward data:    dcol = W_g^T * gather(dy)            then col2im (a gather: no atomics, deterministic)
//   backward filter:  dW_g += gather(dy) * col^T
#include "common.cuh"

extern "C" __global__ void im2col_batched(const float* x, float* col, int C, int H, int W, int cBase, int Cg,
                                          int kh, int kw, int sh, int sw, int ph, int pw, int Ho, int Wo, int n0,
                                          int B) {
    const long long P = (long long)Ho * Wo;
    const long long cols = (long long)B * P;
    const long long total = (long long)Cg * kh * kw * cols;
    GRID_STRIDE(idx, total) {
        long long r = idx / cols;
        long long q = idx - r * cols;
        int b = (int)(q / P);
        int p = (int)(q - (long long)b * P);
        int j = (int)(r % kw);
        int i = (int)((r / kw) % kh);
        int c = (int)(r / ((long long)kw * kh));
        int oy = p / Wo;
        int ox = p - oy * Wo;
        int iy = oy * sh - ph + i;
        int ix = ox * sw - pw + j;
        float v = 0.f;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
            v = x[(((long long)(n0 + b) * C + cBase + c) * H + iy) * W + ix];
        }
        col[idx] = v;
    }
}

// dx[n0+b, cBase+c, iy, ix] = sum of the col entries that im2col read from that position (overwrites dx).
extern "C" __global__ void col2im_batched(const float* col, float* dx, int C, int H, int W, int cBase, int Cg,
                                          int kh, int kw, int sh, int sw, int ph, int pw, int Ho, int Wo, int n0,
                                          int B) {
    const long long P = (long long)Ho * Wo;
    const long long cols = (long long)B * P;
    const long long total = (long long)B * Cg * H * W;
    GRID_STRIDE(idx, total) {
        int ix = (int)(idx % W);
        int iy = (int)((idx / W) % H);
        int c = (int)((idx / ((long long)W * H)) % Cg);
        int b = (int)(idx / ((long long)W * H * Cg));
        float s = 0.f;
        for (int i = 0; i < kh; i++) {
            int ty = iy + ph - i;
            if (ty < 0 || ty % sh != 0) continue;
            int oy = ty / sh;
            if (oy >= Ho) continue;
            for (int j = 0; j < kw; j++) {
                int tx = ix + pw - j;
                if (tx < 0 || tx % sw != 0) continue;
                int ox = tx / sw;
                if (ox >= Wo) continue;
                long long r = ((long long)c * kh + i) * kw + j;
                s += col[r * cols + (long long)b * P + (long long)oy * Wo + ox];
            }
        }
        dx[(((long long)(n0 + b) * C + cBase + c) * H + iy) * W + ix] = s;
    }
}

// y[n0+b, mBase+m, p] = tmp[m, b*P + p] + bias[mBase+m] (bias may be null): the sum first, then the bias, as on
// the CPU.
extern "C" __global__ void scatter_output(const float* tmp, float* y, const float* bias, int M, int mBase, int Mg,
                                          int P, int n0, int B) {
    const long long cols = (long long)B * P;
    const long long total = (long long)Mg * cols;
    GRID_STRIDE(idx, total) {
        int m = (int)(idx / cols);
        long long q = idx - (long long)m * cols;
        int b = (int)(q / P);
        int p = (int)(q - (long long)b * P);
        float v = tmp[idx];
        if (bias != nullptr) v += bias[mBase + m];
        y[((long long)(n0 + b) * M + mBase + m) * P + p] = v;
    }
}

// tmp[m, b*P + p] = dy[n0+b, mBase+m, p]: the inverse of scatter_output without the bias.
extern "C" __global__ void gather_output(const float* dy, float* tmp, int M, int mBase, int Mg, int P, int n0,
                                         int B) {
    const long long cols = (long long)B * P;
    const long long total = (long long)Mg * cols;
    GRID_STRIDE(idx, total) {
        int m = (int)(idx / cols);
        long long q = idx - (long long)m * cols;
        int b = (int)(q / P);
        int p = (int)(q - (long long)b * P);
        tmp[idx] = dy[((long long)(n0 + b) * M + mBase + m) * P + p];
    }
}
