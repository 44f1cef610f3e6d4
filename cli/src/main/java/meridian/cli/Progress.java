package meridian.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar redrawn on a terminal's stderr ({@code \r}); silent otherwise. Redraws at most
 * a few times a second, from the thread that processes the chunks (no timer thread).
 */
final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long totalBytes; // <= 0 when unknown (stdin)
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    Progress(PrintStream err, long totalBytes) {
        this.err = err;
        this.totalBytes = totalBytes;
    }

    /**
     * True when standard error is a terminal, so a redrawn bar is welcome (never when it is piped or
     * redirected). Linux tells through /proc which file descriptor 2 is; elsewhere the JVM's console is the
     * best available answer (it looks at standard input and output).
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }

    void update(long rows, long bytes) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        var line = new StringBuilder("\r");
        if (totalBytes > 0) {
            double f = Math.min(1.0, (double) bytes / totalBytes);
            int filled = (int) (f * WIDTH);
            line.append('[')
                    .append("=".repeat(filled))
                    .append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1)))
                    .append(String.format(Locale.ROOT, "] %3.0f%% ", f * 100));
        }
        line.append(
                String.format(Locale.ROOT, "%,d rows  %.1f MB  %.1f MB/s", rows, bytes / 1e6, bytes / 1e6 / seconds));
        err.print(line);
        err.flush();
        drawn = true;
    }

    /** Clears the bar so that the next message starts on a clean line. */
    void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            err.flush();
        }
    }
}
