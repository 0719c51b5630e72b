package io.github.alexnetjava.nn;

import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;

/**
 * Dropout, <b>inverted</b>: during training each unit is kept with probability 1-p and scaled by 1/(1-p); at test
 * time the layer is the identity. The paper instead keeps units unscaled and multiplies outputs by 1-p (0.5) at
 * test; the two give the same expected activations and equivalent networks (weights after this layer differ by
 * the factor 1-p), and inverted dropout needs no work at inference.
 *
 * <p>The mask of element i at training step t is {@code CounterRng.uniform(stream(seed, layerId, t), i) >= p}:
 * a pure function of (seed, layer id, step, index), the same on every backend, thread count and device split.
 */
public final class Dropout implements Layer {
    private final String name;
    private final float p;
    private final long layerId;
    private long stream;
    private boolean trained;
    private Tensor y;
    private Tensor dx;
    /** Whether the input is an in-place ReLU's output whose gradient backward applies (see LayerFusion). */
    private boolean reluInput;
    private Tensor x;

    public Dropout(String name, float p, long layerId) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException(name + ": dropout probability must be in [0, 1), got " + p);
        }
        this.name = name;
        this.p = p;
        this.layerId = layerId;
    }

    public float probability() {
        return p;
    }

    public long layerId() {
        return layerId;
    }

    /** Makes backward also apply the gradient of the in-place ReLU whose output this layer's input is. */
    void applyReluGradient() {
        reluInput = true;
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
        trained = pass.training() && p > 0f;
        this.x = reluInput ? x : null;
        if (!trained) {
            return x;
        }
        stream = CounterRng.stream(pass.seed(), layerId, pass.step());
        y = Buffers.ensure(y, x.backend(), x.shape());
        x.backend().dropoutForward(p, stream, x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (!trained && !reluInput) {
            return dy;
        }
        if (reluInput && x == null) {
            throw Buffers.noForward(name);
        }
        dx = Buffers.ensure(dx, dy.backend(), dy.shape());
        if (!trained) {
            dy.backend().reluBackward(x, dy, dx);
        } else if (reluInput) {
            dy.backend().dropoutBackwardRelu(p, stream, x, dy, dx);
        } else {
            dy.backend().dropoutBackward(p, stream, dy, dx);
        }
        return dx;
    }
}
