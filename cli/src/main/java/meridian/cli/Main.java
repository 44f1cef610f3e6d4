package meridian.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.MeridianException;
import meridian.core.error.NotFoundException;
import meridian.core.error.RefusedException;
import meridian.core.error.UnavailableException;
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
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(System.in, System.out, System.err, args);
    }

    /** Runs one command with the given standard streams; returns the exit code (see {@link ExitCode}). */
    public static int run(InputStream in, OutputStream out, OutputStream err, String... args) {
        PrintStream o = out instanceof PrintStream p ? p : new PrintStream(out, false, StandardCharsets.UTF_8);
        PrintStream e = err instanceof PrintStream p ? p : new PrintStream(err, true, StandardCharsets.UTF_8);
        ServeCommand.Quick serve = args.length > 0 && args[0].equals("serve") ? ServeCommand.quickParse(args, 1) : null;
        if (serve != null) {
            // a plain `serve` command line starts without building picocli's model (see quickParse)
            PrintWriter w = new PrintWriter(e, true, StandardCharsets.UTF_8);
            try {
                return serve.run();
            } catch (OutOfMemoryError oom) {
                return outOfMemory(oom, e);
            } catch (Exception ex) {
                return failed(ex, w);
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
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failed(ex, commandLine.getErr()));
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
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        var m = new LinkedHashMap<String, Class<?>>();
        m.put("serve", ServeCommand.class);
        m.put("process", ProcessCommand.class);
        m.put("search", SearchCommand.class);
        m.put("aggregate", AggregateCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return m;
    }

    /** picocli's model of the command line {@code args}: {@code main} and the subcommands it may name. */
    static CommandLine model(Main main, String... args) {
        var cmd = new CommandLine(main);
        addSubcommands(cmd, args.length > 0 ? args[0] : "");
        CommandLine serve = cmd.getSubcommands().get("serve");
        if (serve != null) {
            ServeCommand.declareSettings(serve.getCommandSpec());
        }
        return cmd;
    }

    /**
     * Adds the subcommand {@code first} names, alone, or all of them when it names none (help, a usage error,
     * {@code --version}): picocli builds the model of a command from its annotations by reflection, interpreted,
     * at every start. In a JVM without the class cache, five runs each: {@code search}'s model 164-244 ms
     * (median 194), all five subcommands' 201-399 ms (median 258).
     */
    private static void addSubcommands(CommandLine cmd, String first) {
        Class<?> only = "help".equals(first) ? null : SUBCOMMANDS.get(first);
        for (var c : SUBCOMMANDS.entrySet()) {
            if (only == null || only == c.getValue()) {
                cmd.addSubcommand(c.getKey(), c.getValue());
            }
        }
    }

    private static int outOfMemory(OutOfMemoryError oom, PrintStream e) {
        e.println("meridian: out of memory (" + oom.getMessage() + "): the reference set and the chunks in"
                + " flight need more heap; try MERIDIAN_JAVA_OPTS=-Xmx512m, or a smaller --chunk");
        return ExitCode.INTERNAL;
    }

    /** Reports an exception that ended a command; returns its exit code. */
    private static int failed(Throwable ex, PrintWriter w) {
        int code = exitCode(ex);
        if (code == ExitCode.INTERNAL) {
            w.println("meridian: internal error: " + ex);
            ex.printStackTrace(w);
        } else {
            w.println("meridian: " + message(ex));
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
        return switch (ex) {
            case CommandLine.ParameterException p -> ExitCode.USAGE;
            case NotFoundException n -> ExitCode.IO;
            case InvalidInputException i when i.code().equals("invalid_option") -> ExitCode.USAGE;
            case InvalidInputException i when i.code().endsWith("_setting") -> ExitCode.USAGE; // serve's settings
            case InvalidInputException i when i.code().equals("unreadable_file") -> ExitCode.IO;
            case InvalidInputException i -> ExitCode.BAD_DATA;
            case ConflictException c -> ExitCode.BAD_DATA;
            case RefusedException r -> ExitCode.USAGE;
            case UnavailableException u -> ExitCode.IO;
            case UncheckedIOException u -> ExitCode.IO;
            case java.io.IOException i -> ExitCode.IO;
            case MeridianException m -> ExitCode.INTERNAL;
            default -> ExitCode.INTERNAL;
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
