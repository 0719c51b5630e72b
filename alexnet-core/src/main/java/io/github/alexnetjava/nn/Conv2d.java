package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.tensor.Tensor;

import java.util.List;

/** 2-D convolution with stride, padding and groups, plus a bias per output channel. */
public final class Conv2d implements Layer {
    private final String name;
    private final Backend backend;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradient = true;
    private boolean fusedRelu;
    private boolean reluInput;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public Conv2d(Backend backend, String name, Conv2dSpec spec) {
        this.name = name;
        this.backend = backend;
        this.spec = spec;
        this.weight = new Parameter(name + ".weight", Parameter.Kind.WEIGHT, backend.allocate(spec.weightShape()));
        this.bias = new Parameter(name + ".bias", Parameter.Kind.BIAS, backend.allocate(spec.outChannels()));
    }

    public Conv2dSpec spec() {
        return spec;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] outputShape(int[] in) {
        return spec.outputShape(name + " (conv2d)", in);
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        y = Buffers.ensure(y, backend, outputShape(input.shape()));
        if (fusedRelu) {
            backend.conv2dForwardRelu(spec, input, weight.value(), bias.value(), y);
        } else {
            backend.conv2dForward(spec, input, weight.value(), bias.value(), y);
        }
        x = input;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) {
            throw Buffers.noForward(name);
        }
        backend.conv2dBackwardFilter(spec, x, dy, weight.grad(), bias.grad());
        if (!inputGradient) {
            return null;
        }
        dx = Buffers.ensure(dx, backend, x.shape());
        if (reluInput) {
            backend.conv2dBackwardDataRelu(spec, dy, weight.value(), x, dx);
        } else {
            backend.conv2dBackwardData(spec, dy, weight.value(), dx);
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** Rectifies the output in the forward pass: the in-place ReLU after this layer is fused ({@link LayerFusion}). */
    void fuseRelu() {
        fusedRelu = true;
    }

    boolean reluFused() {
        return fusedRelu;
    }

    /** The input is an in-place ReLU's output whose gradient this layer's backward pass applies ({@link LayerFusion}). */
    void applyReluGradient() {
        reluInput = true;
    }

    boolean inputGradientNeeded() {
        return inputGradient;
    }

    @Override
    public void setInputGradientNeeded(boolean needed) {
        inputGradient = needed;
    }
}
