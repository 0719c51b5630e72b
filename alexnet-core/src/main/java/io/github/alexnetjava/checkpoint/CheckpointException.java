package io.github.alexnetjava.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint could not be read or does not fit the network it is loaded into. {@link #problem()} says what kind
 * of failure it is, so callers can react (e.g. fall back to an older checkpoint on {@link Problem#TRUNCATED} or
 * {@link Problem#CORRUPTED}); the message names the file and the specific problem.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Problem {
        /** The file does not exist. */
        NOT_FOUND,
        /** The file does not start with the magic bytes {@code ALEXNETC}. */
        NOT_A_CHECKPOINT,
        /** The file is a checkpoint of a format version this code cannot read. */
        UNSUPPORTED_VERSION,
        /** The file ends before its structure says it should (e.g. an interrupted copy). */
        TRUNCATED,
        /** The CRC32C checksum does not match, or a structural field holds an impossible value. */
        CORRUPTED,
        /** The file is intact but was written for another network or optimiser configuration. */
        MISMATCH
    }

    private final transient Path file;
    private final Problem problem;

    public CheckpointException(Path file, Problem problem, String message) {
        super(message);
        this.file = file;
        this.problem = problem;
    }

    public CheckpointException(Path file, Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The checkpoint file concerned. */
    public Path file() {
        return file;
    }

    public Problem problem() {
        return problem;
    }
}
