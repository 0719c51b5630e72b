package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.cpu.gemm.Sgemm;

import java.util.Arrays;

/**
 * Grouped 2-D convolution as im2col + packed GEMM, per image and group. With at least as many images as workers,
 * each worker takes a fixed contiguous range of images and runs single-threaded GEMMs (no synchronisation
 * inside the op, perfect scaling); with fewer images the GEMM itself is split across the workers.
 * The filter gradient is accumulated per worker and reduced in worker order, so results are deterministic.
 */
final class CpuConvolution {
    private static final int COL = 0;
    private static final int DW = 1;
    private static final int DB = 0;

    private final WorkerPool pool;
    private final Workspace ws;

    CpuConvolution(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 2);
    }

    /** Geometry of one call. */
    private record Geo(int n, int c, int h, int w, int m, int oh, int ow, int groups, int cg, int mg, int kg,
                       Conv2dSpec s) {
        static Geo of(Conv2dSpec s, int[] x) {
            int oh = s.outH(x[2]);
            int ow = s.outW(x[3]);
            int cg = s.inPerGroup();
            return new Geo(x[0], x[1], x[2], x[3], s.outChannels(), oh, ow, s.groups(), cg, s.outPerGroup(),
                    cg * s.kernelH() * s.kernelW(), s);
        }

        int p() {
            return oh * ow;
        }

        void im2col(float[] x, int image, int g, float[] col) {
            Im2col.im2col(x, (image * c + g * cg) * h * w, cg, h, w, s.kernelH(), s.kernelW(), s.strideH(),
                    s.strideW(), s.padH(), s.padW(), oh, ow, col);
        }
    }

    void forward(Conv2dSpec spec, float[] x, int[] xShape, float[] w, float[] bias, float[] y) {
        Geo g = Geo.of(spec, xShape);
        if (g.n >= pool.threads()) {
            pool.parallelFor(g.n, (worker, s, e) -> {
                float[] col = ws.floats(worker, COL, g.kg * g.p());
                for (int i = s; i < e; i++) {
                    forwardImage(g, x, w, bias, y, i, col, null);
                }
            });
        } else {
            float[] col = ws.floats(0, COL, g.kg * g.p());
            for (int i = 0; i < g.n; i++) {
                forwardImage(g, x, w, bias, y, i, col, pool);
            }
        }
    }

    private static void forwardImage(Geo g, float[] x, float[] w, float[] bias, float[] y, int image, float[] col,
            WorkerPool gemmPool) {
        int p = g.p();
        for (int grp = 0; grp < g.groups; grp++) {
            g.im2col(x, image, grp, col);
            int yOff = (image * g.m + grp * g.mg) * p;
            gemm(gemmPool, false, false, g.mg, p, g.kg, w, grp * g.mg * g.kg, g.kg, col, 0, p, 0f, y, yOff, p);
            // The bias is added after the sum, not used as the GEMM's starting value: accumulating a bias of 1
            // through every partial sum costs ~20 roundings at magnitude 1 (measured 2e-6 against PyTorch, enough
            // to move max-pool winners between near-ties).
            if (bias != null) {
                for (int r = 0; r < g.mg; r++) {
                    float b = bias[grp * g.mg + r];
                    int row = yOff + r * p;
                    for (int j = 0; j < p; j++) {
                        y[row + j] += b;
                    }
                }
            }
        }
    }

    void backwardData(Conv2dSpec spec, float[] dy, float[] w, float[] dx, int[] xShape) {
        Geo g = Geo.of(spec, xShape);
        if (g.n >= pool.threads()) {
            pool.parallelFor(g.n, (worker, s, e) -> {
                float[] col = ws.floats(worker, COL, g.kg * g.p());
                for (int i = s; i < e; i++) {
                    backwardDataImage(g, dy, w, dx, i, col, null);
                }
            });
        } else {
            float[] col = ws.floats(0, COL, g.kg * g.p());
            for (int i = 0; i < g.n; i++) {
                backwardDataImage(g, dy, w, dx, i, col, pool);
            }
        }
    }

    private static void backwardDataImage(Geo g, float[] dy, float[] w, float[] dx, int image, float[] col,
            WorkerPool gemmPool) {
        int p = g.p();
        int imageSize = g.c * g.h * g.w;
        Arrays.fill(dx, image * imageSize, (image + 1) * imageSize, 0f);
        Conv2dSpec s = g.s;
        for (int grp = 0; grp < g.groups; grp++) {
            int dyOff = (image * g.m + grp * g.mg) * p;
            // dcol[Kg, P] = W_g^T [Kg, Mg] * dY_g [Mg, P]
            gemm(gemmPool, true, false, g.kg, p, g.mg, w, grp * g.mg * g.kg, g.kg, dy, dyOff, p, 0f, col, 0, p);
            Im2col.col2imAdd(col, g.cg, g.h, g.w, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(),
                    s.padW(), g.oh, g.ow, dx, (image * g.c + grp * g.cg) * g.h * g.w);
        }
    }

    void backwardFilter(Conv2dSpec spec, float[] x, int[] xShape, float[] dy, float[] dw, float[] dbias) {
        Geo g = Geo.of(spec, xShape);
        int wSize = g.m * g.kg;
        int p = g.p();
        if (g.n >= pool.threads()) {
            int workers = pool.threads();
            pool.parallelFor(g.n, (worker, s, e) -> {
                float[] col = ws.floats(worker, COL, g.kg * p);
                float[] acc = worker == 0 ? dw : ws.floats(worker, DW, wSize);
                double[] db = ws.doubles(worker, DB, g.m);
                Arrays.fill(db, 0, g.m, 0.0);
                for (int i = s; i < e; i++) {
                    backwardFilterImage(g, x, dy, acc, i, i == s ? 0f : 1f, col, null);
                    if (dbias != null) {
                        rowSums(dy, i * g.m * p, g.m, p, db);
                    }
                }
            });
            // Fixed-order reduction of the per-worker partial sums.
            int used = Math.min(workers, g.n);
            if (used > 1) {
                pool.parallelFor(wSize, 1024, (worker, s, e) -> {
                    for (int k = 1; k < used; k++) {
                        float[] acc = ws.floats(k, DW, wSize);
                        for (int i = s; i < e; i++) {
                            dw[i] += acc[i];
                        }
                    }
                });
            }
            if (dbias != null) {
                for (int c = 0; c < g.m; c++) {
                    double sum = 0;
                    for (int k = 0; k < used; k++) {
                        sum += ws.doubles(k, DB, g.m)[c];
                    }
                    dbias[c] = (float) sum;
                }
            }
        } else {
            float[] col = ws.floats(0, COL, g.kg * p);
            double[] db = ws.doubles(0, DB, g.m);
            Arrays.fill(db, 0, g.m, 0.0);
            for (int i = 0; i < g.n; i++) {
                backwardFilterImage(g, x, dy, dw, i, i == 0 ? 0f : 1f, col, pool);
                if (dbias != null) {
                    rowSums(dy, i * g.m * p, g.m, p, db);
                }
            }
            if (dbias != null) {
                for (int c = 0; c < g.m; c++) {
                    dbias[c] = (float) db[c];
                }
            }
        }
    }

    private static void backwardFilterImage(Geo g, float[] x, float[] dy, float[] dw, int image, float beta,
            float[] col, WorkerPool gemmPool) {
        int p = g.p();
        for (int grp = 0; grp < g.groups; grp++) {
            g.im2col(x, image, grp, col);
            int dyOff = (image * g.m + grp * g.mg) * p;
            // dW_g[Mg, Kg] (+)= dY_g [Mg, P] * col^T [P, Kg]
            gemm(gemmPool, false, true, g.mg, g.kg, p, dy, dyOff, p, col, 0, p, beta, dw, grp * g.mg * g.kg, g.kg);
        }
    }

    private static void rowSums(float[] a, int off, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            int base = off + r * cols;
            for (int j = 0; j < cols; j++) {
                s += a[base + j];
            }
            out[r] += s;
        }
    }

    private static void gemm(WorkerPool pool, boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (pool == null) {
            Sgemm.sgemm(ta, tb, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            Sgemm.sgemm(pool, ta, tb, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }
}
