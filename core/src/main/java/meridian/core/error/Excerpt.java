package meridian.core.error;

import java.util.List;

/**
 * Input text as error messages quote it: short enough to read, whatever the input. A message that echoed a
 * field or a header whole grew with it: a 5 MB field gave a 5 MB message on standard error or in a 400's body.
 */
public final class Excerpt {
    /** The most characters of one value a message quotes. */
    static final int VALUE_CHARS = 40;

    /** The most characters of a header's column names a message lists. */
    static final int LIST_CHARS = 200;

    private Excerpt() {}

    /** {@code text} as it is up to {@value #VALUE_CHARS} characters, else its start and {@code ...}. */
    public static String of(String text) {
        return text.length() <= VALUE_CHARS ? text : text.substring(0, VALUE_CHARS - 3) + "...";
    }

    /**
     * The names joined with commas as they are up to {@value #LIST_CHARS} characters, else their start,
     * {@code ...} and how many there are.
     */
    public static String ofList(List<String> names) {
        String all = String.join(",", names);
        return all.length() <= LIST_CHARS
                ? all
                : all.substring(0, LIST_CHARS - 3) + "... (" + names.size() + " columns)";
    }
}
