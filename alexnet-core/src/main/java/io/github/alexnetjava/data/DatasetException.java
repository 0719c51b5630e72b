package io.github.alexnetjava.data;

import java.io.IOException;

/** A dataset that does not have the expected layout or format; the message says what was expected and found. */
public class DatasetException extends IOException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
