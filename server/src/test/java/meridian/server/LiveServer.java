package meridian.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One started server and an HTTP client for a whole test class, stopped after its last test:
 * {@code @RegisterExtension static final LiveServer live = LiveServer.plain();}. The server is up before the
 * class's own {@code @BeforeAll} methods run.
 */
final class LiveServer implements BeforeAllCallback, AfterAllCallback {
    private final boolean users;
    private MeridianServer server;
    private HttpClient http;
    private Path dir;

    private LiveServer(boolean users) {
        this.users = users;
    }

    /** {@link TestServers#start()}: the two cities, no database. */
    static LiveServer plain() {
        return new LiveServer(false);
    }

    /** {@link TestServers#startWithUsers}: users and events in an embedded database in a temporary folder. */
    static LiveServer withUsers() {
        return new LiveServer(true);
    }

    MeridianServer server() {
        return server;
    }

    HttpClient http() {
        return http;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return TestServers.get(http, server, path);
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return TestServers.post(http, server, path, body);
    }

    /** {@link TestServers#send}. */
    HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return TestServers.send(http, server, method, path, contentType, body);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (users) {
            dir = Files.createTempDirectory("meridian-live");
            server = TestServers.startWithUsers(dir);
        } else {
            server = TestServers.start();
        }
        http = TestServers.client();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.stop();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
