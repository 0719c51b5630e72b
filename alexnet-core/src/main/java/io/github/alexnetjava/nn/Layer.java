package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

import java.util.List;

/**
 * One layer: shape inference, forward and backward (Caffe's setup/forward/backward). A layer owns its output
 * and input-gradient buffers and reuses them while the batch shape stays the same, so a training step does not
 * allocate. The tensor returned by {@link #forward} stays valid until the next forward call.
 */
public interface Layer {

    /** The layer's name, unique within a network (e.g. {@code conv1}). */
    String name();

    /** Output shape for an input shape (batch first); throws a ShapeMismatchException naming the layer. */
    int[] outputShape(int[] inputShape);

    Tensor forward(Tensor x, Pass pass);

    /**
     * Given dL/dy for the last forward pass, writes the parameter gradients and returns dL/dx (null when the
     * input gradient was switched off with {@link #setInputGradientNeeded}).
     */
    Tensor backward(Tensor dy);

    default List<Parameter> parameters() {
        return List.of();
    }

    /** The first layer of a network needs no input gradient; skipping it saves a whole backward-data pass. */
    default void setInputGradientNeeded(boolean needed) {
    }
}
