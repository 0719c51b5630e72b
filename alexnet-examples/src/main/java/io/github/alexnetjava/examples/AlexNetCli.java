package io.github.alexnetjava.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code alexnet} command: {@code summary}, {@code bench}, {@code bench-gemm}, {@code train}, {@code eval},
 * {@code predict}, {@code figure1} and {@code doctor}.
 *
 * <p>Run it with {@code java --add-modules jdk.incubator.vector -jar alexnet-examples/target/alexnet.jar}; without
 * the flag the CPU kernels fall back to scalar code.
 */
@Command(name = "alexnet",
        mixinStandardHelpOptions = true,
        versionProvider = AlexNetCli.Version.class,
        description = "AlexNet (Krizhevsky, Sutskever, Hinton 2012) in Java: model summaries, benchmarks, training.",
        subcommands = {SummaryCommand.class, BenchCommand.class, GemmBenchCommand.class, TrainCommand.class,
                EvalCommand.class, PredictCommand.class, DoctorCommand.class, Figure1Command.class,
                CommandLine.HelpCommand.class})
public final class AlexNetCli implements Runnable {

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT,
            description = "Print the full stack trace of an error instead of one line.")
    boolean stacktrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line with the error handler that turns library errors into one line and exit code 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new AlexNetCli()).setExecutionExceptionHandler(new CliErrors());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The version from the jar's filtered {@code alexnet-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"alexnet-java " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = AlexNetCli.class.getResourceAsStream("/alexnet-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // fall through to "unknown"
            }
            return p.getProperty("version", "unknown");
        }
    }
}
