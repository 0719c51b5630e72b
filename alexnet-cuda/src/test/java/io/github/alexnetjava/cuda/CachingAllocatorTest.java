package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator's bookkeeping against a fake device with a fixed capacity. */
class CachingAllocatorTest {

    static final class FakeDevice implements CachingAllocator.Device<Long> {
        final long capacity;
        long used;
        long next = 1;
        int mallocs;
        int frees;
        int syncs;
        final Set<Long> live = new HashSet<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public Long malloc(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            used += bytes;
            mallocs++;
            long p = next++;
            live.add(p);
            sizes.put(p, bytes);
            return p;
        }

        @Override
        public void free(Long ptr) {
            assertTrue(live.remove(ptr), "double free of " + ptr);
            used -= sizes.remove(ptr);
            frees++;
        }

        @Override
        public long[] memInfo() {
            return new long[] {capacity - used, capacity};
        }

        @Override
        public void synchronize() {
            syncs++;
        }
    }

    @Test
    void freedBlocksAreReusedByTheirSizeClass() {
        FakeDevice dev = new FakeDevice(1L << 30);
        CachingAllocator<Long> a = new CachingAllocator<>(dev, null);
        CachingAllocator.Block<Long> b1 = a.allocate(1000, "t1");
        assertEquals(1024, b1.size());
        a.release(b1);
        CachingAllocator.Block<Long> b2 = a.allocate(700, "t2"); // same 1024-byte class
        assertSame(b1, b2);
        CachingAllocator.Block<Long> b3 = a.allocate(2000, "t3");
        assertNotSame(b1, b3);
        MemoryStats s = a.stats();
        assertEquals(3, s.allocations());
        assertEquals(1, s.cacheHits());
        assertEquals(2, s.deviceMallocs());
        assertEquals(1024 + 2048, s.allocatedBytes());
        assertEquals(1024 + 2048, s.reservedBytes());
        a.release(b2);
        a.release(b2); // idempotent
        assertEquals(2048, a.stats().allocatedBytes());
        assertEquals(3072, a.stats().reservedBytes());
        assertEquals(3072, a.stats().peakAllocatedBytes());
        a.emptyCache();
        assertEquals(2048, a.stats().reservedBytes());
        assertEquals(1, dev.frees);
        a.close();
        assertTrue(dev.live.isEmpty(), "close frees everything, in use or cached");
        assertThrows(IllegalStateException.class, () -> a.allocate(1, "after close"));
        a.release(b3); // a cleaner running after close is harmless
    }

    @Test
    void fullDeviceReleasesTheCacheThenCollectsGarbageThenThrowsANamedOutOfMemory() {
        FakeDevice dev = new FakeDevice(10L << 20);
        List<CachingAllocator.Block<Long>> pending = new ArrayList<>();
        CachingAllocator<Long>[] ref = new CachingAllocator[1];
        int[] gcRuns = {0};
        // "garbage collection" releases the blocks in `pending`, as tensor cleaners would
        ref[0] = new CachingAllocator<>(dev, () -> {
            gcRuns[0]++;
            pending.forEach(ref[0]::release);
            pending.clear();
        });
        CachingAllocator<Long> a = ref[0];
        CachingAllocator.Block<Long> cached = a.allocate(4L << 20, "x");
        a.release(cached); // cached 4 MiB
        CachingAllocator.Block<Long> big = a.allocate(8L << 20, "y"); // needs the cache back
        assertEquals(1, dev.frees);
        assertEquals(0, gcRuns[0]);
        pending.add(big); // unreachable but not yet released
        CachingAllocator.Block<Long> again = a.allocate(8L << 20, "z");
        assertEquals(1, gcRuns[0]);
        assertSame(big, again, "the collected block is reused");
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> a.allocate(6L << 20, "tensor [128, 4096]"));
        assertEquals(6L << 20, e.requestedBytes());
        String m = e.getMessage();
        assertTrue(m.contains("tensor [128, 4096]"), m);
        assertTrue(m.contains("6.0 MiB"), m);
        assertTrue(m.contains("8.0 MiB is in use"), m);
        assertTrue(m.contains("smaller batch"), m);
        assertTrue(m.contains("free of 10.0 MiB total"), m);
        a.close();
    }
}
