package meridian.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import meridian.server.ServerConfig;
import meridian.server.ServerMain;
import meridian.server.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meridian serve}: the service. Its options are the settings declared in {@link ServerConfig}, one
 * option per setting, added by {@link #declareSettings} when the command line is built. Options override
 * environment variables ({@code MERIDIAN_*}), which override the config file, which overrides the defaults.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the HTTP/JSON service and the newline-delimited JSON TCP endpoint.",
            "Each setting is an option, an environment variable (MERIDIAN_ and the option's name in upper case"
                    + " with underscores: --admission-wait-ms is MERIDIAN_ADMISSION_WAIT_MS) and a --config file key"
                    + " (the name without the dashes: admission-wait-ms=500). Option > environment > file > default."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path config;

    /** Adds one option per declared setting to the {@code serve} command. */
    static void declareSettings(CommandSpec serve) {
        for (Setting<?> s : ServerConfig.settings()) {
            OptionSpec.Builder o = OptionSpec.builder(s.option())
                    .type(String.class)
                    .paramLabel(s.label())
                    .description(s.help() + " (default: " + s.defaultDoc() + "; " + s.env() + ").");
            if (s.type() == Boolean.class) {
                o.arity("0..1").fallbackValue("true"); // --insecure alone means true
            }
            serve.addOption(o.build());
        }
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (Setting<?> s : ServerConfig.settings()) {
            options.put(s.key(), spec.findOption(s.option()).getValue());
        }
        return ServerMain.run(ServerConfig.load(config, System.getenv(), options));
    }
}
