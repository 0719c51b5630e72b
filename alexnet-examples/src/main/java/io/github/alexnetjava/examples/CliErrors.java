package io.github.alexnetjava.examples;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns the library's argument and state errors ({@link IllegalArgumentException}, {@link IllegalStateException},
 * which include shape mismatches, unknown models or backends and non-finite losses) into one line
 * {@code error: <message>} on stderr and exit code 2, without a stack trace unless {@code --stacktrace} is given.
 * Anything else is a bug: it is printed with its stack trace and exits 1.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    static final int USAGE = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult)
            throws Exception {
        return report(ex, cmd, parseResult != null && parseResult.originalArgs().contains("--stacktrace"));
    }

    /** Prints the error and returns the exit code. */
    static int report(Exception ex, CommandLine cmd, boolean stacktrace) {
        PrintWriter err = cmd.getErr();
        boolean usage = ex instanceof IllegalArgumentException || ex instanceof IllegalStateException;
        if (usage && !stacktrace) {
            err.println("error: " + ex.getMessage());
        } else {
            err.println("error: " + (ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage()));
            ex.printStackTrace(err);
        }
        err.flush();
        return usage ? USAGE : FAILURE;
    }

    /** Whether {@code --stacktrace} was on the command line. */
    static boolean stacktraceRequested(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        CommandLine.ParseResult pr = root.getParseResult();
        return pr != null && pr.originalArgs().contains("--stacktrace");
    }
}
