package io.github.alexnetjava.tensor;

import io.github.alexnetjava.backend.Backend;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (NCHW for images) order, owned by one {@link Backend}.
 *
 * <p>The storage lives wherever the backend keeps it (a Java array for the CPU backend, device memory
 * for a GPU backend). Tensors never cross backends implicitly: use {@link Backend#copyFrom(Tensor)} or
 * {@link #toArray()} to move data.
 */
public abstract class Tensor {
    private final int[] shape;
    private final int size;

    protected Tensor(int[] shape) {
        this.shape = Shapes.validate(shape);
        this.size = Shapes.size(this.shape);
    }

    /** The backend that owns this tensor's storage. */
    public abstract Backend backend();

    /** A view with another shape over the same storage (same element count). */
    public abstract Tensor reshape(int... newShape);

    /** A copy of the contents, on the host, in row-major order. */
    public float[] toArray() {
        return backend().download(this);
    }

    public final int[] shape() {
        return shape.clone();
    }

    public final int rank() {
        return shape.length;
    }

    public final int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public final int size() {
        return size;
    }

    public final boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    public final String shapeString() {
        return Shapes.toString(shape);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + shapeString() + "@" + backend().name();
    }
}
