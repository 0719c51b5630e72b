package io.github.alexnetjava.cuda;

/** A failed CUDA driver, cuBLAS or cuDNN call: the message names the call and the status. */
public class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String statusName) {
        super(call + " failed: " + statusName + " (" + status + ")");
        this.call = call;
        this.status = status;
    }

    protected CudaException(String message) {
        super(message);
        this.call = null;
        this.status = 0;
    }

    /** The API call that failed (e.g. {@code cuMemAlloc}), or null for errors not tied to one call. */
    public String call() {
        return call;
    }

    /** The library's status code. */
    public int status() {
        return status;
    }
}
