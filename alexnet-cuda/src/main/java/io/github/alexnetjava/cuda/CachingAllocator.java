package io.github.alexnetjava.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A caching device allocator in the manner of PyTorch's: freed blocks go to per-size-class free lists
 * ({@link SizeClasses}) and are handed out again without a driver call. All work of a backend runs on its one
 * stream, so a block freed on the host can be reused at once: later work on the stream runs after the work that
 * used it (stream-ordered reuse).
 *
 * <p>When the device runs out, the allocator synchronises, returns its cache to the driver, asks the JVM to
 * collect unreachable tensors (their cleaners release blocks) and retries, then throws a
 * {@link CudaOutOfMemoryException} that names the request and the memory in use.
 *
 * <p>The device calls go through {@link Device}, so the bookkeeping is tested without a GPU. Thread-safe: tensors'
 * cleaners release blocks from the JVM's cleaner thread.
 *
 * @param <P> the device pointer type
 */
public final class CachingAllocator<P> {

    /** The driver calls the allocator needs. */
    public interface Device<P> {
        /** A new device allocation, or null when the device is out of memory (other failures throw). */
        P malloc(long bytes);

        void free(P ptr);

        /** Free and total device memory in bytes, or null if unknown. */
        long[] memInfo();

        /** Waits for all queued work, before memory is returned to the driver. */
        void synchronize();
    }

    /** A block of device memory. */
    public static final class Block<P> {
        private final P ptr;
        private final long size;
        private boolean inUse;
        private boolean freed;

        private Block(P ptr, long size) {
            this.ptr = ptr;
            this.size = size;
        }

        public P ptr() {
            return ptr;
        }

        /** The block's size (the request rounded up to its size class). */
        public long size() {
            return size;
        }
    }

    private final Device<P> device;
    private final Runnable collectGarbage;
    private final Map<Long, ArrayDeque<Block<P>>> free = new HashMap<>();
    private final List<Block<P>> all = new ArrayList<>();
    private long allocated;
    private long reserved;
    private long peakAllocated;
    private long peakReserved;
    private long allocations;
    private long cacheHits;
    private long mallocs;
    private long frees;
    private boolean closed;

    /**
     * @param device         the driver calls
     * @param collectGarbage run between retries when the device is full; should make the JVM collect unreachable
     *                       tensors so their blocks come back (the backend passes {@code System.gc()} plus a short
     *                       wait for the cleaner thread)
     */
    public CachingAllocator(Device<P> device, Runnable collectGarbage) {
        this.device = Objects.requireNonNull(device);
        this.collectGarbage = collectGarbage == null ? () -> { } : collectGarbage;
    }

    /**
     * A block of at least {@code bytes}.
     *
     * @param what what the memory is for, for the out-of-memory message (e.g. "tensor [128, 96, 55, 55]")
     */
    public Block<P> allocate(long bytes, String what) {
        long size = SizeClasses.round(bytes);
        synchronized (this) {
            ensureOpen();
            allocations++;
            ArrayDeque<Block<P>> list = free.get(size);
            if (list != null && !list.isEmpty()) {
                Block<P> b = list.pop();
                b.inUse = true;
                cacheHits++;
                allocated += size;
                peakAllocated = Math.max(peakAllocated, allocated);
                return b;
            }
            P p = device.malloc(size);
            if (p == null) {
                // 1: give the cache back to the driver and retry.
                releaseCachedLocked();
                p = device.malloc(size);
            }
            if (p != null) {
                return track(p, size);
            }
        }
        // 2: unreachable tensors may still hold blocks: let the cleaners run (outside the lock: they release).
        collectGarbage.run();
        synchronized (this) {
            ensureOpen();
            ArrayDeque<Block<P>> list = free.get(size);
            if (list != null && !list.isEmpty()) {
                Block<P> b = list.pop();
                b.inUse = true;
                cacheHits++;
                allocated += size;
                peakAllocated = Math.max(peakAllocated, allocated);
                return b;
            }
            releaseCachedLocked();
            P p = device.malloc(size);
            if (p != null) {
                return track(p, size);
            }
            throw outOfMemory(bytes, size, what);
        }
    }

    private Block<P> track(P p, long size) {
        mallocs++;
        Block<P> b = new Block<>(p, size);
        b.inUse = true;
        all.add(b);
        allocated += size;
        reserved += size;
        peakAllocated = Math.max(peakAllocated, allocated);
        peakReserved = Math.max(peakReserved, reserved);
        return b;
    }

    private CudaOutOfMemoryException outOfMemory(long bytes, long size, String what) {
        long[] info = device.memInfo();
        String dev = info == null ? "" : "; the device has " + MemoryStats.mib(info[0]) + " free of "
                + MemoryStats.mib(info[1]) + " total (other processes may hold the rest)";
        return new CudaOutOfMemoryException("CUDA out of memory: tried to allocate " + MemoryStats.mib(bytes)
                + " (" + bytes + " bytes, block " + size + ") for " + what + "; " + MemoryStats.mib(allocated)
                + " is in use by this backend's tensors and workspaces, " + MemoryStats.mib(reserved - allocated)
                + " cached (already released and retried)" + dev
                + ". Try a smaller batch size (--batch) or a smaller model.",
                bytes);
    }

    /** Returns a block to its free list (idempotent; ignored after {@link #close}). */
    public synchronized void release(Block<P> b) {
        if (closed || b.freed || !b.inUse) {
            return;
        }
        b.inUse = false;
        allocated -= b.size;
        free.computeIfAbsent(b.size, s -> new ArrayDeque<>()).push(b);
    }

    /** Returns every cached (free) block to the driver, after waiting for queued work. */
    public synchronized void emptyCache() {
        if (!closed) {
            releaseCachedLocked();
        }
    }

    private void releaseCachedLocked() {
        boolean any = false;
        for (ArrayDeque<Block<P>> list : free.values()) {
            if (!list.isEmpty()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        device.synchronize();
        for (ArrayDeque<Block<P>> list : free.values()) {
            for (Block<P> b : list) {
                freeBlock(b);
            }
            list.clear();
        }
        all.removeIf(b -> b.freed);
    }

    private void freeBlock(Block<P> b) {
        b.freed = true;
        reserved -= b.size;
        frees++;
        device.free(b.ptr);
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(allocated, reserved, peakAllocated, peakReserved, allocations, cacheHits, mallocs,
                frees);
    }

    /** Resets the peaks to the current values. */
    public synchronized void resetPeaks() {
        peakAllocated = allocated;
        peakReserved = reserved;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frees every block, in use or cached; tensors of this allocator are invalid afterwards. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Block<P> b : all) {
            if (!b.freed) {
                try {
                    freeBlock(b);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        all.clear();
        free.clear();
        allocated = 0;
        if (first != null) {
            throw first;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed; its memory has been freed");
        }
    }
}
