package meridian.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs a {@code meridian} command in-process with captured streams. */
final class Cli {
    record Result(int code, String out, String err) {}

    private Cli() {}

    static Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /**
     * {@code process IN --refs REFS OPTIONS...}, which must succeed (its standard error is the failure's
     * message); returns its standard output.
     */
    static String process(Path in, Path refs, String... options) {
        String[] args = new String[4 + options.length];
        args[0] = "process";
        args[1] = in.toString();
        args[2] = "--refs";
        args[3] = refs.toString();
        System.arraycopy(options, 0, args, 4, options.length);
        Result r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("exit " + r.code() + ": " + r.err());
        }
        return r.out();
    }

    static Result runWithInput(byte[] stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new ByteArrayInputStream(stdin), out, err, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The San Francisco / Los Angeles reference set of the reference design, as a CSV file. */
    static Path twoCities(Path dir) throws IOException {
        return write(
                dir.resolve("refs.csv"),
                "id,name,lat,lon\nsf,San Francisco,37.7749,-122.4194\nla,Los Angeles,34.0522,-118.2437\n");
    }

    static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The repository root: from the build (surefire sets it), else found by walking up from the working directory. */
    static Path projectRoot() {
        String configured = System.getProperty("meridian.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("testdata/airports.csv"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the project root (testdata/airports.csv) above "
                + Path.of("").toAbsolutePath());
    }
}
