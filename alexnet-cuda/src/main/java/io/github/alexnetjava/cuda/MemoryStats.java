package io.github.alexnetjava.cuda;

import java.util.Locale;

/**
 * Device memory statistics of one backend's caching allocator.
 *
 * @param allocatedBytes     bytes in blocks handed out to live tensors and workspaces (rounded to size classes)
 * @param reservedBytes      bytes obtained from the driver: allocated plus cached free blocks
 * @param peakAllocatedBytes the largest {@code allocatedBytes} seen
 * @param peakReservedBytes  the largest {@code reservedBytes} seen
 * @param allocations        allocation requests served
 * @param cacheHits          requests served from a cached block, without a driver call
 * @param deviceMallocs      cuMemAlloc calls
 * @param deviceFrees        cuMemFree calls
 */
public record MemoryStats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long peakReservedBytes,
                          long allocations, long cacheHits, long deviceMallocs, long deviceFrees) {

    public long cachedBytes() {
        return reservedBytes - allocatedBytes;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "allocated %s (peak %s), reserved %s (peak %s), %d allocations, %d cache"
                        + " hits, %d cuMemAlloc, %d cuMemFree", mib(allocatedBytes), mib(peakAllocatedBytes),
                mib(reservedBytes), mib(peakReservedBytes), allocations, cacheHits, deviceMallocs, deviceFrees);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
