package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;

/**
 * Hyperbolic tangent, the saturating non-linearity the paper compares ReLU against (figure 1). In place by
 * default like {@link Relu}: the backward pass needs only the output, {@code dx = dy * (1 - y^2)}.
 */
public final class Tanh extends OutputActivation {

    public Tanh(String name) {
        this(name, true);
    }

    public Tanh(String name, boolean inPlace) {
        super(name, inPlace);
    }

    @Override
    void apply(Backend b, Tensor x, Tensor y) {
        b.tanhForward(x, y);
    }

    @Override
    void gradient(Backend b, Tensor y, Tensor dy, Tensor dx) {
        b.tanhBackward(y, dy, dx);
    }
}
