package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;

/** A tensor stored in a Java float array (row-major). Views made by {@link #reshape} share the array. */
public final class CpuTensor extends Tensor {
    private final CpuBackend backend;
    final float[] data;

    CpuTensor(CpuBackend backend, float[] data, int[] shape) {
        super(shape);
        this.backend = backend;
        this.data = data;
        if (data.length != size()) {
            throw new ShapeMismatchException("tensor data has " + data.length + " elements but shape "
                    + Shapes.toString(shape) + " needs " + size());
        }
    }

    @Override
    public CpuBackend backend() {
        return backend;
    }

    @Override
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size()) {
            throw new ShapeMismatchException("reshape: cannot view " + shapeString() + " (" + size()
                    + " elements) as " + Shapes.toString(newShape));
        }
        return new CpuTensor(backend, data, newShape);
    }

    /** The backing array (shared, not a copy): the CPU backend's zero-copy access for loaders and tests. */
    public float[] data() {
        return data;
    }
}
