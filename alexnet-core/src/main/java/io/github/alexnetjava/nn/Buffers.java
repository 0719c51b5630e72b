package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;

/** Keeps a layer's buffer and reallocates it only when the wanted shape changes. */
final class Buffers {
    private Buffers() {
    }

    static Tensor ensure(Tensor current, Backend backend, int[] shape) {
        if (current != null && current.backend() == backend && current.hasShape(shape)) {
            return current;
        }
        return backend.allocate(shape);
    }

    static IllegalStateException noForward(String layer) {
        return new IllegalStateException(layer + ": backward called before forward");
    }
}
