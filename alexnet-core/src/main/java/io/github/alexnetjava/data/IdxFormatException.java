package io.github.alexnetjava.data;

/** An IDX file (MNIST format) with a wrong header or length; names the file, the expected and the found value. */
public final class IdxFormatException extends DatasetException {
    private final String file;

    public IdxFormatException(String file, String what, String expected, String found) {
        super(file + ": wrong " + what + ": expected " + expected + ", found " + found);
        this.file = file;
    }

    public String file() {
        return file;
    }
}
