package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.tensor.Tensor;

/** Max-pooling; {@link PoolSpec#overlapping()} is the paper's 3x3 window with stride 2. */
public final class MaxPool2d implements Layer {
    private final String name;
    private final PoolSpec spec;
    private Tensor x;
    private Tensor y;
    private Tensor dx;
    private boolean reluInput;

    public MaxPool2d(String name, PoolSpec spec) {
        this.name = name;
        this.spec = spec;
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
        return spec.outputShape(name + " (max-pool)", in);
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        y = Buffers.ensure(y, input.backend(), outputShape(input.shape()));
        input.backend().maxPoolForward(spec, input, y);
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
            dy.backend().maxPoolBackwardRelu(spec, x, y, dy, dx);
        } else {
            dy.backend().maxPoolBackward(spec, x, y, dy, dx);
        }
        return dx;
    }
}
