package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

/** {@code [N, C, H, W] -> [N, C*H*W]} as a view (no copy), in PyTorch's order. */
public final class Flatten implements Layer {
    private final String name;
    private int[] inShape;

    public Flatten(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] outputShape(int[] in) {
        int rest = 1;
        for (int i = 1; i < in.length; i++) {
            rest *= in[i];
        }
        return new int[] {in[0], rest};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        inShape = x.shape();
        return x.reshape(outputShape(inShape));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inShape == null) {
            throw Buffers.noForward(name);
        }
        return dy.reshape(inShape);
    }
}
