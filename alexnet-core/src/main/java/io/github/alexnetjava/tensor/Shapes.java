package io.github.alexnetjava.tensor;

import java.util.Arrays;

/** Shape arithmetic and the checks every op uses, so all shape errors read alike. */
public final class Shapes {
    private Shapes() {
    }

    static int[] validate(int[] shape) {
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension, got " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor dimensions must be positive, got " + toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("tensor of shape " + toString(shape)
                        + " has more than 2^31 elements; use a smaller batch");
            }
        }
        return shape.clone();
    }

    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    public static String toString(int... shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Fails unless {@code t} has exactly {@code expected} shape. */
    public static void require(String op, String what, Tensor t, int... expected) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " is null; expected a tensor of shape "
                    + toString(expected));
        }
        if (!t.hasShape(expected)) {
            throw new ShapeMismatchException(op, what, expected, t.shape());
        }
    }

    /** Fails unless {@code t} has the given rank. */
    public static void requireRank(String op, String what, Tensor t, int rank, String layout) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " is null; expected a rank-" + rank
                    + " tensor " + layout);
        }
        if (t.rank() != rank) {
            throw new ShapeMismatchException(op + ": " + what + " must be rank " + rank + " " + layout
                    + " but has shape " + t.shapeString());
        }
    }

    /** Fails unless both tensors have the same shape. */
    public static void requireSame(String op, String what, Tensor t, Tensor like) {
        require(op, what, t, like.shape());
    }
}
