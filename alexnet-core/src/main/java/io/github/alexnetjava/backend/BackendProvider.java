package io.github.alexnetjava.backend;

/**
 * Service-provider interface: each backend module registers one implementation in
 * {@code META-INF/services/io.github.alexnetjava.backend.BackendProvider}.
 */
public interface BackendProvider {

    /** The name users select the backend by (lower case, e.g. {@code cpu}, {@code cuda}). */
    String name();

    /** Why the backend cannot run here, or null when it can (e.g. "no CUDA driver: libcuda.so.1 not found"). */
    default String unavailableReason() {
        return null;
    }

    /** A new backend instance; each owns its own memory and threads. */
    Backend create(BackendOptions options);
}
