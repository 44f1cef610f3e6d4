package meridian.cli;

import java.nio.file.Path;
import java.util.HashMap;
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
        return new Quick(config, options).run();
    }

    /** What {@link #quickParse} (or picocli) read: the config file (or null) and the options given, by setting key. */
    record Quick(Path config, Map<String, String> options) {
        int run() throws Exception {
            return ServerMain.run(ServerConfig.load(config, System.getenv(), options));
        }
    }

    /**
     * The {@code serve} command line read without picocli, when it is plainly settings: {@code --key value}
     * and {@code --key=value} of declared settings and {@code --config}, each at most once, a yes/no
     * setting alone meaning true. Anything else (help, version, an unknown or repeated option, a value
     * that starts with {@code -}, an {@code @file}) gives null and picocli reads it, with its messages.
     *
     * <p>Why: picocli builds its command model by reflection from ~180 classes that the ahead-of-time
     * cache cannot hold (compiled for Java 5, they are verified at every start): 80-100 ms of the 300 ms
     * from launch to the first answer with two places (BENCHMARKS.md, start-up).
     */
    static Quick quickParse(String[] args, int from) {
        Map<String, Setting<?>> byOption = new HashMap<>();
        for (Setting<?> s : ServerConfig.settings()) {
            byOption.put(s.option(), s);
        }
        Map<String, String> options = new LinkedHashMap<>();
        String config = null;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            boolean isConfig = name.equals("--config");
            Setting<?> s = byOption.get(name);
            if (s == null && !isConfig) {
                return null;
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (s != null && s.type() == Boolean.class) {
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    return null; // `--insecure false`: picocli decides whether the word is its value
                }
                value = "true";
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return null;
            }
            if (isConfig) {
                if (config != null || value.isEmpty()) {
                    return null;
                }
                config = value;
            } else if (options.putIfAbsent(s.key(), value) != null) {
                return null;
            }
        }
        return new Quick(config == null ? null : Path.of(config), options);
    }
}
