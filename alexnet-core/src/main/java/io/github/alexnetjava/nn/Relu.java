package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

/**
 * Rectified linear unit. In place by default (the output overwrites the input, the gradient overwrites dy), as
 * the input is not needed again: the backward pass only needs the output.
 */
public final class Relu implements Layer {
    private final String name;
    private final boolean inPlace;
    private Tensor y;
    private Tensor dx;

    public Relu(String name) {
        this(name, true);
    }

    public Relu(String name, boolean inPlace) {
        this.name = name;
        this.inPlace = inPlace;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        y = inPlace ? x : Buffers.ensure(y, x.backend(), x.shape());
        x.backend().reluForward(x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (y == null) {
            throw Buffers.noForward(name);
        }
        dx = inPlace ? dy : Buffers.ensure(dx, dy.backend(), dy.shape());
        dy.backend().reluBackward(y, dy, dx);
        return dx;
    }
}
