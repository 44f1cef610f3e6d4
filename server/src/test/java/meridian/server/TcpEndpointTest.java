package meridian.server;

import static meridian.server.TestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The newline-delimited JSON endpoint over plain sockets. */
class TcpEndpointTest {
    static MeridianServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    @SuppressWarnings("unchecked")
    void answersEachLineInOrderAndSurvivesBadLines() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out.write(("{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[1.0,2.0]}\n"
                            + "{\"id\":2,\"point\":{\"lat\":35.0,\n"
                            + "{\"id\":3,\"point\":{\"lat\":35.0,\"lon\":-120.0},\"payload\":[1.0]}\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine())
                    .isEqualTo("{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[0.0,0.0],"
                            + "\"nearest\":{\"id\":\"sf\",\"name\":\"San Francisco\",\"distance_km\":0.000000}}");
            Map<String, Object> error = TestServers.object(in.readLine());
            assertThat(error.get("error")).isEqualTo("malformed_json");
            // the stream's line, and the column within it (the parser's own line is always 1 there)
            assertThat((String) error.get("message"))
                    .startsWith("line 2: malformed JSON at column ")
                    .doesNotContain("line 1");
            assertThat((Map<String, Object>) error.get("detail")).containsEntry("line", 2.0);
            assertThat(in.readLine()).startsWith("{\"id\":3,").contains("\"payload\":[192.3334276712751]");

            // still open: another line, with an out-of-range coordinate, then a good one
            out.write("{\"id\":4,\"point\":{\"lat\":-91,\"lon\":0}}\n{\"id\":5,\"lat\":34.0522,\"lon\":-118.2437}\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Map<String, Object> e2 = TestServers.object(in.readLine());
            assertThat(e2.get("error")).isEqualTo("invalid_coordinate");
            assertThat((Map<String, Object>) e2.get("detail"))
                    .containsEntry("line", 4.0)
                    .containsEntry("field", "point.lat");
            assertThat(in.readLine()).startsWith("{\"id\":5,");
        }
    }

    @Test
    void manyConcurrentConnectionsWithLiveCounters() throws Exception {
        long linesBefore = server.metrics().tcpLines();
        int connections = 100;
        int lines = 50;
        List<Socket> open = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                Socket s = new Socket("127.0.0.1", server.tcpPort());
                open.add(s);
                int conn = c;
                results.add(ex.submit(() -> {
                    OutputStream out = s.getOutputStream();
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < lines; i++) {
                        sb.append("{\"id\":")
                                .append(conn * 1000 + i)
                                .append(",\"point\":{\"lat\":")
                                .append(35 + i % 10)
                                .append(",\"lon\":-120}}\n");
                    }
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    for (int i = 0; i < lines; i++) {
                        String line = in.readLine();
                        if (line == null || !line.startsWith("{\"id\":" + (conn * 1000 + i) + ",")) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
            assertThat(server.metrics().tcpActive()).isEqualTo(connections);
            assertThat(TestServers.get(TestServers.client(), server, "/metrics").body())
                    .contains("meridian_tcp_connections_active " + connections);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        assertThat(server.metrics().tcpLines() - linesBefore).isEqualTo((long) connections * lines);
        await("connections closed", () -> server.metrics().tcpActive() == 0);
    }
}
