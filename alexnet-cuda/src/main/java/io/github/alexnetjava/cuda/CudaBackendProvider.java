package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.BackendProvider;

/**
 * Registers the CUDA backend under the name {@code cuda}. {@link #unavailableReason()} says exactly why it cannot
 * run (no libcuda.so.1, driver too old, no GPU, kernels that do not load) without throwing.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String unavailableReason() {
        try {
            return CudaProbe.get().unavailableReason();
        } catch (Throwable t) {
            return "CUDA probe failed: " + TierSelector.describe(t);
        }
    }

    @Override
    public Backend create(BackendOptions options) {
        return new CudaBackend(options);
    }
}
