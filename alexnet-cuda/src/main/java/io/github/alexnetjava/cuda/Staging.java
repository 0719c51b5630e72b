package io.github.alexnetjava.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Pinned (page-locked) host buffers for the data path. Uploads go through a ring of {@value #SLOTS} slots of at
 * most {@value #CHUNK} bytes each: the host copies into a slot and queues an asynchronous copy; a slot is reused
 * only after its event says the copy is done, so uploads never wait for the compute queued before them unless
 * the ring is full. Downloads use one pinned buffer and synchronise the stream (the result is needed now).
 */
final class Staging implements AutoCloseable {
    static final int SLOTS = 4;
    static final long CHUNK = 16L << 20;

    /** Fills a host buffer with {@code bytes} bytes starting at element offset {@code from}. */
    interface Source {
        void put(ByteBuffer dst, long fromByte, long bytes);
    }

    private final CUstream stream;
    private final Pointer[] host = new Pointer[SLOTS];
    private final long[] capacity = new long[SLOTS];
    private final CUevent[] events = new CUevent[SLOTS];
    private final boolean[] pending = new boolean[SLOTS];
    private int next;
    private Pointer down;
    private long downCapacity;

    Staging(CUstream stream) {
        this.stream = stream;
        for (int i = 0; i < SLOTS; i++) {
            events[i] = new CUevent();
            CudaCheck.driver(JCudaDriver.cuEventCreate(events[i], CUevent_flags.CU_EVENT_DISABLE_TIMING),
                    "cuEventCreate");
        }
    }

    /** Queues a host-to-device copy of {@code bytes} bytes produced by {@code src} into {@code dst}. */
    synchronized void upload(Source src, CUdeviceptr dst, long bytes) {
        for (long off = 0; off < bytes; off += CHUNK) {
            long n = Math.min(CHUNK, bytes - off);
            int s = next;
            next = (next + 1) % SLOTS;
            if (pending[s]) {
                CudaCheck.driver(JCudaDriver.cuEventSynchronize(events[s]), "cuEventSynchronize(staging slot)");
                pending[s] = false;
            }
            if (capacity[s] < n) {
                if (host[s] != null) {
                    CudaCheck.driver(JCudaDriver.cuMemFreeHost(host[s]), "cuMemFreeHost");
                    host[s] = null;
                    capacity[s] = 0;
                }
                long cap = Math.max(n, 1L << 20);
                Pointer p = new Pointer();
                CudaCheck.driver(JCudaDriver.cuMemAllocHost(p, cap), "cuMemAllocHost(" + cap + " bytes)");
                host[s] = p;
                capacity[s] = cap;
            }
            ByteBuffer bb = host[s].getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            src.put(bb, off, n);
            CudaCheck.driver(JCudaDriver.cuMemcpyHtoDAsync(dst.withByteOffset(off), host[s], n, stream),
                    "cuMemcpyHtoDAsync(" + n + " bytes)");
            CudaCheck.driver(JCudaDriver.cuEventRecord(events[s], stream), "cuEventRecord");
            pending[s] = true;
        }
    }

    /** Copies {@code bytes} bytes from the device after the queued work, handing each chunk to {@code sink}. */
    synchronized void download(CUdeviceptr src, long bytes, Sink sink) {
        for (long off = 0; off < bytes; off += CHUNK) {
            long n = Math.min(CHUNK, bytes - off);
            if (downCapacity < n) {
                if (down != null) {
                    CudaCheck.driver(JCudaDriver.cuMemFreeHost(down), "cuMemFreeHost");
                    down = null;
                    downCapacity = 0;
                }
                long cap = Math.max(n, 1L << 16);
                Pointer p = new Pointer();
                CudaCheck.driver(JCudaDriver.cuMemAllocHost(p, cap), "cuMemAllocHost(" + cap + " bytes)");
                down = p;
                downCapacity = cap;
            }
            CudaCheck.driver(JCudaDriver.cuMemcpyDtoHAsync(down, src.withByteOffset(off), n, stream),
                    "cuMemcpyDtoHAsync(" + n + " bytes)");
            CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (download)");
            sink.take(down.getByteBuffer(0, n).order(ByteOrder.nativeOrder()), off, n);
        }
    }

    interface Sink {
        void take(ByteBuffer src, long fromByte, long bytes);
    }

    @Override
    public synchronized void close() {
        for (int i = 0; i < SLOTS; i++) {
            if (pending[i]) {
                JCudaDriver.cuEventSynchronize(events[i]);
            }
            if (host[i] != null) {
                JCudaDriver.cuMemFreeHost(host[i]);
                host[i] = null;
            }
            JCudaDriver.cuEventDestroy(events[i]);
        }
        if (down != null) {
            JCudaDriver.cuMemFreeHost(down);
            down = null;
        }
    }
}
