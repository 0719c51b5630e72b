package io.github.alexnetjava.parity;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.testutil.Npy;
import io.github.alexnetjava.tensor.Tensor;

/** The backend under test (system property {@code alexnet.backend}, default cpu) and upload helpers. */
final class ParityBackend {
    private ParityBackend() {
    }

    static Backend create() {
        return Backends.create();
    }

    static Tensor upload(Backend b, Npy.Array a) {
        return b.fromArray(a.floats(), a.shape());
    }
}
