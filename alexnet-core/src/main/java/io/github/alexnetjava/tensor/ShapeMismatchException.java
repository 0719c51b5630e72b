package io.github.alexnetjava.tensor;

/** A tensor had the wrong rank or shape for an op; the message names the op, expected and actual shapes. */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeMismatchException(String message) {
        super(message);
    }

    public ShapeMismatchException(String op, String what, int[] expected, int[] actual) {
        super(op + ": " + what + " expected shape " + Shapes.toString(expected) + " but got "
                + Shapes.toString(actual));
    }
}
