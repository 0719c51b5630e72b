package io.github.alexnetjava.cuda;

/**
 * Device memory ran out even after the allocator released its cache and waited for unreachable tensors to be
 * collected. The message names the request, what is in use and cached, the device's free and total memory, and
 * suggests a smaller batch.
 */
public final class CudaOutOfMemoryException extends CudaException {
    private final long requestedBytes;

    public CudaOutOfMemoryException(String message, long requestedBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
