package io.github.alexnetjava.cuda;

/**
 * How the own SGEMM kernels run one product: the tile (128x128 with 256 threads, or 64x64 with 64), whether the
 * 128-register variant that fits two blocks per multiprocessor is used, and the split-K factor S (grid z; S > 1
 * adds a deterministic reduction pass over S partial products).
 *
 * <p>The rule: 128x128 tiles, with the split S (each slice at least {@link #MIN_SLICE} of K) that minimises a
 * wave model of the run time: ceil(blocks / slots) / S, where slots = multiprocessors x blocks per
 * multiprocessor, plus the reduction's cost (reading S x M x N partial sums, ~20 S / K of the product's time, and
 * a launch). This splits the weight gradients (K = batch x positions, M x N small) and the fully connected
 * layers at small batch many ways, and the 13x13 layers' forward products a little, where 169 or 338 tiles leave
 * the last wave of blocks mostly empty. Where even the best split leaves half the multiprocessors without a block,
 * 64x64 tiles are split to give eight blocks per multiprocessor.
 *
 * <p>System properties override the rule for measurements: {@code alexnet.cuda.gemm.split=N} (S),
 * {@code alexnet.cuda.gemm.tile=64|128} and {@code alexnet.cuda.gemm.twoBlocks=true|false}.
 */
record GemmPlan(int tile, boolean twoBlocks, int split, int kChunk) {
    static final String SPLIT_PROPERTY = "alexnet.cuda.gemm.split";
    static final String TILE_PROPERTY = "alexnet.cuda.gemm.tile";
    static final String TWO_BLOCKS_PROPERTY = "alexnet.cuda.gemm.twoBlocks";
    /** The shortest K slice worth a block of its own. */
    static final int MIN_SLICE = 512;
    /**
     * The 128-register variant is the default: on the H200 it was faster at 10 of the 14 AlexNet GEMM shapes
     * (0.55 of cuBLAS's GFLOP/s over all shapes against 0.49; docs/cuda.md).
     */
    static final boolean TWO_BLOCKS_DEFAULT = true;
    /** The most slices the wave model considers. */
    static final int MAX_SPLIT = 64;

    /** The kernel's name, e.g. sgemm_128_nt. */
    String kernel(boolean transA, boolean transB) {
        String t = tile == 128 ? (twoBlocks ? "128x2" : "128") : "64";
        return "sgemm_" + t + "_" + (transA ? "t" : "n") + (transB ? "t" : "n");
    }

    int threads() {
        return tile == 128 ? 256 : 64;
    }

    static GemmPlan choose(int m, int n, int k, int multiprocessors) {
        return choose(m, n, k, multiprocessors, Integer.getInteger(SPLIT_PROPERTY, 0),
                Integer.getInteger(TILE_PROPERTY, 0), twoBlocksProperty());
    }

    private static boolean twoBlocksProperty() {
        String v = System.getProperty(TWO_BLOCKS_PROPERTY);
        return v == null ? TWO_BLOCKS_DEFAULT : Boolean.parseBoolean(v);
    }

    /**
     * @param forcedSplit S to use (0: the rule's)
     * @param forcedTile  64 or 128 (0: the rule's)
     */
    static GemmPlan choose(int m, int n, int k, int multiprocessors, int forcedSplit, int forcedTile,
                           boolean twoBlocks) {
        int sms = Math.max(multiprocessors, 1);
        int maxSplit = Math.max(1, Math.min(MAX_SPLIT, k / MIN_SLICE));
        long tiles128 = tiles(m, n, 128);
        long slots = (long) sms * (twoBlocks ? 2 : 1);
        int split = 1;
        double best = Double.MAX_VALUE;
        for (int s = 1; s <= maxSplit; s++) {
            double cost = (double) ceilDiv(tiles128 * s, slots) / s + (s > 1 ? 20.0 * s / k + 0.02 : 0);
            if (cost < best - 1e-9) {
                best = cost;
                split = s;
            }
        }
        int tile = 128;
        if (2 * tiles128 * split < sms) { // half the GPU or more idle even split: smaller tiles
            tile = 64;
            split = clamp(ceilDiv(8L * sms, tiles(m, n, 64)), maxSplit);
        }
        if (forcedTile == 64 || forcedTile == 128) {
            tile = forcedTile;
        }
        if (forcedSplit > 0) {
            split = Math.min(forcedSplit, Math.max(k, 1));
        }
        int chunk = ceilDiv(Math.max(k, 1), split);
        chunk = ceilDiv(chunk, 8) * 8; // whole BK=8 steps per slice
        split = ceilDiv(Math.max(k, 1), chunk); // no empty slices
        return new GemmPlan(tile, twoBlocks && tile == 128, split, chunk);
    }

    static long tiles(int m, int n, int tile) {
        return (long) ceilDiv(m, tile) * ceilDiv(n, tile);
    }

    private static int clamp(long v, int max) {
        return (int) Math.max(1, Math.min(v, max));
    }

    static int ceilDiv(long a, long b) {
        return (int) ((a + b - 1) / b);
    }
}
