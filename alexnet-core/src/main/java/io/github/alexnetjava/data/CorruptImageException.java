package io.github.alexnetjava.data;

import java.io.IOException;

/** An image file that cannot be read or decoded; the message names the file. */
public final class CorruptImageException extends IOException {
    private final String file;

    public CorruptImageException(String file, String reason, Throwable cause) {
        super("cannot decode image " + file + ": " + reason, cause);
        this.file = file;
    }

    /** The file (or example description) that failed. */
    public String file() {
        return file;
    }
}
