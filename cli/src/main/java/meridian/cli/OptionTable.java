package meridian.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meridian.core.error.InvalidInputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The parameters and options of a batch command ({@code process}, {@code search}, {@code aggregate}), declared
 * once: picocli's model of the command ({@link #spec}, for {@code --help}, usage errors and any command line out
 * of the ordinary) is built from this table, and a plain command line is read from it without picocli
 * ({@link #readPlain}), as {@code serve} reads its settings.
 *
 * <p>Why: picocli builds a model from a command's annotations by reflection, interpreted, at every start, and
 * the JVM's first annotation parsing and proxies come with it: {@code aggregate} on 10 events took 0.19-0.22 s
 * from launch to exit through picocli against 0.10-0.14 s without it (five alternated pairs, BENCHMARKS.md),
 * and the model was 97 of the main thread's 156 ms (async-profiler).
 *
 * @param <C> the command, which the setters fill
 */
final class OptionTable<C> {
    /** Gives the command one value, already converted to the declared type. */
    @FunctionalInterface
    interface Setter<C> {
        void set(C command, Object value);
    }

    /** An option: a flag when {@code type} is {@code boolean}, else one value of {@code type}. */
    record Opt<C>(List<String> names, String label, Class<?> type, String defaultValue, String help, Setter<C> setter) {
        boolean isFlag() {
            return type == boolean.class;
        }
    }

    /** A positional parameter, a string; {@code required} or at most one. */
    record Param<C>(String label, boolean required, String help, Setter<C> setter) {}

    private final String name;
    private final boolean sortOptions;
    private final String[] description;
    private final List<Param<C>> params = new ArrayList<>();
    private final List<Opt<C>> options = new ArrayList<>();
    private final Map<String, Opt<C>> byName = new HashMap<>();

    private OptionTable(String name, boolean sortOptions, String... description) {
        this.name = name;
        this.sortOptions = sortOptions;
        this.description = description;
    }

    /** The table of the command {@code name}; {@code --help} lists options in declaration order unless sorted. */
    static <C> OptionTable<C> command(String name, boolean sortOptions, String... description) {
        return new OptionTable<>(name, sortOptions, description);
    }

    OptionTable<C> param(String label, boolean required, String help, Setter<C> setter) {
        params.add(new Param<>(label, required, help, setter));
        return this;
    }

    /** A flag: true when given. */
    OptionTable<C> flag(String names, String help, Setter<C> setter) {
        return option(names, null, boolean.class, null, help, setter);
    }

    /**
     * An option with a value; {@code names} separated by spaces ("-o --out"); {@code defaultValue} (or null) is
     * set before the command line is read, and "${DEFAULT-VALUE}" in {@code help} shows it.
     */
    OptionTable<C> option(
            String names, String label, Class<?> type, String defaultValue, String help, Setter<C> setter) {
        var o = new Opt<>(List.of(names.split(" ")), label, type, defaultValue, help, setter);
        for (String n : o.names()) {
            if (byName.put(n, o) != null) {
                throw new IllegalStateException(name + ": option " + n + " declared twice");
            }
        }
        options.add(o);
        return this;
    }

    /** The option called {@code name} (any of its names), or null. */
    Opt<C> named(String name) {
        return byName.get(name);
    }

    /** The {@code --refs} option of the commands that read a reference set ({@link References}). */
    OptionTable<C> refs(Setter<C> setter) {
        return option("--refs", "FILE|cities", String.class, "cities", References.DESCRIPTION, setter);
    }

    /** The {@code --regions} and {@code --sea-km} options of the commands that find countries, used with {@code with}. */
    OptionTable<C> regions(String with, Setter<C> regions, Setter<C> seaKm) {
        return option(
                        "--regions",
                        "FILE",
                        Path.class,
                        null,
                        "with " + with + ": country boundaries (GeoJSON or TopoJSON polygons) instead of the bundled"
                                + " Natural Earth countries",
                        regions)
                .option(
                        "--sea-km",
                        "D",
                        Double.class,
                        null,
                        "with " + with + ": the territorial sea, in km (default: 22.224, 12 nautical miles)",
                        seaKm);
    }

    String name() {
        return name;
    }

    /**
     * A usage error found once the line is read (a value out of range, options that do not go together): exit
     * status 2, reported with a pointer to {@code --help} as picocli's own usage errors are.
     */
    static InvalidInputException usage(String message) {
        return new InvalidInputException("invalid_option", message, Map.of());
    }

    /** picocli's model of the command, filling {@code command}. */
    CommandSpec spec(C command) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name);
        spec.usageMessage().description(description).sortOptions(sortOptions);
        for (int i = 0; i < params.size(); i++) {
            Param<C> p = params.get(i);
            spec.addPositional(PositionalParamSpec.builder()
                    .index(Integer.toString(i))
                    .arity(p.required() ? "1" : "0..1")
                    .required(p.required())
                    .paramLabel(p.label())
                    .description(p.help())
                    .type(String.class)
                    .setter(setter(command, p.setter()))
                    .build());
        }
        for (Opt<C> o : options) {
            OptionSpec.Builder b = OptionSpec.builder(o.names().toArray(String[]::new))
                    .type(o.type())
                    .description(o.help())
                    .setter(setter(command, o.setter()));
            if (!o.isFlag()) {
                b.paramLabel(o.label()).defaultValue(o.defaultValue());
            }
            spec.addOption(b.build());
        }
        spec.mixinStandardHelpOptions(true); // after the others: listed last unless sorted
        return spec;
    }

    private static <C> ISetter setter(C command, Setter<C> s) {
        return new ISetter() {
            @Override
            public <T> T set(T value) {
                if (value != null) {
                    s.set(command, value);
                }
                return null;
            }
        };
    }

    /**
     * Reads a plain command line into {@code command}: the parameters, and {@code --name value},
     * {@code --name=value} and flags of declared options, each at most once, values that picocli would convert
     * the same way. Returns false for anything else (help, version, an unknown, repeated or clustered option, a
     * value that starts with {@code -} or does not convert, {@code --}, an {@code @file}, a missing parameter);
     * picocli then reads the whole line again, with its messages. {@code args[from]} is the first argument after
     * the command's name.
     */
    boolean readPlain(C command, String[] args, int from) {
        for (Opt<C> o : options) {
            if (o.defaultValue() != null) {
                Object v = convert(o.type(), o.defaultValue());
                if (v == null) {
                    throw new IllegalStateException(
                            name + ": bad default for " + o.names().getFirst());
                }
                o.setter().set(command, v);
            }
        }
        // by identity: a record's own hashCode is made at its first call (an invokedynamic bootstrap spinning
        // method handles), which was a third of the main thread's time before a short command began (wall
        // profile of `aggregate` on a header-only file)
        Set<Opt<C>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int param = 0;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@")) {
                return false;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                if (param == params.size()) {
                    return false;
                }
                params.get(param++).setter().set(command, a);
                continue;
            }
            int eq = a.indexOf('=');
            Opt<C> o = byName.get(eq < 0 ? a : a.substring(0, eq));
            if (o == null || !seen.add(o)) {
                return false;
            }
            Object value;
            if (o.isFlag()) {
                if (eq >= 0) {
                    return false;
                }
                value = Boolean.TRUE;
            } else {
                String text;
                if (eq >= 0) {
                    text = a.substring(eq + 1);
                    if (text.startsWith("-")) {
                        return false; // picocli reads "--by=--" as an option without its value
                    }
                } else if (i + 1 < args.length && !args[i + 1].startsWith("-") && !args[i + 1].startsWith("@")) {
                    text = args[++i];
                } else {
                    return false;
                }
                value = convert(o.type(), text);
                if (value == null) {
                    return false;
                }
            }
            o.setter().set(command, value);
        }
        for (int p = param; p < params.size(); p++) {
            if (params.get(p).required()) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} as picocli converts it to {@code type} (enums without regard to case), or null. */
    private static Object convert(Class<?> type, String text) {
        try {
            if (type == String.class) {
                return text;
            } else if (type == int.class || type == Integer.class) {
                return Integer.valueOf(text);
            } else if (type == double.class || type == Double.class) {
                return Double.valueOf(text);
            } else if (type == Path.class) {
                return Path.of(text);
            } else if (type.isEnum()) {
                for (Object c : type.getEnumConstants()) {
                    if (((Enum<?>) c).name().equalsIgnoreCase(text)) {
                        return c;
                    }
                }
                return null;
            }
            return null;
        } catch (NumberFormatException | InvalidPathException e) {
            return null;
        }
    }
}
