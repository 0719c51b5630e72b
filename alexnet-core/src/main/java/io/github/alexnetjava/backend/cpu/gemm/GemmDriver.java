package io.github.alexnetjava.backend.cpu.gemm;

/**
 * The GotoBLAS/BLIS-style blocked driver around one {@link MicroKernel}, single-threaded.
 *
 * <p>Loop nest (row-major C): {@code jc} over column blocks of {@code nc}; {@code pc} over depth blocks of {@code kc}
 * (the B block is packed into zero-padded {@code nr}-column slivers); {@code ic} over row blocks of {@code mc} (the A
 * block is packed into zero-padded {@code mr}-row slivers); then the macro-kernel. When A has more than one row block
 * the macro-kernel keeps each A sliver in L1 while the micro-kernel sweeps the B block; when m fits one block (small
 * m, e.g. fully-connected layers with a small batch) it keeps each B sliver hot while all A slivers pass.
 *
 * <p>Determinism: the depth blocking depends on {@code k} only, every tile accumulates from zero in order
 * {@code p = 0..kc-1}, and partial edge tiles are computed into a scratch tile and merged with the same element-wise
 * formulas as full tiles. So every element of C gets bit-identical arithmetic wherever it lies in the tiling, which
 * makes results independent of how C is split among threads.
 */
final class GemmDriver {
    private static final int PACK_ROWS = 8;
    final MicroKernel kernel;
    final int mr;
    final int nr;
    final int kcMax;
    final int mcMax;
    final int ncMax;
    /**
     * Largest n for which full A slivers are read in place from A's rows instead of packed (when the kernel can):
     * with few B slivers each packed A element would feed only a few tiles, so the packing (a transpose of A)
     * costs more than reading eight rows directly; 0 disables.
     */
    final int inPlaceMaxN;
    private final ThreadLocal<Workspace> workspace = ThreadLocal.withInitial(Workspace::new);

    /** Per-thread pack buffers, grown on demand and then reused. */
    static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] tile = new float[0];
    }

    GemmDriver(MicroKernel kernel, int kcMax, int mcMax, int ncMax) {
        this(kernel, kcMax, mcMax, ncMax, Integer.getInteger("alexnet.sgemm.inPlaceAMaxN", 128));
    }

    GemmDriver(MicroKernel kernel, int kcMax, int mcMax, int ncMax, int inPlaceMaxN) {
        this.kernel = kernel;
        this.inPlaceMaxN = kernel.readsRowsInPlace() ? inPlaceMaxN : 0;
        this.mr = kernel.mr;
        this.nr = kernel.nr;
        this.kcMax = kcMax;
        this.mcMax = Math.max(mr, mcMax / mr * mr);
        this.ncMax = Math.max(nr, ncMax / nr * nr);
    }

    /** C = alpha*op(A)*op(B) + beta*C with m, n, k &gt; 0 and alpha != 0 (checked by the caller). */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        run(null, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The same with op(A) packed ahead by {@link #pack}: bit-identical to the unpacked call. */
    void gemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOff, int ldb, float beta, float[] c,
            int cOff, int ldc) {
        checkOwner(a);
        run(a, false, transB, a.m, n, a.k, alpha, null, 0, 0, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * C = alpha*A*B + beta*C with both operands packed ahead: A by {@link #pack}, B ({@code k x n}) in
     * {@code nr}-column slivers, {@code bp[bpOff + s*nr*k + p*nr + j] = B[p][s*nr + j]}, as one block: k at most
     * {@code kcMax}, n at most {@code ncMax}. The columns past n in the last sliver are read (their results
     * dropped), so they must hold finite values. Bit-identical to the unpacked call.
     */
    void gemm(PackedA a, float[] bp, int bpOff, int n, float alpha, float beta, float[] c, int cOff, int ldc) {
        checkOwner(a);
        int m = a.m;
        int k = a.k;
        if (k > kcMax || n > ncMax) {
            throw new IllegalArgumentException("a packed B holds one block: k=" + k + " (max " + kcMax + "), n=" + n
                    + " (max " + ncMax + ")");
        }
        Workspace ws = workspace.get();
        if (ws.tile.length < mr * nr) {
            ws.tile = new float[mr * nr];
        }
        int mode = firstMode(beta);
        for (int ic = 0; ic < m; ic += mcMax) {
            int mc = Math.min(mcMax, m - ic);
            macroKernel(mc, m, n, k, a.data, ic * k, null, 0, 0, bp, bpOff, alpha, beta, mode, c, cOff + ic * ldc,
                    ldc, ws.tile);
        }
    }

    private void checkOwner(PackedA a) {
        if (a.driver != this) {
            throw new IllegalArgumentException("A was packed for another GEMM driver");
        }
    }

    /** How the first depth block treats C: overwrite (beta 0), add (beta 1) or scale. */
    private static int firstMode(float beta) {
        return beta == 0f ? MicroKernel.MODE_OVERWRITE : beta == 1f ? MicroKernel.MODE_ADD : MicroKernel.MODE_GENERAL;
    }

    /** Depth-block size for depth {@code k}: (nearly) equal blocks whose boundaries depend on k only. */
    private int kcStep(int k) {
        int kBlocks = (k + kcMax - 1) / kcMax;
        return (k + kBlocks - 1) / kBlocks;
    }

    /** Floats {@link #pack} needs for an m×k operand. */
    int packedSize(int m, int k) {
        return roundUp(m, mr) * k;
    }

    /**
     * Packs all of op(A) (m×k) into {@code into} (at least {@link #packedSize} long) in the layout {@link #run}
     * reads: depth block after depth block, each holding every mr-row sliver of that depth range, so the block
     * for rows {@code [ic, ..)} and depth {@code [pc, pc+kc)} starts at {@code pc*roundUp(m, mr) + ic*kc}.
     */
    PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] into) {
        int mPad = roundUp(m, mr);
        if (into.length < mPad * k) {
            throw new IllegalArgumentException("pack buffer of " + into.length + " floats, " + mPad * k + " needed");
        }
        int kcStep = kcStep(k);
        for (int pc = 0; pc < k; pc += kcStep) {
            packA(transA, a, aOff, lda, 0, m, pc, Math.min(kcStep, k - pc), into, pc * mPad);
        }
        return new PackedA(this, m, k, into);
    }

    private void run(PackedA packed, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Workspace ws = workspace.get();
        int kcStep = kcStep(k);
        int ncCap = Math.min(ncMax, roundUp(n, nr));
        int mcCap = Math.min(mcMax, roundUp(m, mr));
        int kcCap = Math.min(kcStep, k);
        if (ws.b.length < ncCap * kcCap) {
            ws.b = new float[ncCap * kcCap];
        }
        if (packed == null && ws.a.length < mcCap * kcCap) {
            ws.a = new float[mcCap * kcCap];
        }
        if (ws.tile.length < mr * nr) {
            ws.tile = new float[mr * nr];
        }
        float[] ap = packed == null ? ws.a : packed.data;
        int mPad = roundUp(m, mr);
        float[] bp = ws.b;
        float[] tile = ws.tile;
        int firstMode = firstMode(beta);
        boolean inPlace = packed == null && !transA && n <= inPlaceMaxN;
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                int mode = pc == 0 ? firstMode : MicroKernel.MODE_ADD;
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    int apOff;
                    if (inPlace) {
                        // Full slivers are read from A's rows; only a last partial one is packed (zero-padded).
                        int full = mc / mr * mr;
                        if (full < mc) {
                            packA(false, a, aOff, lda, ic + full, mc - full, pc, kc, ap, full * kc);
                        }
                        apOff = 0;
                    } else if (packed == null) {
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, 0);
                        apOff = 0;
                    } else {
                        apOff = pc * mPad + ic * kc;
                    }
                    macroKernel(mc, m, nc, kc, ap, apOff, inPlace ? a : null, aOff + ic * lda + pc, lda, bp, 0,
                            alpha, beta, mode, c, cOff + ic * ldc + jc, ldc, tile);
                }
            }
        }
    }

    /**
     * Tiles of one A block against one packed B block. A's full slivers come from the packed {@code ap} or, when
     * {@code aRows} is not null, straight from A's rows ({@code aRows[aRow0 + i*lda + p]}, row i of the block).
     */
    private void macroKernel(int mc, int mTotal, int nc, int kc, float[] ap, int apOff, float[] aRows, int aRow0,
            int lda, float[] bp, int bpOff, float alpha, float beta, int mode, float[] c, int cBase, int ldc,
            float[] tile) {
        MicroKernel kern = kernel;
        int mr = this.mr;
        int nr = this.nr;
        boolean direct = mode == MicroKernel.MODE_OVERWRITE && alpha == 1f;
        // One A block (small m): keep each B sliver hot while all A slivers pass; otherwise keep each A sliver in L1
        // while the kernel sweeps the B block. Either order gives the same bits.
        boolean bOuter = mc == mTotal;
        int outerEnd = bOuter ? nc : mc;
        int outerStep = bOuter ? nr : mr;
        int innerEnd = bOuter ? mc : nc;
        int innerStep = bOuter ? mr : nr;
        for (int o = 0; o < outerEnd; o += outerStep) {
            for (int q = 0; q < innerEnd; q += innerStep) {
                int ir = bOuter ? q : o;
                int jr = bOuter ? o : q;
                int rows = Math.min(mr, mc - ir);
                int ai = apOff + ir * kc;
                int cRow = cBase + ir * ldc;
                int cols = Math.min(nr, nc - jr);
                int bi = bpOff + jr * kc;
                if (aRows != null && rows == mr) {
                    int ar = aRow0 + ir * lda;
                    if (cols == nr && direct) {
                        kern.runRows(kc, aRows, ar, lda, bp, bi, c, cRow + jr, ldc);
                    } else {
                        // B is zero-padded past nc, so a full-width tile is also right for a partial one.
                        kern.runRows(kc, aRows, ar, lda, bp, bi, tile, 0, nr);
                        if (cols == nr) {
                            kern.merge(tile, c, cRow + jr, ldc, alpha, beta, mode);
                        } else {
                            kern.mergePartial(tile, rows, cols, c, cRow + jr, ldc, alpha, beta, mode);
                        }
                    }
                } else if (rows == mr && cols == nr) {
                    if (direct) {
                        kern.run(kc, ap, ai, bp, bi, c, cRow + jr, ldc);
                    } else {
                        kern.run(kc, ap, ai, bp, bi, tile, 0, nr);
                        kern.merge(tile, c, cRow + jr, ldc, alpha, beta, mode);
                    }
                } else {
                    if (cols > kern.narrowCols || !kern.runNarrow(kc, ap, ai, bp, bi, tile, 0, nr)) {
                        kern.run(kc, ap, ai, bp, bi, tile, 0, nr);
                    }
                    kern.mergePartial(tile, rows, cols, c, cRow + jr, ldc, alpha, beta, mode);
                }
            }
        }
    }

    /**
     * Packs rows {@code [ic, ic+mc)} and depth {@code [pc, pc+kc)} of op(A) into {@code mr}-row slivers:
     * sliver s holds {@code ap[apOff + s*mr*kc + p*mr + i] = op(A)[ic + s*mr + i][pc + p]}, zero-padded past
     * {@code mc}.
     */
    void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        int mr = this.mr;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int dst = apOff + ir * kc;
            if (!transA) {
                // op(A)[i][p] = a[aOff + i*lda + p]: read mr rows, each contiguous.
                if (rows == mr && kernel.packARows(a, aOff + (ic + ir) * lda + pc, lda, kc, ap, dst)) {
                    continue;
                }
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + ir + i) * lda + pc;
                    int d = dst + i;
                    for (int p = 0; p < kc; p++) {
                        ap[d + p * mr] = a[src + p];
                    }
                }
                for (int i = rows; i < mr; i++) {
                    int d = dst + i;
                    for (int p = 0; p < kc; p++) {
                        ap[d + p * mr] = 0f;
                    }
                }
            } else {
                // op(A)[i][p] = a[aOff + p*lda + i]: mr contiguous elements per p.
                int src = aOff + pc * lda + ic + ir;
                if (rows == mr) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * mr;
                        for (int i = 0; i < mr; i++) {
                            ap[d + i] = a[s + i];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * mr;
                        for (int i = 0; i < rows; i++) {
                            ap[d + i] = a[s + i];
                        }
                        for (int i = rows; i < mr; i++) {
                            ap[d + i] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs depth {@code [pc, pc+kc)} and columns {@code [jc, jc+nc)} of op(B) into {@code nr}-column slivers:
     * sliver s holds {@code bp[s*nr*kc + p*nr + j] = op(B)[pc + p][jc + s*nr + j]}, zero-padded past {@code nc}.
     */
    void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        int nr = this.nr;
        if (!transB) {
            // op(B)[p][j] = b[bOff + p*ldb + j]: walk the source along its rows (long contiguous reads, friendly to
            // the hardware prefetcher), PACK_ROWS rows at a time so each sliver receives one contiguous run.
            int slivers = nc / nr;
            int full = slivers * nr;
            int src = bOff + pc * ldb + jc;
            int p = 0;
            for (; p + PACK_ROWS <= kc; p += PACK_ROWS) {
                kernel.scatterRows(b, src + p * ldb, ldb, PACK_ROWS, bp, p * nr, slivers, kc * nr);
            }
            if (p < kc) {
                kernel.scatterRows(b, src + p * ldb, ldb, kc - p, bp, p * nr, slivers, kc * nr);
            }
            if (full < nc) {
                int cols = nc - full;
                for (p = 0; p < kc; p++) {
                    int s = src + p * ldb + full;
                    int d = full * kc + p * nr;
                    for (int j = 0; j < cols; j++) {
                        bp[d + j] = b[s + j];
                    }
                    for (int j = cols; j < nr; j++) {
                        bp[d + j] = 0f;
                    }
                }
            }
            return;
        }
        // op(B)[p][j] = b[bOff + j*ldb + p]: a transpose. Full slivers use the kernel's fast path when it has one,
        // otherwise four source rows at a time.
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int dst = jr * kc;
            if (cols == nr && kernel.packTransposed(b, bOff + (jc + jr) * ldb + pc, ldb, kc, bp, dst)) {
                continue;
            }
            int j = 0;
            for (; j + 4 <= cols; j += 4) {
                int s0 = bOff + (jc + jr + j) * ldb + pc;
                int s1 = s0 + ldb;
                int s2 = s1 + ldb;
                int s3 = s2 + ldb;
                int d = dst + j;
                for (int p = 0; p < kc; p++) {
                    int dp = d + p * nr;
                    bp[dp] = b[s0 + p];
                    bp[dp + 1] = b[s1 + p];
                    bp[dp + 2] = b[s2 + p];
                    bp[dp + 3] = b[s3 + p];
                }
            }
            for (; j < cols; j++) {
                int s = bOff + (jc + jr + j) * ldb + pc;
                int d = dst + j;
                for (int p = 0; p < kc; p++) {
                    bp[d + p * nr] = b[s + p];
                }
            }
            for (; j < nr; j++) {
                int d = dst + j;
                for (int p = 0; p < kc; p++) {
                    bp[d + p * nr] = 0f;
                }
            }
        }
    }

    static int roundUp(int x, int r) {
        return (x + r - 1) / r * r;
    }
}
