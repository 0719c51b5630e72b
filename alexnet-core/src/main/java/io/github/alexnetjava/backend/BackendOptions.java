package io.github.alexnetjava.backend;

/**
 * Options a backend is created with.
 *
 * @param threads worker threads (0: one per available core; system property {@code alexnet.threads})
 * @param device  device index for backends with several devices
 */
public record BackendOptions(int threads, int device) {

    public static BackendOptions defaults() {
        return new BackendOptions(Integer.getInteger("alexnet.threads", 0), 0);
    }

    public BackendOptions withThreads(int t) {
        return new BackendOptions(t, device);
    }
}
