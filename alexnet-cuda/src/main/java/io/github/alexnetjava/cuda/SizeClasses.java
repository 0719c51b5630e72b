package io.github.alexnetjava.cuda;

/**
 * Size classes of the caching allocator. Requests up to 1 MiB are rounded up to a multiple of 512 bytes (as
 * PyTorch's small pool); larger ones to one of four classes per power of two (1, 1.25, 1.5, 1.75 x 2^k, at least
 * 2 MiB granularity), so a freed block serves every later request of its class and the waste is at most 25%.
 */
public final class SizeClasses {
    public static final long MIN_BLOCK = 512;
    public static final long SMALL_LIMIT = 1L << 20;
    public static final long LARGE_GRANULE = 2L << 20;

    private SizeClasses() {
    }

    /** The block size that serves a request of {@code bytes} (0 or negative requests get the minimum block). */
    public static long round(long bytes) {
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        if (bytes <= SMALL_LIMIT) {
            return ceil(bytes, MIN_BLOCK);
        }
        int k = 63 - Long.numberOfLeadingZeros(bytes - 1); // 2^k < bytes <= 2^(k+1)
        long base = 1L << k;
        long step = Math.max(base / 4, LARGE_GRANULE);
        long r = ceil(bytes, step);
        return Math.max(r, ceil(bytes, LARGE_GRANULE));
    }

    /** True for sizes served by the small pool. */
    public static boolean isSmall(long blockSize) {
        return blockSize <= SMALL_LIMIT;
    }

    private static long ceil(long v, long m) {
        long r = (v + m - 1) / m * m;
        if (r < v) {
            throw new IllegalArgumentException("allocation of " + v + " bytes overflows");
        }
        return r;
    }
}
