package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;

/**
 * An element-wise activation whose derivative is a function of its output (ReLU, tanh). In place by default (the
 * output overwrites the input, the gradient overwrites dy), as the input is not needed again.
 */
abstract class OutputActivation implements Layer {
    private final String name;
    private final boolean inPlace;
    /** The layer before has already applied f to its output, in place (see {@link LayerFusion}). */
    private boolean appliedByProducer;
    /** The layer after applies f' to its input gradient, so dy already is dx (see {@link LayerFusion}). */
    private boolean gradientByConsumer;
    private Tensor y;
    private Tensor dx;

    OutputActivation(String name, boolean inPlace) {
        this.name = name;
        this.inPlace = inPlace;
    }

    /** {@code y = f(x)} on the backend. */
    abstract void apply(Backend b, Tensor x, Tensor y);

    /** {@code dx = dy * f'(x)} expressed through {@code y}, on the backend. */
    abstract void gradient(Backend b, Tensor y, Tensor dy, Tensor dx);

    /** Whether the output overwrites the input. */
    final boolean inPlace() {
        return inPlace;
    }

    /** The layer before applies f to its output from now on: only valid in place. */
    final void appliedByProducer() {
        if (!inPlace) {
            throw new IllegalStateException(name + ": only an in-place activation can be fused into the layer before");
        }
        appliedByProducer = true;
    }

    /** The layer after applies f' in its backward pass from now on: only valid in place. */
    final void gradientAppliedByConsumer() {
        if (!inPlace) {
            throw new IllegalStateException(name + ": only an in-place activation can be fused into the layer after");
        }
        gradientByConsumer = true;
    }

    boolean gradientFused() {
        return gradientByConsumer;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public final Tensor forward(Tensor x, Pass pass) {
        y = inPlace ? x : Buffers.ensure(y, x.backend(), x.shape());
        if (!appliedByProducer) {
            apply(x.backend(), x, y);
        }
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        if (y == null) {
            throw Buffers.noForward(name);
        }
        dx = inPlace ? dy : Buffers.ensure(dx, dy.backend(), dy.shape());
        if (!gradientByConsumer) {
            gradient(dy.backend(), y, dy, dx);
        }
        return dx;
    }
}
