package io.github.alexnetjava.backend.cpu.gemm;

import io.github.alexnetjava.backend.cpu.WorkerPool;
import io.github.alexnetjava.backend.cpu.vector.VectorSupport;

/**
 * Single-precision general matrix multiply on row-major arrays, BLIS/GotoBLAS style: cache blocking, packing of A
 * and B into zero-padded slivers, and a register-blocked micro-kernel (Vector API when
 * {@link VectorSupport#enabled()}, plain Java otherwise), chosen once at class initialisation.
 *
 * <p>Results are deterministic: the depth (k) blocking depends only on {@code k} and every element of C is computed
 * by the same sequence of operations wherever it falls in the tiling, so the parallel entry point gives exactly the
 * same bits as the single-threaded one, whatever the thread count.
 *
 * <p>Tuning knobs (system properties, read once): {@code alexnet.sgemm.kc}, {@code alexnet.sgemm.mc},
 * {@code alexnet.sgemm.nc}, and {@code alexnet.sgemm.kernel} (vector kernel shape, e.g. {@code 8x2}).
 */
public final class Sgemm {
    /** Below this many multiply-adds the parallel entry point runs on the calling thread. */
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    /*
     * Default blocking, measured on the 2-core AVX-512 build machine (48 KiB L1d, 1 MiB L2 per core) with the 8x32
     * kernel: a depth block of 512 keeps an A sliver (8x512 floats, 16 KiB) in L1 while the kernel sweeps the packed
     * B block; 1024 columns per B block gave the best streaming of large weight matrices; MC only sizes the A
     * buffer in this loop order.
     */
    private static final int KC = 512;
    private static final int MC = 128;
    private static final int NC = 1024;

    private static final GemmDriver SCALAR = new GemmDriver(new ScalarKernel(),
            Integer.getInteger("alexnet.sgemm.kc", KC), Integer.getInteger("alexnet.sgemm.mc", MC),
            Integer.getInteger("alexnet.sgemm.nc", NC));
    private static final GemmDriver VECTOR = VectorSupport.enabled() ? vectorDriver() : null;
    private static final GemmDriver DEFAULT = VECTOR != null ? VECTOR : SCALAR;

    private Sgemm() {
    }

    private static GemmDriver vectorDriver() {
        return new GemmDriver(VectorKernels.create(),
                Integer.getInteger("alexnet.sgemm.kc", KC), Integer.getInteger("alexnet.sgemm.mc", MC),
                Integer.getInteger("alexnet.sgemm.nc", NC));
    }

    /** Which micro-kernel is in use, e.g. {@code "Vector API 8x32"}. */
    public static String kernelName() {
        return DEFAULT.kernel.name;
    }

    /** The scalar driver (tests). */
    static GemmDriver scalarDriver() {
        return SCALAR;
    }

    /** A driver with explicit blocking (tests); {@code vectorShape} null selects the scalar kernel. */
    static GemmDriver driver(String vectorShape, int kc, int mc, int nc) {
        return new GemmDriver(kernel(vectorShape), kc, mc, nc);
    }

    /** The same with an explicit limit for reading A in place ({@link GemmDriver#inPlaceMaxN}; tests). */
    static GemmDriver driver(String vectorShape, int kc, int mc, int nc, int inPlaceMaxN) {
        return new GemmDriver(kernel(vectorShape), kc, mc, nc, inPlaceMaxN);
    }

    private static MicroKernel kernel(String vectorShape) {
        if (vectorShape == null) {
            return new ScalarKernel();
        }
        if (!VectorSupport.enabled()) {
            throw new IllegalStateException("Vector API not enabled");
        }
        return VectorKernels.create(vectorShape);
    }

    /** The Vector API driver, or null when the Vector API is off (tests). */
    static GemmDriver vectorDriverOrNull() {
        return VECTOR;
    }

    /**
     * C[m×n] = alpha·op(A)·op(B) + beta·C, single-threaded (called from inside parallel loops). op(A) is m×k: A stored
     * m×k (lda≥k) or, if transA, k×m (lda≥m). op(B) is k×n: B stored k×n (ldb≥n) or, if transB, n×k (ldb≥k).
     * beta==0 ignores (overwrites) whatever C held, even NaN.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        sgemm(DEFAULT, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Same, split over the pool's threads by column blocks of C (or row blocks when that balances better, e.g. when
     * n is small). Static partitioning without any reduction over k: the result is bit-identical to
     * {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}.
     */
    public static void sgemm(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        sgemm(DEFAULT, pool, PARALLEL_MIN_MACS, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
                cOff, ldc);
    }

    /** Floats a {@link #pack} buffer needs for an m×k op(A). */
    public static int packedSize(int m, int k) {
        return DEFAULT.packedSize(m, k);
    }

    /**
     * Packs op(A) (m×k; A stored m×k with lda≥k or, if transA, k×m with lda≥m) into {@code buffer} (at least
     * {@link #packedSize} floats) for
     * {@link #sgemm(PackedA, boolean, int, float, float[], int, int, float, float[], int, int)}.
     */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] buffer) {
        if (m <= 0 || k <= 0) {
            throw new IllegalArgumentException("pack needs m > 0 and k > 0: m=" + m + " k=" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        if (lda < aCols) {
            throw new IllegalArgumentException("lda=" + lda + " < " + aCols + (transA ? " (m, transA)" : " (k)"));
        }
        checkExtent("A", a, aOff, aRows, aCols, lda);
        return DEFAULT.pack(transA, m, k, a, aOff, lda, buffer);
    }

    /**
     * C[m×n] = alpha·A·op(B) + beta·C with A packed by {@link #pack}, single-threaded: the same bits as the
     * unpacked call.
     */
    public static void sgemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOff, int ldb, float beta,
            float[] c, int cOff, int ldc) {
        int m = a.m;
        int k = a.k;
        if (ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("ldc=" + ldc + " < n=" + n);
        }
        checkExtent("C", c, cOff, m, n, ldc);
        if (n == 0) {
            return;
        }
        int bCols = transB ? k : n;
        if (ldb < bCols) {
            throw new IllegalArgumentException("ldb=" + ldb + " < " + bCols + (transB ? " (k, transB)" : " (n)"));
        }
        checkExtent("B", b, bOff, transB ? n : k, bCols, ldb);
        if (alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        a.driver.gemm(a, transB, n, alpha, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Column-sliver width of a packed B for
     * {@link #sgemm(PackedA, float[], int, int, float, float, float[], int, int)}.
     */
    public static int packedBWidth() {
        return DEFAULT.nr;
    }

    /** Largest depth (k) of a packed B. */
    public static int packedBMaxDepth() {
        return DEFAULT.kcMax;
    }

    /** Largest column count (n) of a packed B. */
    public static int packedBMaxColumns() {
        return DEFAULT.ncMax;
    }

    /**
     * C[m×n] = alpha·A·B + beta·C with A packed by {@link #pack} and B (k×n) packed by the caller in
     * {@link #packedBWidth()}-column slivers, {@code b[bOff + s*w*k + p*w + j] = B[p][s*w + j]}: for producers that
     * can write B in that layout directly (saving the GEMM's own packing pass). k at most
     * {@link #packedBMaxDepth()}, n at most {@link #packedBMaxColumns()}; the last sliver's columns past n must
     * hold finite values (their results are dropped). Single-threaded; the same bits as the unpacked call.
     */
    public static void sgemm(PackedA a, float[] b, int bOff, int n, float alpha, float beta, float[] c, int cOff,
            int ldc) {
        if (ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("ldc=" + ldc + " < n=" + n);
        }
        checkExtent("C", c, cOff, a.m, n, ldc);
        if (n == 0) {
            return;
        }
        int w = a.driver.nr;
        checkExtent("packed B", b, bOff, 1, (n + w - 1) / w * w * a.k, 1);
        a.driver.gemm(a, b, bOff, n, alpha, beta, c, cOff, ldc);
    }

    static void sgemm(GemmDriver driver, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        driver.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Parallel driver; below {@code minMacs} multiply-adds it runs on the calling thread. */
    static void sgemm(GemmDriver driver, WorkerPool pool, long minMacs, boolean transA, boolean transB,
            int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
            float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        int threads = pool == null ? 1 : pool.threads();
        if (threads <= 1 || (long) m * n * k < minMacs) {
            driver.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int mr = driver.mr;
        int nr = driver.nr;
        if (splitColumns(driver, threads, m, n, k)) {
            pool.parallelFor(n, nr, (w, s, e) -> driver.gemm(transA, transB, m, e - s, k, alpha,
                    a, aOff, lda, b, transB ? bOff + s * ldb : bOff + s, ldb, beta, c, cOff + s, ldc));
        } else {
            pool.parallelFor(m, mr, (w, s, e) -> driver.gemm(transA, transB, e - s, n, k, alpha,
                    a, transA ? aOff + s : aOff + s * lda, lda, b, bOff, ldb, beta, c, cOff + s * ldc, ldc));
        }
    }

    /** Rough cost of packing one element, in multiply-adds of kernel time. */
    private static final long PACK_COST = 16;

    /**
     * Whether to split C by columns (else by rows): estimates the busiest thread's time for each split, as kernel
     * tiles (a right-edge sliver the narrow kernel can take counts half) plus packing, where every thread packs all
     * of the operand that is not split.
     */
    static boolean splitColumns(GemmDriver d, int threads, int m, int n, int k) {
        int mr = d.mr;
        int nr = d.nr;
        long tileMacs = (long) mr * nr * k;
        int wMax = maxChunk(n, nr, threads);
        int hMax = maxChunk(m, mr, threads);
        double byCols = sliverCost(d, wMax) * ceilDiv(m, mr) * tileMacs
                + PACK_COST * ((long) m * k + (long) k * wMax);
        double byRows = ceilDiv(hMax, mr) * sliverCost(d, n) * tileMacs
                + PACK_COST * ((long) k * n + (long) hMax * k);
        return byCols <= byRows;
    }

    /** Column slivers of a width-{@code w} block, the narrow edge sliver counting half. */
    private static double sliverCost(GemmDriver d, int w) {
        int rem = w % d.nr;
        return w / d.nr + (rem == 0 ? 0 : rem <= d.kernel.narrowCols ? 0.5 : 1);
    }

    /** Largest chunk of {@link WorkerPool#parallelFor(int, int, WorkerPool.RangeBody)}'s static split. */
    private static int maxChunk(int n, int grain, int threads) {
        int blocks = ceilDiv(n, grain);
        int chunks = Math.min(threads, blocks);
        int max = 0;
        for (int c = 0; c < chunks; c++) {
            long s = Math.min((long) n, (long) blocks * c / chunks * grain);
            long e = Math.min((long) n, (long) blocks * (c + 1) / chunks * grain);
            max = (int) Math.max(max, e - s);
        }
        return max;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, r, r + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[r + j] *= beta;
                }
            }
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: m=" + m + " n=" + n + " k=" + k);
        }
        if (ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("ldc=" + ldc + " < n=" + n);
        }
        checkExtent("C", c, cOff, m, n, ldc);
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        if (lda < aCols) {
            throw new IllegalArgumentException("lda=" + lda + " < " + aCols + (transA ? " (m, transA)" : " (k)"));
        }
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        if (ldb < bCols) {
            throw new IllegalArgumentException("ldb=" + ldb + " < " + bCols + (transB ? " (k, transB)" : " (n)"));
        }
        checkExtent("A", a, aOff, aRows, aCols, lda);
        checkExtent("B", b, bOff, bRows, bCols, ldb);
    }

    private static void checkExtent(String name, float[] x, int off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IndexOutOfBoundsException(name + ": offset " + off + " + " + rows + "x" + cols + " (ld " + ld
                    + ") exceeds array length " + x.length);
        }
    }
}
