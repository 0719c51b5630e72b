package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.cpu.gemm.PackedA;
import io.github.alexnetjava.backend.cpu.gemm.Sgemm;
import io.github.alexnetjava.backend.cpu.vector.WinogradKernels;

import java.util.Arrays;

/**
 * Stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): each 2x2 output tile comes from a 4x4 input tile in 16 multiplies per
 * input channel instead of 36. The 16 products of a tile become 16 independent GEMMs over channels,
 * {@code M[xi] (out x tiles) = U[xi] (out x in) * V[xi] (in x tiles)}, with
 * <ul>
 *   <li>{@code U = G g G^T}: each filter's transform, computed once per call (in double, then rounded) and packed
 *       for the GEMM;</li>
 *   <li>{@code V = B^T d B}: each input tile's transform, additions only;</li>
 *   <li>{@code y = A^T M A}: the output transform, additions only, with the bias added afterwards as in the
 *       im2col path.</li>
 * </ul>
 * A 3x3 filter needs 2.25x fewer multiply-adds than the direct convolution (1.9x after the tile padding of a
 * 13x13 output). A 5x5 filter (conv2) goes by F(2x2, 5x5): 6x6 input tiles, 36 products (GEMMs) per 2x2 output
 * tile instead of 100 multiplies, the same 2x2 output tiling and the same steps with 6x6 transforms (see
 * {@link WinogradKernels} for its matrices). Other filters up to 6x6, and 5x5 ones when
 * {@code alexnet.conv.winograd5} is false, are split into 3x3 pieces of a zero-padded filter, each piece reading the
 * input shifted by 3: the pieces are extra rows of the GEMMs' depth, so a 5x5 filter costs 4 x 16 = 64 multiplies
 * per tile, with the arithmetic (and rounding) of F(2x2, 3x3). The backward-data pass of a stride-1 convolution is
 * itself one: dY convolved with the filters rotated by 180 degrees, input and output channels swapped, and padding
 * {@code k - 1 - pad}.
 *
 * <p>The transforms run over {@link WinogradKernels#LANES} images at once (images innermost), as vector
 * arithmetic. Rounding differs from the direct sum: F(2x2, 3x3)'s transforms add and subtract up to four values
 * before and after the products; F(2x2, 5x5)'s input transform has coefficients up to 5 and rounds more (errors
 * measured against a double reference in {@code CpuWinogradTest}: up to 36x the im2col path's, below 2e-6 of
 * the terms' magnitudes at conv2's shape). Deterministic: every worker takes a fixed range of images and every GEMM
 * runs single-threaded, so the thread count does not change the bits.
 */
final class CpuWinograd {
    private static final int V = 0;
    private static final int M = 1;
    private static final int XT = 2;
    private static final int OUT = 3;
    private static final int DYT = 4;
    private static final int DW = 5;
    /**
     * Widest column matrix (tile positions times images) one forward or backward-data GEMM takes: narrow blocks keep
     * V and M in L2 (network, Java 17, batch 128, forward with 64 against 224 columns: conv3 72 -> 63 ms, conv4
     * 58 -> 51, conv5 39 -> 35, conv2 89-98 -> 86-88; backward conv3 164-167 -> 153-158).
     */
    private static final int MAX_COLS = Integer.getInteger("alexnet.conv.winogradCols", 64);
    /**
     * The same for the filter gradient's GEMMs, whose depth is the columns: longer sums per C merge (conv2's
     * filter gradient, ConvBench batch 128: 131-139 ms with 224 columns, 148 with 64).
     */
    private static final int MAX_FILTER_COLS = Integer.getInteger("alexnet.conv.winogradFilterCols", 224);
    private static final WinogradKernels K = WinogradKernels.get();
    /** Fewest output channels per group (GEMM rows) this path takes. */
    static final int MIN_ROWS = Integer.getInteger("alexnet.conv.winogradMinRows", 64);
    /**
     * Fewest GEMM rows and fewest channels of depth F(2x2, 5x5) takes: AlexNet's conv2 has 48 to 128 of each in its
     * three passes (all measured faster); a small network's first layer (one input channel) would leave the 36
     * GEMMs with a depth of 1.
     */
    static final int F25_MIN = 32;

    private final WorkerPool pool;
    private final Workspace ws;
    /** Transformed filters, then packed: [group*16 + xi]; arrays reused across calls (calls are sequential). */
    private float[][] uBuffers = new float[0][];
    private float[] uTemp = new float[0];

    CpuWinograd(WorkerPool pool) {
        this.pool = pool;
        this.ws = new Workspace(pool.threads(), 6);
    }

    /** The three passes of a convolution. */
    enum Pass { FORWARD, DATA, FILTER }

    /**
     * Whether this path takes a pass of a convolution: a square 3x3 to 6x6 filter (for the filter gradient 3x3, or
     * 5x5 by F(2x2, 5x5): the 3x3 pieces of a larger filter made it slower than im2col, conv2 93 against 84 ms),
     * stride 1, padding at most {@code k - 1} (so backward-data's {@code k - 1 - pad} is a padding too), at least
     * {@link WinogradKernels#LANES} images per worker (the transforms run over that many at once; fewer would
     * leave lanes empty and GEMM columns wasted), at least {@link #MIN_ROWS} GEMM rows, or by F(2x2, 5x5) at least
     * {@link #F25_MIN} GEMM rows and depth (conv2's backward-data, 48 rows, measured 71.6 ms by im2col and 110.7 in
     * 3x3 pieces; 93-103 against 141 by F(2x2, 5x5) at batch 128), and {@code alexnet.conv.winograd} not false
     * (read per call so benchmarks can compare both in one JVM).
     */
    boolean applies(Conv2dSpec s, int images, Pass pass) {
        int k = s.kernelH();
        boolean f25 = alphaFor(k) == 6;
        // Forward and filter gradient: GEMM rows are the output channels; backward-data: the input channels.
        int rows = pass == Pass.DATA ? s.inPerGroup() : s.outPerGroup();
        int depth = pass == Pass.DATA ? s.outPerGroup() : s.inPerGroup();
        boolean wide = f25 ? rows >= F25_MIN && depth >= F25_MIN : rows >= MIN_ROWS;
        return k >= 3 && k <= (pass == Pass.FILTER ? (f25 ? 5 : 3) : 6) && s.kernelW() == k && s.strideH() == 1
                && s.strideW() == 1 && s.padH() == s.padW() && s.padH() >= 0 && s.padH() <= k - 1
                && images >= WinogradKernels.LANES * pool.threads() && wide
                && Boolean.parseBoolean(System.getProperty("alexnet.conv.winograd", "true"));
    }

    /** y = conv(x, w) + bias, rectified ({@code max(., 0)}) when {@code relu}. */
    void forward(Conv2dSpec s, float[] x, int[] xShape, float[] w, float[] bias, float[] y, boolean relu) {
        Plan p = Plan.of(xShape[0], s.groups(), s.inPerGroup(), s.outPerGroup(), s.kernelH(), xShape[2], xShape[3],
                s.padH());
        PackedA[][] u = transformFilters(w, p, false);
        pool.parallelFor(p.n, (worker, from, to) -> run(p, x, u, bias, relu, null, y, worker, from, to));
    }

    /**
     * dx = the gradient of conv(x, w) with respect to x (overwritten), times {@code reluOut > 0} when
     * {@code reluOut} (the output of an in-place ReLU that x is) is not null.
     */
    void backwardData(Conv2dSpec s, float[] dy, float[] w, float[] dx, int[] xShape, float[] reluOut) {
        int k = s.kernelH();
        Plan p = Plan.of(xShape[0], s.groups(), s.outPerGroup(), s.inPerGroup(), k, s.outH(xShape[2]),
                s.outW(xShape[3]), k - 1 - s.padH());
        PackedA[][] u = transformFilters(w, p, true);
        pool.parallelFor(p.n, (worker, from, to) -> run(p, dy, u, null, false, reluOut, dx, worker, from, to));
    }

    /**
     * dw = the gradient of conv(x, w) with respect to w (overwritten), by the transpose of the forward algorithm:
     * {@code dg = G^T [sum over tiles of (B^T d B) . (A e A^T)] G} for input tiles d and output-gradient tiles e,
     * the sum over tiles and images being alpha^2 GEMMs. Each worker sums its images; the workers' sums are added in
     * worker order (deterministic for a given worker count).
     */
    void backwardFilter(Conv2dSpec s, float[] x, int[] xShape, float[] dy, float[] dw) {
        Plan p = Plan.of(xShape[0], s.groups(), s.inPerGroup(), s.outPerGroup(), s.kernelH(), xShape[2], xShape[3],
                s.padH());
        int xis = p.xi();
        int size = p.groups * xis * p.cout * p.depth();
        pool.parallelFor(p.n, (worker, from, to) ->
                filterGradient(p, x, dy, ws.floats(worker, DW, size), worker, from, to));
        float[] sum = ws.floats(0, DW, size);
        ws.addPartials(pool, DW, Math.min(pool.threads(), p.n), sum, size);
        pool.parallelFor(p.groups * p.cout, (worker, from, to) -> {
            int r = p.r();
            float[] mm = new float[xis];
            double[] g = new double[r * r];
            double[] t = new double[r * p.alpha];
            for (int go = from; go < to; go++) {
                int grp = go / p.cout;
                int o = go % p.cout;
                for (int i = 0; i < p.cin; i++) {
                    int f = ((grp * p.cout + o) * p.cin + i) * p.k * p.k;
                    for (int piece = 0; piece < p.sub * p.sub; piece++) {
                        int at = (grp * xis * p.cout + o) * p.depth() + piece * p.cin + i;
                        for (int xi = 0; xi < xis; xi++) {
                            mm[xi] = sum[at + xi * p.cout * p.depth()];
                        }
                        if (p.alpha == 6) {
                            gradientBack5(mm, g, t);
                        } else {
                            gradientBack(mm, g, t);
                        }
                        int r0 = r * (piece / p.sub);
                        int c0 = r * (piece % p.sub);
                        for (int a = 0; a < r && r0 + a < p.k; a++) {
                            for (int c = 0; c < r && c0 + c < p.k; c++) {
                                dw[f + (r0 + a) * p.k + c0 + c] = (float) g[r * a + c];
                            }
                        }
                    }
                }
            }
        });
    }

    /** g (3x3) = G^T m G for the 4x4 m, in double ({@code t}: 12 doubles of scratch for G^T m, 3x4). */
    static void gradientBack(float[] m, double[] g, double[] t) {
        for (int c = 0; c < 4; c++) {
            double m0 = m[c];
            double m1 = m[4 + c];
            double m2 = m[8 + c];
            double m3 = m[12 + c];
            t[c] = m0 + 0.5 * (m1 + m2);
            t[4 + c] = 0.5 * (m1 - m2);
            t[8 + c] = 0.5 * (m1 + m2) + m3;
        }
        for (int r = 0; r < 3; r++) { // (G^T m) G: 3x3
            double t0 = t[4 * r];
            double t1 = t[4 * r + 1];
            double t2 = t[4 * r + 2];
            double t3 = t[4 * r + 3];
            g[3 * r] = t0 + 0.5 * (t1 + t2);
            g[3 * r + 1] = 0.5 * (t1 - t2);
            g[3 * r + 2] = 0.5 * (t1 + t2) + t3;
        }
    }

    /**
     * The tile size of the algorithm for a k x k filter: 6 (F(2x2, 5x5)) for 5x5 filters unless
     * {@code alexnet.conv.winograd5} is false (read per call, so benchmarks can compare both in one JVM), else 4
     * (F(2x2, 3x3), in pieces for filters above 3x3).
     */
    static int alphaFor(int k) {
        return k == 5 && Boolean.parseBoolean(System.getProperty("alexnet.conv.winograd5", "true")) ? 6 : 4;
    }

    /**
     * Geometry of one call as a forward convolution: {@code cin} input and {@code cout} output channels per group,
     * a k x k filter cut into {@code sub x sub} pieces of r x r for F(2x2, r x r) with tiles of
     * {@code alpha = r + 1}, {@code h x w} input, padding {@code pad}; output {@code oh x ow} in {@code th x tw}
     * tiles; the input rearranged as {@code ph x pw} planes with the padding and room for the last tile's reads.
     */
    private record Plan(int n, int groups, int cin, int cout, int k, int alpha, int sub, int h, int w, int pad,
                        int oh, int ow, int th, int tw, int ph, int pw) {
        static Plan of(int n, int groups, int cin, int cout, int k, int h, int w, int pad) {
            int alpha = alphaFor(k);
            int r = alpha - 1;
            int sub = (k + r - 1) / r;
            int oh = h + 2 * pad - k + 1;
            int ow = w + 2 * pad - k + 1;
            int th = (oh + 1) / 2;
            int tw = (ow + 1) / 2;
            // The last tile reads rows 2(th-1) + r(sub-1) .. + alpha - 1 of the padded plane.
            int reach = r * (sub - 1) + alpha - 2;
            return new Plan(n, groups, cin, cout, k, alpha, sub, h, w, pad, oh, ow, th, tw, 2 * th + reach,
                    2 * tw + reach);
        }

        /** Filter size of one piece. */
        int r() {
            return alpha - 1;
        }

        /** Products per tile: the number of GEMMs. */
        int xi() {
            return alpha * alpha;
        }

        int tiles() {
            return th * tw;
        }

        /** Tile positions per GEMM: equal blocks of at most {@code maxCols} columns (tiles times lanes). */
        int tilesPerBlock(int maxCols) {
            int blocks = (tiles() * WinogradKernels.LANES + maxCols - 1) / maxCols;
            return (tiles() + blocks - 1) / blocks;
        }

        /** Columns of a full block's GEMMs: tiles per block times lanes. */
        int blockColumns(int maxCols) {
            return tilesPerBlock(maxCols) * WinogradKernels.LANES;
        }

        /** Floats of one padded input plane with the lanes innermost ({@code [ph][pw][lane]}). */
        int lanedPlane() {
            return ph * pw * WinogradKernels.LANES;
        }

        /** GEMM depth: input channels times filter pieces. */
        int depth() {
            return sub * sub * cin;
        }
    }

    // ----- filter transform: U = G g G^T -----

    /**
     * U[group][xi] as packed GEMM operands, {@code cout x depth} with depth index {@code piece*cin + i}.
     * {@code flip}: the filters of backward-data: for its output channel o and input channel i (the forward
     * input channel o and output channel i), {@code g'[o][i] = rot180(g[i][o])}.
     */
    private PackedA[][] transformFilters(float[] w, Plan p, boolean flip) {
        int rows = p.cout;
        int depth = p.depth();
        int size = Sgemm.packedSize(rows, depth);
        int xis = p.xi();
        int count = p.groups * xis;
        if (uBuffers.length < count) {
            uBuffers = Arrays.copyOf(uBuffers, count);
        }
        for (int i = 0; i < count; i++) {
            if (uBuffers[i] == null || uBuffers[i].length < size) {
                uBuffers[i] = new float[size];
            }
        }
        int plane = rows * depth;
        if (uTemp.length < xis * plane * p.groups) {
            uTemp = new float[xis * plane * p.groups];
        }
        float[] tmp = uTemp;
        // The weights' layout: [groups * mg][cg][k][k] with mg, cg the forward channels per group.
        int mg = flip ? p.cin : p.cout;
        int cg = flip ? p.cout : p.cin;
        int k = p.k;
        int sub = p.sub;
        int r = p.r();
        pool.parallelFor(p.groups * rows, (worker, from, to) -> {
            float[] g = new float[r * r];
            float[] u = new float[xis];
            double[] t = new double[r * p.alpha];
            for (int gr = from; gr < to; gr++) {
                int grp = gr / rows;
                int o = gr % rows;
                int base = grp * xis * plane + o * depth;
                for (int i = 0; i < p.cin; i++) {
                    int f = (flip ? (grp * mg + i) * cg + o : (grp * mg + o) * cg + i) * k * k;
                    for (int piece = 0; piece < sub * sub; piece++) {
                        piece(w, f, k, flip, r * (piece / sub), r * (piece % sub), r, g);
                        if (p.alpha == 6) {
                            filterTransform5(g, u, t);
                        } else {
                            filterTransform(g, u, t);
                        }
                        int d = base + piece * p.cin + i;
                        for (int xi = 0; xi < xis; xi++) {
                            tmp[d + xi * plane] = u[xi];
                        }
                    }
                }
            }
        });
        PackedA[][] packed = new PackedA[p.groups][xis];
        pool.parallelFor(count, (worker, from, to) -> {
            for (int j = from; j < to; j++) {
                packed[j / xis][j % xis] = Sgemm.pack(false, rows, depth, tmp, j * plane, depth, uBuffers[j]);
            }
        });
        return packed;
    }

    /**
     * {@code g[size x size]} = taps {@code [r0, r0+size) x [c0, c0+size)} of the k x k filter at {@code w[f..]}
     * (rotated by 180 degrees if flip), zero past its edge.
     */
    private static void piece(float[] w, int f, int k, boolean flip, int r0, int c0, int size, float[] g) {
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                int rr = r0 + r;
                int cc = c0 + c;
                g[size * r + c] = rr >= k || cc >= k ? 0f
                        : flip ? w[f + (k - 1 - rr) * k + (k - 1 - cc)] : w[f + rr * k + cc];
            }
        }
    }

    /** u (4x4, row-major) = G g G^T for a 3x3 filter g, in double and rounded once ({@code t}: scratch for G g). */
    static void filterTransform(float[] g, float[] u, double[] t) {
        for (int c = 0; c < 3; c++) {
            double g0 = g[c];
            double g1 = g[3 + c];
            double g2 = g[6 + c];
            t[c] = g0;
            t[3 + c] = 0.5 * (g0 + g1 + g2);
            t[6 + c] = 0.5 * (g0 - g1 + g2);
            t[9 + c] = g2;
        }
        for (int r = 0; r < 4; r++) { // (G g) G^T: 4x4
            double t0 = t[3 * r];
            double t1 = t[3 * r + 1];
            double t2 = t[3 * r + 2];
            u[4 * r] = (float) t0;
            u[4 * r + 1] = (float) (0.5 * (t0 + t1 + t2));
            u[4 * r + 2] = (float) (0.5 * (t0 - t1 + t2));
            u[4 * r + 3] = (float) t2;
        }
    }

    /**
     * F(2x2, 5x5)'s G (6x5): the filter polynomial at 0, 1, -1, 2, -2, divided by each point's product of
     * differences to the other finite points (4, -6, -6, 24, 24), and its leading coefficient (infinity).
     */
    private static final double[][] G5 = {
        {1 / 4.0, 0, 0, 0, 0},
        {-1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0},
        {-1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0},
        {1 / 24.0, 1 / 12.0, 1 / 6.0, 1 / 3.0, 2 / 3.0},
        {1 / 24.0, -1 / 12.0, 1 / 6.0, -1 / 3.0, 2 / 3.0},
        {0, 0, 0, 0, 1},
    };

    /** u (6x6) = G g G^T for a 5x5 filter g, in double and rounded once ({@code t}: 30 doubles for G g). */
    static void filterTransform5(float[] g, float[] u, double[] t) {
        for (int a = 0; a < 6; a++) {
            for (int c = 0; c < 5; c++) {
                double sum = 0;
                for (int j = 0; j < 5; j++) {
                    sum += G5[a][j] * g[5 * j + c];
                }
                t[5 * a + c] = sum;
            }
        }
        for (int a = 0; a < 6; a++) {
            for (int b = 0; b < 6; b++) {
                double sum = 0;
                for (int c = 0; c < 5; c++) {
                    sum += t[5 * a + c] * G5[b][c];
                }
                u[6 * a + b] = (float) sum;
            }
        }
    }

    /** g (5x5) = G^T m G for the 6x6 m, in double ({@code t}: 30 doubles of scratch for G^T m, 5x6). */
    static void gradientBack5(float[] m, double[] g, double[] t) {
        for (int r = 0; r < 5; r++) {
            for (int b = 0; b < 6; b++) {
                double sum = 0;
                for (int a = 0; a < 6; a++) {
                    sum += G5[a][r] * m[6 * a + b];
                }
                t[6 * r + b] = sum;
            }
        }
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                double sum = 0;
                for (int b = 0; b < 6; b++) {
                    sum += t[6 * r + b] * G5[b][c];
                }
                g[5 * r + c] = sum;
            }
        }
    }

    // ----- per worker: input transform, alpha^2 GEMMs, output transform -----

    /**
     * Images {@code [from, to)} in chunks of {@link WinogradKernels#LANES}. Per chunk and group the input is
     * rearranged with the image innermost and a zero border ({@code [c][ph][pw][lane]}); then, per block of tile
     * positions, the input tiles are transformed into V ({@code [xi][piece*cin + c][tile*LANES + lane]}), the 16
     * GEMMs give M ({@code [xi][o][tile*LANES + lane]}) and the output transform writes y. Lanes past the last
     * image are zero and their results dropped.
     */
    /**
     * The forward algorithm (also backward-data's, on dY with the flipped filters): y = conv(x) (+ bias), then
     * {@code max(., 0)} when {@code relu}, or 0 where {@code mask <= 0} when {@code mask} is not null.
     */
    private void run(Plan p, float[] x, PackedA[][] u, float[] bias, boolean relu, float[] mask, float[] y,
            int worker, int from, int to) {
        int lanes = WinogradKernels.LANES;
        int tiles = p.tiles();
        int perBlock = p.tilesPerBlock(MAX_COLS);
        int colsMax = p.blockColumns(MAX_COLS);
        int depth = p.depth();
        int planeSize = p.lanedPlane();
        float[] xt = ws.floats(worker, XT, p.cin * planeSize);
        // V straight in the GEMM's packed-B layout when it fits one block: the GEMM then skips its packing pass
        // (with 48-128 GEMM rows, as many multiply-adds per packed element, that pass is a large share).
        int w = Sgemm.packedBWidth();
        boolean packed = w % lanes == 0 && depth <= Sgemm.packedBMaxDepth() && colsMax <= Sgemm.packedBMaxColumns();
        int colsPad = packed ? (colsMax + w - 1) / w * w : colsMax;
        int xis = p.xi();
        float[] v = ws.floats(worker, V, xis * spread(depth * colsPad));
        float[] m = ws.floats(worker, M, xis * spread(p.cout * colsMax));
        float[] out = ws.floats(worker, OUT, 4 * lanes);
        int inImage = p.groups * p.cin * p.h * p.w;
        int outImage = p.groups * p.cout * p.oh * p.ow;
        for (int i = from; i < to; i += lanes) {
            int cnt = Math.min(lanes, to - i);
            for (int grp = 0; grp < p.groups; grp++) {
                gatherInput(p, x, i, cnt, grp, inImage, xt);
                for (int t0 = 0; t0 < tiles; t0 += perBlock) {
                    int nt = Math.min(perBlock, tiles - t0);
                    int cols = nt * lanes;
                    int mStride = spread(p.cout * cols);
                    if (packed) {
                        int size = spread(depth * ((cols + w - 1) / w * w));
                        transformInput(p, xt, t0, nt, w, size, v);
                        for (int xi = 0; xi < xis; xi++) {
                            Sgemm.sgemm(u[grp][xi], v, xi * size, cols, 1f, 0f, m, xi * mStride, cols);
                        }
                    } else {
                        int size = spread(depth * cols);
                        transformInput(p, xt, t0, nt, cols, size, v);
                        for (int xi = 0; xi < xis; xi++) {
                            Sgemm.sgemm(u[grp][xi], false, cols, 1f, v, xi * size, cols, 0f, m, xi * mStride, cols);
                        }
                    }
                    for (int o = 0; o < p.cout; o++) {
                        float bv = bias == null ? 0f : bias[grp * p.cout + o];
                        int dst = i * outImage + (grp * p.cout + o) * p.oh * p.ow;
                        for (int t = 0; t < nt; t++) {
                            if (p.alpha == 6) {
                                K.outputTile6(m, o * cols + t * lanes, mStride, out);
                            } else {
                                K.outputTile(m, o * cols + t * lanes, mStride, out);
                            }
                            scatter(p, out, t0 + t, cnt, outImage, bv, bias != null, relu, mask, y, dst);
                        }
                    }
                }
            }
        }
    }

    /**
     * One worker's images: {@code acc[group][xi] (cout x depth)} = the sum over its images and tiles of
     * {@code (A e A^T)[xi] (cout x tiles) * V[xi]^T (tiles x depth)}.
     */
    private void filterGradient(Plan p, float[] x, float[] dy, float[] acc, int worker, int from, int to) {
        int lanes = WinogradKernels.LANES;
        int tiles = p.tiles();
        int perBlock = p.tilesPerBlock(MAX_FILTER_COLS);
        int colsMax = p.blockColumns(MAX_FILTER_COLS);
        int depth = p.depth();
        int planeSize = p.lanedPlane();
        int gradPlane = 4 * p.th * p.tw * lanes;
        float[] xt = ws.floats(worker, XT, p.cin * planeSize);
        float[] dyt = ws.floats(worker, DYT, p.cout * gradPlane);
        int xis = p.xi();
        float[] v = ws.floats(worker, V, xis * spread(depth * colsMax));
        float[] e = ws.floats(worker, M, xis * spread(p.cout * colsMax));
        int inImage = p.groups * p.cin * p.h * p.w;
        int outImage = p.groups * p.cout * p.oh * p.ow;
        int gradRow = 2 * p.tw * lanes;
        int accGroup = xis * p.cout * depth;
        for (int i = from; i < to; i += lanes) {
            int cnt = Math.min(lanes, to - i);
            for (int grp = 0; grp < p.groups; grp++) {
                gatherInput(p, x, i, cnt, grp, inImage, xt);
                gatherGradient(p, dy, i, cnt, grp, outImage, dyt);
                for (int t0 = 0; t0 < tiles; t0 += perBlock) {
                    int nt = Math.min(perBlock, tiles - t0);
                    int cols = nt * lanes;
                    int vStride = spread(depth * cols);
                    int eStride = spread(p.cout * cols);
                    transformInput(p, xt, t0, nt, cols, vStride, v);
                    for (int o = 0; o < p.cout; o++) {
                        for (int t = 0; t < nt; t++) {
                            int ty = (t0 + t) / p.tw;
                            int tx = (t0 + t) % p.tw;
                            int src = o * gradPlane + 2 * ty * gradRow + 2 * tx * lanes;
                            if (p.alpha == 6) {
                                K.gradientTile6(dyt, src, gradRow, e, o * cols + t * lanes, eStride);
                            } else {
                                K.gradientTile(dyt, src, gradRow, e, o * cols + t * lanes, eStride);
                            }
                        }
                    }
                    float beta = i == from && t0 == 0 ? 0f : 1f;
                    for (int xi = 0; xi < xis; xi++) {
                        Sgemm.sgemm(false, true, p.cout, depth, cols, 1f, e, xi * eStride, cols, v, xi * vStride, cols,
                                beta, acc, grp * accGroup + xi * p.cout * depth, depth);
                    }
                }
            }
        }
    }

    /**
     * The distance between consecutive xi-matrices of a buffer holding {@code floats} each: at least that, and 16
     * floats (one cache line) past a multiple of 4 KiB. A tile's transform touches the same element of every
     * matrix; with matrices a multiple of 4 KiB apart (conv2: 128 x 224 floats) those 16 or 36 lines all fell in
     * one L1 set of 8 ways.
     */
    static int spread(int floats) {
        return (floats + 1023 - 16) / 1024 * 1024 + 16;
    }

    /**
     * V for tile positions {@code [t0, t0+nt)}, as {@code xi}-matrices {@code stride} apart of {@code depth} rows,
     * in column slivers {@code width} wide: element (row, col) of matrix xi at
     * {@code xi*stride + (col/width)*width*depth + row*width + col%width}, col = t*LANES + lane. With width = the
     * column count this is a plain row-major matrix; with the GEMM's sliver width it is its packed-B layout (the
     * last sliver's unused columns are zeroed).
     */
    private static void transformInput(Plan p, float[] xt, int t0, int nt, int width, int stride, float[] v) {
        int lanes = WinogradKernels.LANES;
        int planeSize = p.lanedPlane();
        int rowStride = p.pw * lanes;
        int depth = p.depth();
        // Tiles outer, rows inner: each of the 16 matrices then receives one sequential stream per tile (a sliver's
        // rows are contiguous); rows outer scattered the stores over every sliver at once (conv2 backward-data:
        // 40 ms of 94 in this loop).
        for (int t = 0; t < nt; t++) {
            int ty = (t0 + t) / p.tw;
            int tx = (t0 + t) % p.tw;
            int col = t * lanes;
            int dst = col / width * width * depth + col % width;
            int tileSrc = 2 * ty * rowStride + 2 * tx * lanes;
            for (int piece = 0; piece < p.sub * p.sub; piece++) {
                int src = tileSrc + p.r() * ((piece / p.sub) * rowStride + (piece % p.sub) * lanes);
                int row = piece * p.cin * width;
                for (int c = 0; c < p.cin; c++) {
                    if (p.alpha == 6) {
                        K.inputTile6(xt, src + c * planeSize, rowStride, v, dst + row + c * width, stride);
                    } else {
                        K.inputTile(xt, src + c * planeSize, rowStride, v, dst + row + c * width, stride);
                    }
                }
            }
        }
        int used = nt * lanes % width;
        if (used != 0) {
            int last = nt * lanes / width * width * depth;
            for (int xi = 0; xi < p.xi(); xi++) {
                for (int r = 0; r < depth; r++) {
                    int at = xi * stride + last + r * width;
                    Arrays.fill(v, at + used, at + width, 0f);
                }
            }
        }
    }

    /**
     * {@code dyt[((o*2th + r)*2tw + s)*LANES + b] = dy[image i+b, channel grp*cout + o, r, s]}, zero past the
     * output's edge (the tiles' cropped part) and in the lanes past {@code cnt}.
     */
    private static void gatherGradient(Plan p, float[] dy, int i, int cnt, int grp, int outImage, float[] dyt) {
        int lanes = WinogradKernels.LANES;
        int rows = 2 * p.th;
        int width = 2 * p.tw;
        int plane = rows * width * lanes;
        if (cnt < lanes) {
            Arrays.fill(dyt, 0, p.cout * plane, 0f);
        } else if (rows > p.oh || width > p.ow) {
            // Only the cropped last row and column: every lane of the rest is written below.
            for (int o = 0; o < p.cout; o++) {
                int base = o * plane;
                for (int r = 0; r < p.oh; r++) {
                    int row = base + r * width * lanes;
                    Arrays.fill(dyt, row + p.ow * lanes, row + width * lanes, 0f);
                }
                Arrays.fill(dyt, base + p.oh * width * lanes, base + plane, 0f);
            }
        }
        interleavePlanes(dy, i, cnt, outImage, grp * p.cout, p.cout, p.oh, p.ow, dyt, plane, 0, width * lanes);
    }

    /**
     * {@code xt[((c*ph + r + pad)*pw + s + pad)*LANES + b] = x[image i+b, channel grp*cin + c, r, s]}, zero
     * elsewhere (the padding and the lanes past {@code cnt}).
     */
    private static void gatherInput(Plan p, float[] x, int i, int cnt, int grp, int inImage, float[] xt) {
        int lanes = WinogradKernels.LANES;
        int planeSize = p.lanedPlane();
        if (cnt < lanes) {
            Arrays.fill(xt, 0, p.cin * planeSize, 0f);
        } else {
            // Only the border: every lane of the interior is written below.
            for (int c = 0; c < p.cin; c++) {
                int base = c * planeSize;
                Arrays.fill(xt, base, base + p.pad * p.pw * lanes, 0f);
                for (int r = 0; r < p.h; r++) {
                    int row = base + (r + p.pad) * p.pw * lanes;
                    Arrays.fill(xt, row, row + p.pad * lanes, 0f);
                    Arrays.fill(xt, row + (p.pad + p.w) * lanes, row + p.pw * lanes, 0f);
                }
                Arrays.fill(xt, base + (p.h + p.pad) * p.pw * lanes, base + planeSize, 0f);
            }
        }
        interleavePlanes(x, i, cnt, inImage, grp * p.cin, p.cin, p.h, p.w, xt, planeSize,
                (p.pad * p.pw + p.pad) * lanes, p.pw * lanes);
    }

    /**
     * Channels {@code [first, first+channels)} (planes of {@code rows x n}) of images {@code [i, i+cnt)} of
     * {@code src} interleaved, image innermost: element (ch, r, s) of lane b goes to
     * {@code dst[ch*dstPlane + start + r*dstRow + s*LANES + b]}. A hardware gather per column for full chunks.
     */
    private static void interleavePlanes(float[] src, int i, int cnt, int imageSize, int first, int channels,
            int rows, int n, float[] dst, int dstPlane, int start, int dstRow) {
        int lanes = WinogradKernels.LANES;
        int[] laneOff = new int[lanes];
        for (int b = 0; b < lanes; b++) {
            laneOff[b] = b * imageSize;
        }
        for (int ch = 0; ch < channels; ch++) {
            for (int r = 0; r < rows; r++) {
                int dRow = ch * dstPlane + start + r * dstRow;
                int sRow = i * imageSize + ((first + ch) * rows + r) * n;
                if (cnt == lanes) {
                    K.interleave(src, sRow, laneOff, n, dst, dRow);
                } else {
                    for (int b = 0; b < cnt; b++) {
                        for (int s = 0; s < n; s++) {
                            dst[dRow + s * lanes + b] = src[sRow + b * imageSize + s];
                        }
                    }
                }
            }
        }
    }

    /**
     * Tile {@code t}'s 2x2 results of each lane's image into {@code y}, cropping the edge, adding the bias and
     * rectifying when {@code relu}, zeroing where {@code mask <= 0} (or NaN) when {@code mask} is not null.
     */
    private static void scatter(Plan p, float[] out, int t, int cnt, int outImage, float bias, boolean addBias,
            boolean relu, float[] mask, float[] y, int dst) {
        int lanes = WinogradKernels.LANES;
        int ow = p.ow;
        int r = 2 * (t / p.tw);
        int c = 2 * (t % p.tw);
        boolean right = c + 1 < ow;
        boolean second = r + 1 < p.oh;
        int at = dst + r * ow + c;
        for (int b = 0; b < cnt; b++, at += outImage) {
            float y00 = out[b];
            float y01 = out[lanes + b];
            float y10 = out[2 * lanes + b];
            float y11 = out[3 * lanes + b];
            if (addBias) {
                y00 += bias;
                y01 += bias;
                y10 += bias;
                y11 += bias;
            }
            if (relu) {
                y00 = Math.max(y00, 0f);
                y01 = Math.max(y01, 0f);
                y10 = Math.max(y10, 0f);
                y11 = Math.max(y11, 0f);
            }
            if (mask != null) {
                y00 = mask[at] > 0f ? y00 : 0f;
                y01 = right && mask[at + 1] > 0f ? y01 : 0f;
                y10 = second && mask[at + ow] > 0f ? y10 : 0f;
                y11 = right && second && mask[at + ow + 1] > 0f ? y11 : 0f;
            }
            y[at] = y00;
            if (right) {
                y[at + 1] = y01;
            }
            if (second) {
                y[at + ow] = y10;
                if (right) {
                    y[at + ow + 1] = y11;
                }
            }
        }
    }
}
