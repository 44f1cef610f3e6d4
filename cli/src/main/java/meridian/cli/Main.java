package meridian.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import meridian.core.error.ExitCode;
import meridian.core.error.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code meridian} command: wires the subcommands, maps errors to exit codes.
 *
 * <p>The standard streams are fields so that tests (and embedding programs) can run a command in-process
 * with their own streams; {@link #main} passes the process's streams.
 */
@Command(
        name = "meridian",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Nearest-place enrichment and per-user event analytics.")
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final InputStream stdin;
    final PrintStream stdout;
    final PrintStream stderr;

    Main(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        if (System.getProperty("slf4j.provider") == null) {
            // the one SLF4J provider this jar carries (slf4j-jdk14, cli/pom.xml), named so that SLF4J does not
            // scan the jar's service files for one when Netty first logs: ~13 ms of serve's start-up CPU
            System.setProperty("slf4j.provider", "org.slf4j.jul.JULServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN"); // else it reports the choice on stderr
            }
        }
        int code = run(args);
        if (code != 0 || args.length == 0 || !BATCH.contains(args[0])) {
            System.exit(code);
        }
        // A batch command that succeeded ends by returning: its threads are daemons, so the JVM ends as it would
        // by System.exit(0), shutdown hooks included, without Runtime.exit's logging of the status, whose
        // first use looks up a logging backend (a service-loader scan of the jar): ~9 ms of the main thread
        // at the end of every run (wall profile of `aggregate` on a header-only file).
    }

    /** The commands whose threads are all daemons (their workers), so that returning from main ends them. */
    private static final Set<String> BATCH = Set.of("process", "search", "aggregate");

    public static int run(String... args) {
        return run(System.in, System.out, System.err, args);
    }

    /** Runs one command with the given standard streams; returns the exit code (see {@link ExitCode}). */
    public static int run(InputStream in, OutputStream out, OutputStream err, String... args) {
        PrintStream o = out instanceof PrintStream p ? p : new PrintStream(out, false, StandardCharsets.UTF_8);
        PrintStream e = err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8);
        Callable<Integer> plain = args.length > 0 ? readPlain(new Main(in, o, e), args) : null;
        if (plain != null) {
            // a plain command line runs without picocli's model (see ServeCommand.quickParse, OptionTable)
            PrintWriter w = new PrintWriter(e, true, StandardCharsets.UTF_8);
            try {
                return plain.call();
            } catch (OutOfMemoryError oom) {
                return outOfMemory(oom, e);
            } catch (Exception ex) {
                return failed(ex, w, "meridian " + args[0]);
            } finally {
                o.flush();
                w.flush();
            }
        }
        var cmd = model(new Main(in, o, e), args);
        listExitCodes(cmd);
        cmd.setOut(new PrintWriter(o, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(e, true, StandardCharsets.UTF_8));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExitCodeExceptionMapper(Main::exitCode);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter w = c.getErr();
            w.println("meridian: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, w);
            w.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            w.flush();
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                failed(ex, commandLine.getErr(), commandLine.getCommandSpec().qualifiedName()));
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError oom) {
            return outOfMemory(oom, e);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The subcommands, in the order {@code meridian --help} lists them. */
    private static final List<String> SUBCOMMANDS = List.of("serve", "process", "search", "aggregate", "help");

    /**
     * The command {@code args[0]} names, read without picocli when its line is plain (serve's settings, the batch
     * commands' {@link OptionTable}), else null.
     */
    private static Callable<Integer> readPlain(Main main, String[] args) {
        return switch (args[0]) {
            case "serve" -> {
                ServeCommand.Quick serve = ServeCommand.quickParse(args, 1);
                yield serve == null ? null : serve::run;
            }
            case "process" -> readPlain(ProcessCommand.OPTIONS, new ProcessCommand(main), args);
            case "search" -> readPlain(SearchCommand.OPTIONS, new SearchCommand(main), args);
            case "aggregate" -> readPlain(AggregateCommand.OPTIONS, new AggregateCommand(main), args);
            default -> null;
        };
    }

    private static <C extends Callable<Integer>> C readPlain(OptionTable<C> table, C command, String[] args) {
        return table.readPlain(command, args, 1) ? command : null;
    }

    /** picocli's model of the command line {@code args}: {@code main} and the subcommands it may name. */
    static CommandLine model(Main main, String... args) {
        var cmd = new CommandLine(main);
        String first = args.length > 0 ? args[0] : "";
        for (String name : SUBCOMMANDS) {
            // the one the line names, alone, or all of them when it names none (help, a usage error, --version):
            // picocli builds serve's model from its annotations by reflection, interpreted, at every start
            if (!SUBCOMMANDS.contains(first) || first.equals("help") || first.equals(name)) {
                cmd.addSubcommand(name, subcommand(main, name));
            }
        }
        CommandLine serve = cmd.getSubcommands().get("serve");
        if (serve != null) {
            ServeCommand.declareSettings(serve.getCommandSpec());
        }
        return cmd;
    }

    private static Object subcommand(Main main, String name) {
        return switch (name) {
            case "serve" -> ServeCommand.class;
            case "process" -> new CommandLine(ProcessCommand.OPTIONS.spec(new ProcessCommand(main)));
            case "search" -> new CommandLine(SearchCommand.OPTIONS.spec(new SearchCommand(main)));
            case "aggregate" -> new CommandLine(AggregateCommand.OPTIONS.spec(new AggregateCommand(main)));
            default -> CommandLine.HelpCommand.class;
        };
    }

    private static int outOfMemory(OutOfMemoryError oom, PrintStream e) {
        e.println("meridian: out of memory (" + oom.getMessage() + "): the reference set and the chunks in"
                + " flight need more heap; try MERIDIAN_JAVA_OPTS=-Xmx512m, or a smaller --chunk");
        return ExitCode.INTERNAL;
    }

    /** Reports an exception that ended the command {@code command} ("meridian process"); returns its exit code. */
    private static int failed(Throwable ex, PrintWriter w, String command) {
        int code = exitCode(ex);
        if (code == ExitCode.INTERNAL) {
            w.println("meridian: internal error: " + ex);
            ex.printStackTrace(w);
        } else {
            w.println("meridian: " + message(ex));
            if (ex instanceof InvalidInputException i && i.code().equals("invalid_option")) {
                w.println("Try '" + command + " --help' for more information.");
            }
        }
        w.flush();
        return code;
    }

    /** Every command's {@code --help} ends with the exit codes of {@link ExitCode}. */
    private static void listExitCodes(CommandLine cmd) {
        cmd.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCode.LIST);
        cmd.getSubcommands().values().forEach(Main::listExitCodes);
    }

    /** What to tell the user; file-system errors carry the path and the reason, not just one of them. */
    static String message(Throwable ex) {
        return switch (ex) {
            case java.nio.file.NoSuchFileException e -> "no such file or directory: " + e.getFile();
            case java.nio.file.AccessDeniedException e -> "permission denied: " + e.getFile();
            case java.nio.file.FileSystemException e ->
                e.getFile() + ": " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason());
            case UncheckedIOException e -> message(e.getCause());
            default -> ex.getMessage() == null ? ex.toString() : ex.getMessage();
        };
    }

    /** The exit code for an exception that escaped a command. */
    static int exitCode(Throwable ex) {
        return ex instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.of(ex);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
