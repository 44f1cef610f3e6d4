package meridian.server.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import meridian.server.MeridianServer;
import meridian.server.ServerConfig;
import meridian.testkit.TwoCities;

/** Servers for the hostile suite: loopback, ephemeral ports, a two-place reference set, the given settings. */
final class Servers {
    static final String READ = "read-token-0123456789abcdef";
    static final String WRITE = "write-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";

    private Servers() {}

    static ServerConfig config(Map<String, String> settings) {
        Map<String, String> s = new HashMap<>(settings);
        return ServerConfig.defaultConfig()
                .with(Map.of(
                        "port", "0",
                        "tcp-port", "-1",
                        "refs", "sf-la",
                        "cpu-permits", "2",
                        "max-in-flight", "16",
                        "max-body-bytes", String.valueOf(1 << 20),
                        "request-deadline-ms", "30000",
                        "grace-ms", "2000",
                        "tcp-max-line-bytes", String.valueOf(1 << 16),
                        "db", "off"))
                .with(Map.of("small-body-bytes", "0"))
                .with(s);
    }

    /** A tokens file with one token of each role. */
    static Path tokens(Path dir) {
        Path f = dir.resolve("tokens");
        try {
            Files.writeString(f, "# role token\nread " + READ + "\nwrite " + WRITE + "\n\nadmin " + ADMIN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    static MeridianServer start(Map<String, String> settings) throws IOException {
        return MeridianServer.start(config(settings), TwoCities.set());
    }

    static String auth(String token) {
        return "Authorization: Bearer " + token;
    }

    static String h2(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("hostile").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;WRITE_DELAY=0";
    }
}
