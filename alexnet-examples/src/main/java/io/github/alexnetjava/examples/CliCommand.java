package io.github.alexnetjava.examples;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of the subcommands: output to picocli's writers (so tests can capture them) and the same error handling
 * as {@link CliErrors} even when the command line was built without it ({@code new CommandLine(new AlexNetCli())}).
 */
abstract class CliCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command's work; returns the exit code. */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (IllegalArgumentException | IllegalStateException e) {
            CommandLine cmd = spec.commandLine();
            return CliErrors.report(e, cmd, CliErrors.stacktraceRequested(cmd));
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Results. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Progress and diagnostics. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
