package meridian.cli;

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

    static final String LIST_OK = "0:success";
    static final String LIST_BAD_DATA = "1:bad input data (a bad row or record; line, field and reason are printed)";
    static final String LIST_USAGE = "2:usage error (unknown option, bad option value, missing argument)";
    static final String LIST_IO = "3:file not found, unreadable or unwritable (I/O error)";
    static final String LIST_INTERNAL = "4:internal error (a bug; the stack trace is printed)";

    private ExitCode() {}
}
