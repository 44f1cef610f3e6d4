package meridian.core.error;

import java.io.IOException;
import java.io.UncheckedIOException;
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
    public static final Map<String, String> LIST = listed();

    private static Map<String, String> listed() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(String.valueOf(OK), "success");
        m.put(String.valueOf(BAD_DATA), "bad input data (a bad row or record; line, field and reason are printed)");
        m.put(String.valueOf(USAGE), "usage error (unknown option, bad option value, missing argument)");
        m.put(String.valueOf(IO), "file not found, unreadable or unwritable (I/O error)");
        m.put(String.valueOf(INTERNAL), "internal error (a bug; the stack trace is printed)");
        return Collections.unmodifiableMap(m);
    }

    /**
     * The exit code for an exception that escaped a command: the error family's own, the same for every command
     * line (a face's own exceptions, such as its option parser's, are its to map first).
     */
    public static int of(Throwable ex) {
        return switch (ex) {
            case NotFoundException n -> IO;
            case InvalidInputException i when i.code().equals("invalid_option") -> USAGE;
            case InvalidInputException i when i.code().endsWith("_setting") -> USAGE; // serve's settings
            case InvalidInputException i when i.code().equals("unreadable_file") -> IO;
            case InvalidInputException i -> BAD_DATA;
            case ConflictException c -> BAD_DATA;
            case RefusedException r -> USAGE;
            case UnavailableException u -> IO;
            case UncheckedIOException u -> IO;
            case IOException i -> IO;
            default -> INTERNAL;
        };
    }

    private ExitCode() {}
}
