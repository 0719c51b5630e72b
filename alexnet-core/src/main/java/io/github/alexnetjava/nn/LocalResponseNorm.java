package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;

/** Local response normalisation across channels; see {@link LrnSpec} for the two conventions. */
public final class LocalResponseNorm implements Layer {
    private final String name;
    private final LrnSpec spec;
    private Tensor x;
    private Tensor y;
    private Tensor scale;
    private Tensor dx;
    private boolean reluInput;

    public LocalResponseNorm(String name, LrnSpec spec) {
        this.name = name;
        this.spec = spec;
    }

    public LrnSpec spec() {
        return spec;
    }

    /** The input is an in-place ReLU's output whose gradient this layer's backward pass applies ({@link LayerFusion}). */
    void applyReluGradient() {
        reluInput = true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 4 || in[1] % spec.groups() != 0) {
            throw new ShapeMismatchException(name + " (LRN, " + spec.groups() + " groups): input must be [N, C, H, W]"
                    + " with C divisible by the groups, got " + Shapes.toString(in));
        }
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        int[] shape = outputShape(input.shape());
        y = Buffers.ensure(y, input.backend(), shape);
        scale = Buffers.ensure(scale, input.backend(), shape);
        input.backend().lrnForward(spec, input, y, scale);
        x = input;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) {
            throw Buffers.noForward(name);
        }
        dx = Buffers.ensure(dx, dy.backend(), x.shape());
        if (reluInput) {
            dy.backend().lrnBackwardRelu(spec, x, y, scale, dy, dx);
        } else {
            dy.backend().lrnBackward(spec, x, y, scale, dy, dx);
        }
        return dx;
    }
}
