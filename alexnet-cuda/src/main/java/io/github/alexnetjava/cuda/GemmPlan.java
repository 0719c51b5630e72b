package io.github.alexnetjava.cuda;

/**
 * How the own SGEMM kernels run one product: the tile (128x128 with 256 threads, or 64x64 with 64), whether the
 * 128-register variant that fits two blocks per multiprocessor is used, and the split-K factor S (grid z; S > 1
 * adds a deterministic reduction pass over S partial products).
 *
 * <p>The rule: 128x128 tiles when they alone give every multiprocessor a block; otherwise split K so that the
 * 128x128 blocks number at least twice the multiprocessors, as long as each slice keeps {@link #MIN_SLICE}
 * of K; where that is still too few blocks, 64x64 tiles split the same way. The weight gradients
 * (K = batch x positions, M x N small) and the fully connected layers at small batch are the cases it changes.
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
    /** The default for the 128-register variant (set from the H200 measurements in docs/cuda.md). */
    static final boolean TWO_BLOCKS_DEFAULT = false;

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
        int maxSplit = Math.max(1, k / MIN_SLICE);
        long tiles128 = tiles(m, n, 128);
        int tile;
        int split;
        if (tiles128 >= sms) {
            tile = 128;
            split = 1;
        } else {
            int s128 = clamp(ceilDiv(2L * sms, tiles128), maxSplit);
            if (tiles128 * s128 >= sms) {
                tile = 128;
                split = s128;
            } else {
                tile = 64;
                split = clamp(ceilDiv(8L * sms, tiles(m, n, 64)), maxSplit);
            }
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
