package meridian.spark;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import meridian.core.error.ExitCode;
import meridian.core.error.MeridianException;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark jobs a user runs: {@code process} and {@code aggregate}, with the command lines, summaries and
 * exit codes of {@code meridian process|aggregate}. Under {@code spark-submit} they use the session it
 * configures; started directly (as {@code ./meridian spark} does) they run on an embedded local Spark.
 */
@Command(
        name = "meridian spark",
        mixinStandardHelpOptions = true,
        description = "Nearest-place enrichment and per-key rollups on Apache Spark.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:bad input data or options that contradict the data (a missing column, a bad reference row)",
            "2:usage error (unknown option, bad option value; a JDK 25 older than 25.0.3)",
            "3:file not found, unreadable or unwritable; the output directory exists",
            "4:internal error (a bug, or the Spark job failed; the stack trace is printed)"
        },
        subcommands = {ProcessJob.class, AggregateJob.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one job in this JVM (using the active Spark session if there is one); returns the exit code. */
    public static int run(String... args) {
        var cmd = new CommandLine(new Main());
        var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            err.println("meridian: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = productCause(ex);
            int code = exitCode(cause);
            if (code == ExitCode.INTERNAL) {
                err.println("meridian: the job failed: " + ex);
                ex.printStackTrace(err);
            } else {
                err.println("meridian: " + message(cause));
            }
            return code;
        });
        return cmd.execute(args);
    }

    /** The product error inside a Spark failure (a task's exception arrives wrapped), else {@code ex}. */
    static Throwable productCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof MeridianException || t instanceof AnalysisException) {
                return t;
            }
        }
        return ex;
    }

    static int exitCode(Throwable ex) {
        return switch (ex) {
            case CommandLine.ParameterException p -> ExitCode.USAGE;
            case AnalysisException a when isPathProblem(a) -> ExitCode.IO;
            case AnalysisException a -> ExitCode.BAD_DATA;
            default -> ExitCode.of(ex);
        };
    }

    private static boolean isPathProblem(AnalysisException a) {
        String c = a.getCondition();
        return c != null && (c.startsWith("PATH_") || c.contains("UNABLE_TO_INFER_SCHEMA"));
    }

    static String message(Throwable ex) {
        if (ex instanceof AnalysisException a) {
            return a.getSimpleMessage();
        }
        if (ex instanceof java.io.UncheckedIOException u) {
            return message(u.getCause());
        }
        if (ex instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + f.getReason();
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
