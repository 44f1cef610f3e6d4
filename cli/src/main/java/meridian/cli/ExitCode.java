package meridian.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code meridian} command; part of the command line's contract, so scripts can
 * tell bad data from bad options from a missing file.
 */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The input data is wrong: a bad row or record (line, field and reason are printed). */
    public static final int BAD_DATA = 1;
    /** The command line is wrong: unknown option, bad option value, missing argument. */
    public static final int USAGE = 2;
    /** A file could not be found, read or written. */
    public static final int IO = 3;
    /** A bug: please report it with the printed stack trace. */
    public static final int INTERNAL = 4;

    /** The list every command's {@code --help} ends with. */
    static final Map<String, String> LIST = listed();

    private static Map<String, String> listed() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(String.valueOf(OK), "success");
        m.put(String.valueOf(BAD_DATA), "bad input data (a bad row or record; line, field and reason are printed)");
        m.put(String.valueOf(USAGE), "usage error (unknown option, bad option value, missing argument)");
        m.put(String.valueOf(IO), "file not found, unreadable or unwritable (I/O error)");
        m.put(String.valueOf(INTERNAL), "internal error (a bug; the stack trace is printed)");
        return Collections.unmodifiableMap(m);
    }

    private ExitCode() {}
}
