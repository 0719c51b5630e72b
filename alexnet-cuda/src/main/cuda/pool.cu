// Max pooling (io.github.alexnetjava.backend.PoolSpec): windows clipped to the input, floor output size. Forward
// propagates NaN like Java's Math.max. Backward routes each dy to the FIRST maximum of its window in row-major
// order (the first NaN for a NaN output), exactly as the CPU backend; it is written as a gather (one thread per
// input element visits the windows that contain it, in the CPU's order), so there are no atomics and the sums
// are bit-identical to the CPU's.
#include "common.cuh"

extern "C" __global__ void maxpool_forward(const float* x, float* y, long long planes, int H, int W, int Ho,
                                           int Wo, int k, int s, int pad) {
    const long long total = planes * Ho * Wo;
    GRID_STRIDE(idx, total) {
        int ox = (int)(idx % Wo);
        int oy = (int)((idx / Wo) % Ho);
        long long pl = idx / ((long long)Wo * Ho);
        const float* in = x + pl * H * W;
        int r0 = max(oy * s - pad, 0), r1 = min(oy * s - pad + k, H);
        int c0 = max(ox * s - pad, 0), c1 = min(ox * s - pad + k, W);
        float m = in[r0 * W + c0];
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++) {
                float v = in[r * W + c];
                if (v > m || v != v) m = (m != m) ? m : v;
            }
        y[idx] = m;
    }
}

extern "C" __global__ void maxpool_backward(const float* x, const float* y, const float* dy, float* dx,
                                            long long planes, int H, int W, int Ho, int Wo, int k, int s, int pad) {
    const long long total = planes * H * W;
    GRID_STRIDE(idx, total) {
        int ix = (int)(idx % W);
        int iy = (int)((idx / W) % H);
        long long pl = idx / ((long long)W * H);
        const float* in = x + pl * H * W;
        const float* yo = y + pl * Ho * Wo;
        const float* dyo = dy + pl * Ho * Wo;
        int numY = iy + pad - k + 1;
        int oyLo = numY > 0 ? (numY + s - 1) / s : 0;
        int oyHi = min((iy + pad) / s, Ho - 1);
        int numX = ix + pad - k + 1;
        int oxLo = numX > 0 ? (numX + s - 1) / s : 0;
        int oxHi = min((ix + pad) / s, Wo - 1);
        float acc = 0.f;
        for (int oy = oyLo; oy <= oyHi; oy++) {
            int r0 = max(oy * s - pad, 0), r1 = min(oy * s - pad + k, H);
            for (int ox = oxLo; ox <= oxHi; ox++) {
                int c0 = max(ox * s - pad, 0), c1 = min(ox * s - pad + k, W);
                float m = yo[oy * Wo + ox];
                bool nan = m != m;
                int first = -1;
                for (int r = r0; r < r1 && first < 0; r++)
                    for (int c = c0; c < c1; c++) {
                        float v = in[r * W + c];
                        if (v == m || (nan && v != v)) {
                            first = r * W + c;
                            break;
                        }
                    }
                if (first == iy * W + ix) acc += dyo[oy * Wo + ox];
            }
        }
        dx[idx] = acc;
    }
}
