package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

/**
 * Hyperbolic tangent, the saturating non-linearity the paper compares ReLU against (figure 1). In place by
 * default like {@link Relu}: the backward pass needs only the output, {@code dx = dy * (1 - y^2)}.
 */
public final class Tanh implements Layer {
    private final String name;
    private final boolean inPlace;
    private Tensor y;
    private Tensor dx;

    public Tanh(String name) {
        this(name, true);
    }

    public Tanh(String name, boolean inPlace) {
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
        x.backend().tanhForward(x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (y == null) {
            throw Buffers.noForward(name);
        }
        dx = inPlace ? dy : Buffers.ensure(dx, dy.backend(), dy.shape());
        dy.backend().tanhBackward(y, dy, dx);
        return dx;
    }
}
