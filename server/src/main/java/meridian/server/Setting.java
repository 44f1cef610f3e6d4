package meridian.server;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import meridian.core.error.InvalidInputException;

/**
 * One setting of the service, declared once in {@link ServerConfig}: its key (the config-file key and, with
 * {@code --}, the {@code serve} option), type, default, bounds and help. Everything else is derived from the
 * declaration: the environment variable ({@link #env()}), the {@code serve} options, the file and
 * environment loading, the start-up banner and the settings table in the README.
 *
 * @param key config-file key and option name without {@code --}: lower case with dashes
 * @param type the Java type of the value ({@code String}, {@code Boolean}, {@code Integer} or {@code Long})
 * @param defaultText the default as text, parsed like any other value
 * @param defaultDoc the default as documented (differs when it depends on the machine)
 * @param label the option's parameter label in {@code --help}
 * @param help one line for {@code --help} and the README
 * @param parse text to value, checking the bounds; throws {@code invalid_setting}
 */
public record Setting<T>(
        String key,
        Class<T> type,
        String defaultText,
        String defaultDoc,
        String label,
        String help,
        Function<String, T> parse) {

    /** A text setting. */
    static Setting<String> text(String key, String defaultValue, String label, String help) {
        return new Setting<>(key, String.class, defaultValue, defaultValue, label, help, s -> s);
    }

    /** An {@code int} setting within {@code [min, max]}. */
    static Setting<Integer> integer(String key, long defaultValue, long min, long max, String help) {
        return integer(key, String.valueOf(defaultValue), String.valueOf(defaultValue), min, max, help);
    }

    /** An {@code int} setting whose default depends on the machine. */
    static Setting<Integer> integer(
            String key, String defaultText, String defaultDoc, long min, long max, String help) {
        return new Setting<>(
                key, Integer.class, defaultText, defaultDoc, "N", help, s -> (int) number(key, s, min, max));
    }

    /** A yes/no setting: {@code true} or {@code false}. */
    static Setting<Boolean> flag(String key, boolean defaultValue, String help) {
        String d = String.valueOf(defaultValue);
        return new Setting<>(key, Boolean.class, d, d, "true|false", help, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw invalid(key, s, "must be true or false");
        });
    }

    /** A {@code long} setting within {@code [min, max]}. */
    static Setting<Long> longValue(String key, long defaultValue, long min, long max, String help) {
        String d = String.valueOf(defaultValue);
        return new Setting<>(key, Long.class, d, d, "N", help, s -> number(key, s, min, max));
    }

    /** {@code admission-wait-ms -> MERIDIAN_ADMISSION_WAIT_MS}. */
    public String env() {
        return env(key);
    }

    private static String env(String key) {
        return "MERIDIAN_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** {@code --admission-wait-ms}. */
    public String option() {
        return "--" + key;
    }

    T parseValue(String text) {
        return parse.apply(text.strip());
    }

    private static long number(String key, String s, long min, long max) {
        long v;
        try {
            v = Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(key, s, "must be an integer");
        }
        if (v < min || v > max) {
            throw invalid(key, s, max == Long.MAX_VALUE ? "must be at least " + min : "must be " + min + ".." + max);
        }
        return v;
    }

    private static InvalidInputException invalid(String key, Object value, String why) {
        return new InvalidInputException(
                "invalid_setting",
                "setting '" + key + "' (" + env(key) + ") " + why + ", got '" + value + "'",
                Map.of("field", key, "value", String.valueOf(value)));
    }
}
