package io.github.alexnetjava.cuda;

import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;
import jcuda.driver.CUdeviceptr;

import java.lang.ref.Cleaner;

/**
 * A float32 tensor in device memory of one {@link CudaBackend}. Views made by {@link #reshape} share the storage.
 * The storage returns its block to the backend's caching allocator when the last view becomes unreachable (a
 * {@link Cleaner}), or when the backend closes.
 */
public final class CudaTensor extends Tensor {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Device memory shared by a tensor and its views. */
    static final class Storage {
        final CUdeviceptr ptr;
        final long bytes;

        Storage(CachingAllocator<CUdeviceptr> allocator, CachingAllocator.Block<CUdeviceptr> block, long bytes) {
            this.ptr = block.ptr();
            this.bytes = bytes;
            CLEANER.register(this, new Release(allocator, block));
        }
    }

    /** Must not reference the storage, or it would never become unreachable. */
    private record Release(CachingAllocator<CUdeviceptr> allocator, CachingAllocator.Block<CUdeviceptr> block)
            implements Runnable {
        @Override
        public void run() {
            allocator.release(block);
        }
    }

    private final CudaBackend backend;
    final Storage storage;

    CudaTensor(CudaBackend backend, Storage storage, int[] shape) {
        super(shape);
        this.backend = backend;
        this.storage = storage;
        if ((long) size() * Float.BYTES > storage.bytes) {
            throw new ShapeMismatchException("tensor storage has " + storage.bytes + " bytes but shape "
                    + Shapes.toString(shape) + " needs " + (long) size() * Float.BYTES);
        }
    }

    @Override
    public CudaBackend backend() {
        return backend;
    }

    @Override
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size()) {
            throw new ShapeMismatchException("reshape: cannot view " + shapeString() + " (" + size()
                    + " elements) as " + Shapes.toString(newShape));
        }
        return new CudaTensor(backend, storage, newShape);
    }

    /** The device address (valid while this tensor is reachable and the backend open). */
    CUdeviceptr ptr() {
        return storage.ptr;
    }
}
