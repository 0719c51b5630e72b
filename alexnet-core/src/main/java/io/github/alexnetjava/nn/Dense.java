package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;

import java.util.List;

/** Fully connected layer {@code y = x W^T + b}, weight {@code [out, in]} as PyTorch's Linear. */
public final class Dense implements Layer {
    private final String name;
    private final Backend backend;
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradient = true;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public Dense(Backend backend, String name, int in, int out) {
        this.name = name;
        this.backend = backend;
        this.in = in;
        this.out = out;
        this.weight = new Parameter(name + ".weight", Parameter.Kind.WEIGHT, backend.allocate(out, in));
        this.bias = new Parameter(name + ".bias", Parameter.Kind.BIAS, backend.allocate(out));
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] outputShape(int[] shape) {
        if (shape.length != 2 || shape[1] != in) {
            throw new ShapeMismatchException(name + " (dense " + in + "->" + out + "): input expected [N, " + in
                    + "] but got " + Shapes.toString(shape));
        }
        return new int[] {shape[0], out};
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        y = Buffers.ensure(y, backend, outputShape(input.shape()));
        backend.gemm(false, true, 1f, input, weight.value(), 0f, y);
        backend.biasAdd(y, bias.value());
        x = input;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) {
            throw Buffers.noForward(name);
        }
        backend.gemm(true, false, 1f, dy, x, 0f, weight.grad());
        backend.biasGrad(dy, bias.grad());
        if (!inputGradient) {
            return null;
        }
        dx = Buffers.ensure(dx, backend, x.shape());
        backend.gemm(false, false, 1f, dy, weight.value(), 0f, dx);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public void setInputGradientNeeded(boolean needed) {
        inputGradient = needed;
    }
}
