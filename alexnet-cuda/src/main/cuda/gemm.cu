// SGEMM on row-major matrices: C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C.
//   op(A)(m,k) = transA ? A[k*lda + m] : A[m*lda + k]
//   op(B)(k,n) = transB ? B[n*ldb + k] : B[k*ldb + n]
// Tiled in shared memory (BM x BK of A, BK x BN of B per step) and register-blocked (each thread owns a TM x TN
// block of C, split into two halves per dimension so shared-memory reads of neighbouring threads are
// contiguous). The next tile is prefetched from global memory into registers while the current one is used.
// Bounds are checked on every load and store, so any M, N, K, leading dimension and alignment works.
// With beta == 0, C is not read (it may hold garbage, even NaN), as BLAS specifies.
//
// Split-K: grid z = S slices of K, each kChunk long. With S == 1 (partial == nullptr) a block writes C itself;
// with S > 1 slice s writes its raw sums to partial[s][M][N] and sgemm_splitk_reduce adds the slices in order
// s = 0..S-1 (deterministic) and applies alpha and beta. Used where M x N has too few tiles to fill the GPU
// (weight gradients with K = batch x positions, fully connected layers at small batch).
#include "common.cuh"

template <int BM, int BN, int BK, int TM, int TN, bool TA, bool TB>
__device__ __forceinline__ void sgemm_tile(int M, int N, int K, float alpha, const float* __restrict__ A, int lda,
                                           const float* __restrict__ B, int ldb, float beta, float* __restrict__ C,
                                           int ldc, int kChunk, float* __restrict__ partial) {
    constexpr int TX = BN / TN;
    constexpr int TY = BM / TM;
    constexpr int THREADS = TX * TY;
    constexpr int LA = BM * BK / THREADS;  // A elements each thread loads per tile
    constexpr int LB = BN * BK / THREADS;
    constexpr int HM = TM / 2;
    constexpr int HN = TN / 2;
    static_assert(BM * BK % THREADS == 0 && BN * BK % THREADS == 0, "tile not divisible by threads");

    __shared__ __align__(16) float As[BK][BM + 4];
    __shared__ __align__(16) float Bs[BK][BN + 4];

    const int t = threadIdx.x;
    const int tx = t % TX;
    const int ty = t / TX;
    const int m0 = blockIdx.y * BM;
    const int n0 = blockIdx.x * BN;
    const int kBegin = blockIdx.z * kChunk;
    const int kEnd = min(K, kBegin + kChunk);

    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = 0.f;

    float ra[LA];
    float rb[LB];

    auto loadA = [&](int k0) {
#pragma unroll
        for (int l = 0; l < LA; l++) {
            int e = t + l * THREADS;
            int row, kk;
            if (TA) { kk = e / BM; row = e % BM; } else { row = e / BK; kk = e % BK; }
            int m = m0 + row, k = k0 + kk;
            float v = 0.f;
            if (m < M && k < kEnd) v = TA ? A[(long long)k * lda + m] : A[(long long)m * lda + k];
            ra[l] = v;
        }
    };
    auto loadB = [&](int k0) {
#pragma unroll
        for (int l = 0; l < LB; l++) {
            int e = t + l * THREADS;
            int col, kk;
            if (TB) { col = e / BK; kk = e % BK; } else { kk = e / BN; col = e % BN; }
            int n = n0 + col, k = k0 + kk;
            float v = 0.f;
            if (n < N && k < kEnd) v = TB ? B[(long long)n * ldb + k] : B[(long long)k * ldb + n];
            rb[l] = v;
        }
    };
    auto storeTiles = [&]() {
#pragma unroll
        for (int l = 0; l < LA; l++) {
            int e = t + l * THREADS;
            int row, kk;
            if (TA) { kk = e / BM; row = e % BM; } else { row = e / BK; kk = e % BK; }
            As[kk][row] = ra[l];
        }
#pragma unroll
        for (int l = 0; l < LB; l++) {
            int e = t + l * THREADS;
            int col, kk;
            if (TB) { col = e / BK; kk = e % BK; } else { kk = e / BN; col = e % BN; }
            Bs[kk][col] = rb[l];
        }
    };

    loadA(kBegin);
    loadB(kBegin);
    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        storeTiles();
        __syncthreads();
        if (k0 + BK < kEnd) {  // prefetch the next tile while this one is multiplied
            loadA(k0 + BK);
            loadB(k0 + BK);
        }
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float a[TM];
            float b[TN];
#pragma unroll
            for (int i = 0; i < HM; i++) {
                a[i] = As[kk][ty * HM + i];
                a[HM + i] = As[kk][BM / 2 + ty * HM + i];
            }
#pragma unroll
            for (int j = 0; j < HN; j++) {
                b[j] = Bs[kk][tx * HN + j];
                b[HN + j] = Bs[kk][BN / 2 + tx * HN + j];
            }
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < TM; i++) {
        int m = m0 + (i < HM ? ty * HM + i : BM / 2 + ty * HM + (i - HM));
        if (m >= M) continue;
#pragma unroll
        for (int j = 0; j < TN; j++) {
            int n = n0 + (j < HN ? tx * HN + j : BN / 2 + tx * HN + (j - HN));
            if (n >= N) continue;
            if (partial != nullptr) {
                partial[((long long)blockIdx.z * M + m) * N + n] = acc[i][j];
                continue;
            }
            float* c = C + (long long)m * ldc + n;
            float v = alpha * acc[i][j];
            if (beta != 0.f) v = fmaf(beta, *c, v);
            *c = v;
        }
    }
}

// 128x128 tiles, 256 threads, 8x8 per thread: the large-problem kernels.
#define SGEMM_BIG(name, TA, TB)                                                                                   \
    extern "C" __global__ void __launch_bounds__(256)                                                          \
        name(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,      \
             float* C, int ldc, int kChunk, float* partial) {                                                     \
        sgemm_tile<128, 128, 8, 8, 8, TA, TB>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, kChunk, partial);     \
    }
// The same, limited to 128 registers so two blocks share a multiprocessor (more warps to hide latency, at the
// price of a few spilled registers): chosen by GemmPlan where it measured faster.
#define SGEMM_BIG2(name, TA, TB)                                                                                  \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                       \
        name(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,      \
             float* C, int ldc, int kChunk, float* partial) {                                                     \
        sgemm_tile<128, 128, 8, 8, 8, TA, TB>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, kChunk, partial);     \
    }
// 64x64 tiles, 64 threads, 8x8 per thread: more blocks for problems too small to fill the GPU with 128x128 tiles.
#define SGEMM_SMALL(name, TA, TB)                                                                                 \
    extern "C" __global__ void __launch_bounds__(64)                                                              \
        name(int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb, float beta,      \
             float* C, int ldc, int kChunk, float* partial) {                                                     \
        sgemm_tile<64, 64, 8, 8, 8, TA, TB>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, kChunk, partial);       \
    }

SGEMM_BIG(sgemm_128_nn, false, false)
SGEMM_BIG(sgemm_128_nt, false, true)
SGEMM_BIG(sgemm_128_tn, true, false)
SGEMM_BIG(sgemm_128_tt, true, true)
SGEMM_BIG2(sgemm_128x2_nn, false, false)
SGEMM_BIG2(sgemm_128x2_nt, false, true)
SGEMM_BIG2(sgemm_128x2_tn, true, false)
SGEMM_BIG2(sgemm_128x2_tt, true, true)
SGEMM_SMALL(sgemm_64_nn, false, false)
SGEMM_SMALL(sgemm_64_nt, false, true)
SGEMM_SMALL(sgemm_64_tn, true, false)
SGEMM_SMALL(sgemm_64_tt, true, true)

// C = alpha * sum_{s=0}^{S-1} partial[s] + beta * C, the slices added in order (C not read when beta == 0).
extern "C" __global__ void sgemm_splitk_reduce(const float* __restrict__ partial, float* __restrict__ C, int M,
                                               int N, int ldc, int S, float alpha, float beta) {
    const long long total = (long long)M * N;
    GRID_STRIDE(idx, total) {
        float acc = 0.f;
        for (int s = 0; s < S; s++) acc += partial[(long long)s * total + idx];
        int m = (int)(idx / N);
        int n = (int)(idx - (long long)m * N);
        float* c = C + (long long)m * ldc + n;
        float v = alpha * acc;
        if (beta != 0.f) v = fmaf(beta, *c, v);
        *c = v;
    }
}
