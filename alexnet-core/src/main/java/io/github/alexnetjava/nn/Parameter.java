package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

/**
 * A trainable tensor and its gradient. {@link Kind} decides the defaults the optimiser applies (weight decay on
 * weights only, as Caffe's AlexNet) and the paper's initialisation.
 */
public final class Parameter {
    /** Weights (decayed) or biases (not decayed by default). */
    public enum Kind { WEIGHT, BIAS }

    private final String name;
    private final Kind kind;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(String name, Kind kind, Tensor value) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.grad = value.backend().allocate(value.shape());
    }

    /** Qualified name such as {@code conv1.weight}. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Tensor value() {
        return value;
    }

    /** dL/d(value) of the last backward pass (overwritten by each backward). */
    public Tensor grad() {
        return grad;
    }

    public int[] shape() {
        return value.shape();
    }

    public long size() {
        return value.size();
    }

    @Override
    public String toString() {
        return name + value.shapeString();
    }
}
