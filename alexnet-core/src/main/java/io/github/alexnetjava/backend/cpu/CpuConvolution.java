package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.cpu.gemm.PackedA;
import io.github.alexnetjava.backend.cpu.gemm.Sgemm;
import io.github.alexnetjava.backend.cpu.vector.ElementwiseKernels;

import java.util.Arrays;

/**
 * Grouped 2-D convolution. Stride-1 3x3 to 6x6 filters on batches of at least 16 images per worker go to
 * {@link CpuWinograd} where it measured faster (see {@link CpuWinograd#applies}); everything else, as
 * described here, is im2col + packed GEMM. With at least as many images as workers, each worker takes a
 * fixed contiguous range of images and runs single-threaded GEMMs (no synchronisation inside the op); with fewer
 * images the GEMM itself is split across the workers. The filter gradient is accumulated per worker and reduced
 * in worker order, so results are deterministic.
 *
 * <p>The GEMMs are shaped for the micro-kernel and the caches:
 * <ul>
 *   <li>Small images (13x13: 169 output positions, a poor width for a 32-column kernel) are batched: up to
 *       {@code batchCols} output columns of several images side by side in one column matrix, so each weight
 *       panel is packed once per batch and the kernel sees wide B panels. The forward output and the gathered
 *       output gradient then go through a scratch matrix (the bias is added while copying out); the filter
 *       gradient takes the batch as one longer depth.</li>
 *   <li>Large images (conv1: 3025 positions, a 4.4 MB column matrix per image) are cut into tiles of about
 *       {@code tileCols} output positions, each unfolded just before its GEMM, so the column matrix is written and
 *       read in L2 instead of through memory.</li>
 * </ul>
 */
final class CpuConvolution {
    private static final int COL = 0;
    private static final int DW = 1;
    private static final int BUF = 2;
    private static final int DWT = 3;
    private static final int DB = 0;

    /** Default width, in output positions, up to which small images are batched into one GEMM. */
    static final int BATCH_COLS = Integer.getInteger("alexnet.conv.batchCols", 384);
    /** Default im2col tile width for large images (0: no tiling). */
    static final int TILE_COLS = Integer.getInteger("alexnet.conv.tileCols", 1024);
    /** Floats of padding after each row of a filter-gradient tile's column matrix (one cache line). */
    private static final int COL_ROW_PAD = 16;

    private final WorkerPool pool;
    private final Workspace ws;
    private final int batchCols;
    private final int tileCols;
    private final CpuWinograd winograd;
    /** Packed weights, one array per group, reused across calls (the calls of one backend are sequential). */
    private float[][] packBuffers = new float[0][];

    CpuConvolution(WorkerPool pool) {
        this(pool, BATCH_COLS, TILE_COLS);
    }

    /**
     * {@code batchCols}: as many whole images as fit in this many output columns share one GEMM (0 or anything
     * below one image's positions: one image per GEMM); {@code tileCols}: images with more than twice this many
     * output positions are unfolded in tiles of about this width, rounded up to 32 columns (0: never).
     */
    CpuConvolution(WorkerPool pool, int batchCols, int tileCols) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 4);
        this.batchCols = batchCols;
        this.tileCols = tileCols;
        this.winograd = new CpuWinograd(pool);
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

        /** Columns [j0, j1) of image {@code image}, group {@code g} into {@code col[colOff + r*ldc + j - j0]}. */
        void im2col(float[] x, int image, int g, int j0, int j1, float[] col, int colOff, int ldc) {
            Im2col.im2col(x, (image * c + g * cg) * h * w, cg, h, w, s.kernelH(), s.kernelW(), s.strideH(),
                    s.strideW(), s.padH(), s.padW(), oh, ow, j0, j1, col, colOff, ldc);
        }

        /** The column matrices of images {@code [image, image+cnt)} side by side: {@code [Kg, cnt*P]}. */
        void im2colImages(float[] x, int image, int cnt, int g, float[] col) {
            int p = p();
            for (int b = 0; b < cnt; b++) {
                im2col(x, image + b, g, 0, p, col, b * p, cnt * p);
            }
        }

        /** As {@link #im2col}, in the GEMM's packed-B layout ({@link Im2col#im2colStridedPacked}). */
        void im2colPacked(float[] x, int image, int g, int j0, int j1, float[] bp, int nr) {
            Im2col.im2colStridedPacked(x, (image * c + g * cg) * h * w, cg, h, w, s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padH(), s.padW(), ow, j0, j1, bp, nr);
        }

        void col2imAdd(float[] col, int colOff, int ldc, int image, int g, float[] dx) {
            Im2col.col2imAdd(col, colOff, ldc, cg, h, w, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(),
                    s.padH(), s.padW(), oh, ow, dx, (image * c + g * cg) * h * w);
        }
    }

    /** How many images (of {@code available}) one GEMM takes. */
    private int imagesPerGemm(Geo g, int available) {
        return Math.max(1, Math.min(available, batchCols / g.p()));
    }

    /** Tile width for unfolding one image in pieces, or 0 when the image is unfolded whole. */
    private int tileWidth(Geo g) {
        int p = g.p();
        if (tileCols <= 0 || p <= 2 * tileCols) {
            return 0;
        }
        int tiles = (p + tileCols - 1) / tileCols;
        return ((p + tiles - 1) / tiles + 31) / 32 * 32;
    }

    /** Runs {@code body} per worker over its images when there are enough, else on all with a parallel GEMM. */
    private void overImages(Geo g, ImageRange body) {
        if (g.n >= pool.threads()) {
            pool.parallelFor(g.n, (worker, s, e) -> body.run(worker, s, e, null));
        } else {
            body.run(0, 0, g.n, pool);
        }
    }

    @FunctionalInterface
    private interface ImageRange {
        void run(int worker, int start, int end, WorkerPool gemmPool);
    }

    // ----- forward -----

    /**
     * {@code y = conv(x, w) + bias}, rectified ({@code max(., 0)}, as the ReLU layer) when {@code relu}: in the bias
     * pass, while each image's output is still in cache.
     */
    void forward(Conv2dSpec spec, float[] x, int[] xShape, float[] w, float[] bias, float[] y, boolean relu) {
        if (winograd.applies(spec, xShape[0], CpuWinograd.Pass.FORWARD)) {
            winograd.forward(spec, x, xShape, w, bias, y, relu);
            return;
        }
        Geo g = Geo.of(spec, xShape);
        PackedA[] pw = packWeights(g, false, w);
        overImages(g, (worker, s, e, gemmPool) -> forwardRange(g, x, pw, w, bias, y, relu, worker, s, e, gemmPool));
    }

    /**
     * Each group's weights (or, for backward-data, their transpose) packed once for all images' GEMMs, or null
     * when the GEMMs will be split across workers (too few images), which pack their own.
     */
    private PackedA[] packWeights(Geo g, boolean transpose, float[] w) {
        // Read per call so that ConvBench can compare both settings in one JVM.
        if (g.n < pool.threads() || !Boolean.parseBoolean(System.getProperty("alexnet.conv.packWeights", "true"))) {
            return null;
        }
        int m = transpose ? g.kg : g.mg;
        int k = transpose ? g.mg : g.kg;
        int size = Sgemm.packedSize(m, k);
        if (packBuffers.length < g.groups) {
            packBuffers = Arrays.copyOf(packBuffers, g.groups);
        }
        PackedA[] packed = new PackedA[g.groups];
        for (int grp = 0; grp < g.groups; grp++) {
            if (packBuffers[grp] == null || packBuffers[grp].length < size) {
                packBuffers[grp] = new float[size];
            }
            packed[grp] = Sgemm.pack(transpose, m, k, w, grp * g.mg * g.kg, g.kg, packBuffers[grp]);
        }
        return packed;
    }

    private void forwardRange(Geo g, float[] x, PackedA[] pw, float[] w, float[] bias, float[] y, boolean relu,
            int worker, int s, int e, WorkerPool gemmPool) {
        int p = g.p();
        int tile = tileWidth(g);
        if (tile > 0) {
            int nr = Sgemm.packedBWidth();
            boolean packedB = unfoldsPacked(g, tile, pw, gemmPool);
            float[] col = ws.floats(worker, COL, g.kg * (packedB ? (tile + nr - 1) / nr * nr : tile));
            for (int i = s; i < e; i++) {
                for (int grp = 0; grp < g.groups; grp++) {
                    int yOff = (i * g.m + grp * g.mg) * p;
                    for (int j0 = 0; j0 < p; j0 += tile) {
                        int jw = Math.min(tile, p - j0);
                        if (packedB) {
                            g.im2colPacked(x, i, grp, j0, j0 + jw, col, nr);
                            Sgemm.sgemm(pw[grp], col, 0, jw, 1f, 0f, y, yOff + j0, p);
                            continue;
                        }
                        g.im2col(x, i, grp, j0, j0 + jw, col, 0, jw);
                        gemm(gemmPool, pw, grp, false, false, g.mg, jw, g.kg, w, grp * g.mg * g.kg, g.kg, col, 0,
                                jw, 0f, y, yOff + j0, p);
                    }
                    addBias(bias, relu, grp * g.mg, g.mg, y, yOff, p);
                }
            }
            return;
        }
        int nb = imagesPerGemm(g, e - s);
        float[] col = ws.floats(worker, COL, g.kg * nb * p);
        float[] out = nb > 1 ? ws.floats(worker, BUF, g.mg * nb * p) : null;
        for (int i = s; i < e; i += nb) {
            int cnt = Math.min(nb, e - i);
            int ld = cnt * p;
            for (int grp = 0; grp < g.groups; grp++) {
                g.im2colImages(x, i, cnt, grp, col);
                int aOff = grp * g.mg * g.kg;
                if (cnt == 1) {
                    int yOff = (i * g.m + grp * g.mg) * p;
                    gemm(gemmPool, pw, grp, false, false, g.mg, p, g.kg, w, aOff, g.kg, col, 0, p, 0f, y, yOff, p);
                    addBias(bias, relu, grp * g.mg, g.mg, y, yOff, p);
                } else {
                    gemm(gemmPool, pw, grp, false, false, g.mg, ld, g.kg, w, aOff, g.kg, col, 0, ld, 0f, out, 0, ld);
                    for (int b = 0; b < cnt; b++) {
                        int yOff = ((i + b) * g.m + grp * g.mg) * p;
                        for (int r = 0; r < g.mg; r++) {
                            float bv = bias == null ? 0f : bias[grp * g.mg + r];
                            copyAdd(out, r * ld + b * p, bv, bias != null, relu, y, yOff + r * p, p);
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether a forward tile is unfolded straight into the GEMM's packed-B layout ({@link Im2col#packs}: conv1),
     * with the weights packed ahead, a single-threaded GEMM, one packed block deep and wide, and
     * {@code alexnet.conv.im2colPacked} not false (read per call, so benchmarks and tests compare both ways). The
     * same bits either way.
     */
    private static boolean unfoldsPacked(Geo g, int tile, PackedA[] pw, WorkerPool gemmPool) {
        return Im2col.packs(g.s.strideW(), g.s.padH(), g.ow, Sgemm.packedBWidth()) && pw != null
                && gemmPool == null && g.kg <= Sgemm.packedBMaxDepth() && tile <= Sgemm.packedBMaxColumns()
                && Boolean.parseBoolean(System.getProperty("alexnet.conv.im2colPacked", "true"));
    }

    /**
     * The bias is added after the sum, not used as the GEMM's starting value: accumulating a bias of 1 through
     * every partial sum costs ~20 roundings at magnitude 1 (measured 2e-6 against PyTorch, enough to move max-pool
     * winners between near-ties).
     */
    private static void addBias(float[] bias, boolean relu, int b0, int rows, float[] y, int yOff, int p) {
        if (bias == null && !relu) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            float b = bias == null ? 0f : bias[b0 + r];
            int row = yOff + r * p;
            if (relu) {
                // b is 0 without a bias, which changes no result of max(., 0) (see copyAdd).
                for (int j = 0; j < p; j++) {
                    y[row + j] = Math.max(y[row + j] + b, 0f);
                }
            } else {
                for (int j = 0; j < p; j++) {
                    y[row + j] += b;
                }
            }
        }
    }

    /**
     * {@code dst[d..d+len) = src[s..s+len) (+ b)}, rectified when {@code relu}: the same rounding as the in-place
     * bias pass.
     */
    private static void copyAdd(float[] src, int s, float b, boolean add, boolean relu, float[] dst, int d,
            int len) {
        if (relu) {
            // Adding a zero bias changes no result of max(., 0): -0 and +0 both give +0, NaN stays NaN.
            float bb = add ? b : 0f;
            for (int j = 0; j < len; j++) {
                dst[d + j] = Math.max(src[s + j] + bb, 0f);
            }
        } else if (add) {
            for (int j = 0; j < len; j++) {
                dst[d + j] = src[s + j] + b;
            }
        } else {
            System.arraycopy(src, s, dst, d, len);
        }
    }

    /** Rows {@code [g*mg, (g+1)*mg)} of images {@code [i, i+cnt)} of dY side by side: {@code [mg, cnt*p]}. */
    private static void gatherDy(Geo g, float[] dy, int i, int cnt, int grp, float[] dst) {
        int p = g.p();
        int ld = cnt * p;
        for (int b = 0; b < cnt; b++) {
            int src = ((i + b) * g.m + grp * g.mg) * p;
            for (int r = 0; r < g.mg; r++) {
                System.arraycopy(dy, src + r * p, dst, r * ld + b * p, p);
            }
        }
    }

    // ----- backward-data -----

    /**
     * dx = the gradient of conv(x, w) with respect to x (overwritten). With {@code reluOut} not null, x is that
     * in-place ReLU's output and its gradient is applied too, {@code dx = 0} where {@code reluOut <= 0} (or NaN), on
     * each image's dx while it is still in cache.
     */
    void backwardData(Conv2dSpec spec, float[] dy, float[] w, float[] dx, int[] xShape, float[] reluOut) {
        if (winograd.applies(spec, xShape[0], CpuWinograd.Pass.DATA)) {
            winograd.backwardData(spec, dy, w, dx, xShape, reluOut);
            return;
        }
        Geo g = Geo.of(spec, xShape);
        PackedA[] pwt = packWeights(g, true, w);
        overImages(g, (worker, s, e, gemmPool) -> backwardDataRange(g, dy, pwt, w, dx, reluOut, worker, s, e,
                gemmPool));
    }

    private void backwardDataRange(Geo g, float[] dy, PackedA[] pwt, float[] w, float[] dx, float[] reluOut,
            int worker, int s, int e, WorkerPool gemmPool) {
        int p = g.p();
        int imageSize = g.c * g.h * g.w;
        int nb = imagesPerGemm(g, e - s);
        float[] col = ws.floats(worker, COL, g.kg * nb * p);
        float[] dyb = nb > 1 ? ws.floats(worker, BUF, g.mg * nb * p) : null;
        for (int i = s; i < e; i += nb) {
            int cnt = Math.min(nb, e - i);
            int ld = cnt * p;
            Arrays.fill(dx, i * imageSize, (i + cnt) * imageSize, 0f);
            for (int grp = 0; grp < g.groups; grp++) {
                int aOff = grp * g.mg * g.kg;
                // dcol[Kg, cnt*P] = W_g^T [Kg, Mg] * dY_g [Mg, cnt*P]
                if (cnt == 1) {
                    int dyOff = (i * g.m + grp * g.mg) * p;
                    gemm(gemmPool, pwt, grp, true, false, g.kg, p, g.mg, w, aOff, g.kg, dy, dyOff, p, 0f, col, 0, p);
                } else {
                    gatherDy(g, dy, i, cnt, grp, dyb);
                    gemm(gemmPool, pwt, grp, true, false, g.kg, ld, g.mg, w, aOff, g.kg, dyb, 0, ld, 0f, col, 0, ld);
                }
                for (int b = 0; b < cnt; b++) {
                    g.col2imAdd(col, b * p, ld, i + b, grp, dx);
                }
            }
            if (reluOut != null) {
                K.reluBackward(reluOut, dx, dx, i * imageSize, (i + cnt) * imageSize);
            }
        }
    }

    // ----- backward-filter -----

    void backwardFilter(Conv2dSpec spec, float[] x, int[] xShape, float[] dy, float[] dw, float[] dbias) {
        Geo g = Geo.of(spec, xShape);
        if (winograd.applies(spec, xShape[0], CpuWinograd.Pass.FILTER)) {
            winograd.backwardFilter(spec, x, xShape, dy, dw);
            if (dbias != null) {
                biasGradient(g, dy, dbias);
            }
            return;
        }
        int wSize = g.m * g.kg;
        if (g.n >= pool.threads()) {
            int workers = pool.threads();
            pool.parallelFor(g.n, (worker, s, e) -> {
                float[] acc = worker == 0 ? dw : ws.floats(worker, DW, wSize);
                double[] db = ws.doubles(worker, DB, g.m);
                backwardFilterRange(g, x, dy, acc, dbias == null ? null : db, worker, s, e, null);
            });
            // parallelFor gives the first min(workers, n) workers one chunk each.
            int used = Math.min(workers, g.n);
            ws.addPartials(pool, DW, used, dw, wSize);
            if (dbias != null) {
                ws.sumDoubles(DB, used, dbias, g.m);
            }
        } else {
            double[] db = ws.doubles(0, DB, g.m);
            backwardFilterRange(g, x, dy, dw, dbias == null ? null : db, 0, 0, g.n, pool);
            if (dbias != null) {
                ws.sumDoubles(DB, 1, dbias, g.m);
            }
        }
    }

    /** db = the row sums of dY over the batch: per worker in double, then added in worker order. */
    private void biasGradient(Geo g, float[] dy, float[] dbias) {
        int p = g.p();
        pool.parallelFor(g.n, (worker, s, e) -> {
            double[] db = ws.doubles(worker, DB, g.m);
            Arrays.fill(db, 0, g.m, 0.0);
            for (int i = s; i < e; i++) {
                rowSums(dy, i * g.m * p, g.m, p, db);
            }
        });
        ws.sumDoubles(DB, Math.min(pool.threads(), g.n), dbias, g.m);
    }

    /** dW (overwritten) = sum over images [s, e) of dY_i * col_i^T, per group; db (when not null) = row sums of dY. */
    private void backwardFilterRange(Geo g, float[] x, float[] dy, float[] dw, double[] db, int worker, int s,
            int e, WorkerPool gemmPool) {
        int p = g.p();
        if (db != null) {
            Arrays.fill(db, 0, g.m, 0.0);
        }
        int tile = tileWidth(g);
        if (tile > 0) {
            // The GEMM reads the column matrix's rows in place, eight at a time: a padded row stride keeps rows of a
            // 1,024-position tile (4 KiB apart) from sharing L1 sets (FilterGradientBench, Java 17: 34.5 -> 33.8 ms).
            int ld = tile + COL_ROW_PAD;
            float[] col = ws.floats(worker, COL, g.kg * ld);
            float[] dwt = ws.floats(worker, DWT, g.m * g.kg);
            for (int i = s; i < e; i++) {
                for (int grp = 0; grp < g.groups; grp++) {
                    int dyOff = (i * g.m + grp * g.mg) * p;
                    for (int j0 = 0; j0 < p; j0 += tile) {
                        int jw = Math.min(tile, p - j0);
                        g.im2col(x, i, grp, j0, j0 + jw, col, 0, ld);
                        float beta = i == s && j0 == 0 ? 0f : 1f;
                        // dW_g^T[Kg, Mg] (+)= col_tile [Kg, jw] * dY_g[:, tile]^T [jw, Mg] (see transposeInto)
                        gemm(gemmPool, false, true, g.kg, g.mg, jw, col, 0, ld, dy, dyOff + j0, p, beta, dwt,
                                grp * g.mg * g.kg, g.mg);
                    }
                }
                // While this image's dY is still in cache.
                if (db != null) {
                    rowSums(dy, i * g.m * p, g.m, p, db);
                }
            }
            transposeInto(g, dwt, dw, e > s);
            return;
        }
        int nb = imagesPerGemm(g, e - s);
        float[] col = ws.floats(worker, COL, g.kg * nb * p);
        float[] dyb = nb > 1 ? ws.floats(worker, BUF, g.mg * nb * p) : null;
        float[] dwt = ws.floats(worker, DWT, g.m * g.kg);
        for (int i = s; i < e; i += nb) {
            int cnt = Math.min(nb, e - i);
            int ld = cnt * p;
            float beta = i == s ? 0f : 1f;
            for (int grp = 0; grp < g.groups; grp++) {
                g.im2colImages(x, i, cnt, grp, col);
                int wOff = grp * g.mg * g.kg;
                // dW_g^T[Kg, Mg] (+)= col [Kg, cnt*P] * dY_g^T [cnt*P, Mg]
                if (cnt == 1) {
                    int dyOff = (i * g.m + grp * g.mg) * p;
                    gemm(gemmPool, false, true, g.kg, g.mg, p, col, 0, p, dy, dyOff, p, beta, dwt, wOff, g.mg);
                } else {
                    gatherDy(g, dy, i, cnt, grp, dyb);
                    gemm(gemmPool, false, true, g.kg, g.mg, ld, col, 0, ld, dyb, 0, ld, beta, dwt, wOff, g.mg);
                }
            }
            if (db != null) {
                for (int b = 0; b < cnt; b++) {
                    rowSums(dy, (i + b) * g.m * p, g.m, p, db);
                }
            }
        }
        transposeInto(g, dwt, dw, e > s);
    }

    /**
     * The filter gradient is accumulated transposed, {@code dW^T = col * dY^T}: the column matrix is then the
     * GEMM's A, packed by rows (cheap), and only dY, the smaller operand, is packed transposed (ConvBench conv1:
     * 50.4 -> 47.7 ms). This writes {@code dw[g][r][c] = dwt[g][c][r]} (when the worker had images).
     */
    private static void transposeInto(Geo g, float[] dwt, float[] dw, boolean any) {
        if (!any) {
            return;
        }
        for (int grp = 0; grp < g.groups; grp++) {
            int off = grp * g.mg * g.kg;
            for (int r = 0; r < g.mg; r++) {
                for (int c = 0; c < g.kg; c++) {
                    dw[off + r * g.kg + c] = dwt[off + c * g.mg + r];
                }
            }
        }
    }

    /**
     * {@code out[r] += sum of row r}. The row sum runs in vector lanes: a plain float loop is one dependent add
     * per element, which made conv1's bias gradient (12M elements per batch of 64) cost 14 ms.
     */
    private static void rowSums(float[] a, int off, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            out[r] += K.sum(a, off + r * cols, cols);
        }
    }

    private static final ElementwiseKernels K = ElementwiseKernels.get();

    /** A GEMM whose A is group {@code grp}'s weights: from {@code packed} when the weights were packed ahead. */
    private static void gemm(WorkerPool pool, PackedA[] packed, int grp, boolean ta, boolean tb, int m, int n, int k,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (packed != null && pool == null) {
            Sgemm.sgemm(packed[grp], tb, n, 1f, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            gemm(pool, ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
