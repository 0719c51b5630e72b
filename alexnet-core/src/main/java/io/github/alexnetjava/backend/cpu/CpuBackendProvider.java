package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.BackendProvider;

/** Registers the CPU backend under the name {@code cpu}. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Backend create(BackendOptions options) {
        return new CpuBackend(options);
    }
}
