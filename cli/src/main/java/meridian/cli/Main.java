package meridian.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code meridian} command: wires the subcommands, maps errors to exit codes. */
@Command(
        name = "meridian",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Nearest-place enrichment and per-user event analytics.",
        subcommands = {AggregateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
