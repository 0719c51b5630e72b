package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;

/**
 * Rectified linear unit. In place by default (the output overwrites the input, the gradient overwrites dy), as
 * the input is not needed again: the backward pass only needs the output.
 */
public final class Relu extends OutputActivation {

    public Relu(String name) {
        this(name, true);
    }

    public Relu(String name, boolean inPlace) {
        super(name, inPlace);
    }

    @Override
    void apply(Backend b, Tensor x, Tensor y) {
        b.reluForward(x, y);
    }

    @Override
    void gradient(Backend b, Tensor y, Tensor dy, Tensor dx) {
        b.reluBackward(y, dy, dx);
    }
}
