package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --threads}, shared by every command that computes (a picocli mixin). */
final class ComputeOptions {
    @Option(names = "--backend",
            description = "Backend name (default: -Dalexnet.backend, ALEXNET_BACKEND or cpu).")
    String backendName;

    @Option(names = "--threads",
            description = "Compute threads (default: -Dalexnet.threads, else one per core).")
    Integer threads;

    /** The chosen backend's name: the option, else the property, environment variable or default. */
    String backendName() {
        return backendName != null ? backendName : Backends.configuredName();
    }

    /** The chosen thread count (0: one per core). */
    int threads() {
        return threads != null ? threads : BackendOptions.defaults().threads();
    }

    BackendOptions options() {
        return new BackendOptions(threads(), 0);
    }

    /** A new backend as chosen. */
    Backend create() {
        return Backends.create(backendName(), options());
    }
}
