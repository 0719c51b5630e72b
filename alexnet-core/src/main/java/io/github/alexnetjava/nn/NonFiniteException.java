package io.github.alexnetjava.nn;

/** A batch or a loss contained NaN or infinity (raised when finite checks are on). */
public class NonFiniteException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(String message) {
        super(message);
    }
}
