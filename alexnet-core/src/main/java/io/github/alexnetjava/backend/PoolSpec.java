package io.github.alexnetjava.backend;

import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.ShapeMismatchException;

/**
 * Max-pooling window: the paper's overlapping pooling is kernel 3, stride 2. Output size uses floor, as
 * PyTorch's default. Ties go to the first maximum in row-major scan order (as PyTorch's CPU kernel).
 */
public record PoolSpec(int kernel, int stride, int padding) {

    public PoolSpec {
        if (kernel <= 0 || stride <= 0 || padding < 0 || padding * 2 > kernel) {
            throw new IllegalArgumentException("invalid max-pool kernel=" + kernel + " stride=" + stride
                    + " padding=" + padding + " (need kernel>0, stride>0, 0<=padding<=kernel/2)");
        }
    }

    /** The paper's overlapping pooling, z=3, s=2. */
    public static PoolSpec overlapping() {
        return new PoolSpec(3, 2, 0);
    }

    public int out(int in) {
        return (in + 2 * padding - kernel) / stride + 1;
    }

    public int[] outputShape(String op, int[] x) {
        if (x.length != 4) {
            throw new ShapeMismatchException(op + ": input must be rank 4 [N, C, H, W] but has shape "
                    + Shapes.toString(x));
        }
        if (x[2] + 2 * padding < kernel || x[3] + 2 * padding < kernel) {
            throw new ShapeMismatchException(op + ": input " + Shapes.toString(x) + " is smaller than the "
                    + kernel + "x" + kernel + " pooling window");
        }
        return new int[] {x[0], x[1], out(x[2]), out(x[3])};
    }
}
