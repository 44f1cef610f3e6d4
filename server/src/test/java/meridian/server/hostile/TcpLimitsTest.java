package meridian.server.hostile;

import static meridian.server.hostile.Servers.READ;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.server.MeridianServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP stream: the token handshake, the idle timeout, the connection cap, the line-buffer budget. */
class TcpLimitsTest {
    @TempDir
    Path dir;

    static BufferedReader reader(Socket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    static void send(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    @Test
    void handshakeComesFirst() throws Exception {
        try (MeridianServer server =
                Servers.start(Map.of("tokens", Servers.tokens(dir).toString()))) {
            try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
                s.setSoTimeout(30_000);
                send(s, "{\"id\":1,\"lat\":1,\"lon\":1}\n{\"id\":2,\"lat\":1,\"lon\":1}\n");
                var in = reader(s);
                assertThat(in.readLine()).contains("\"error\":\"unauthorized\"").doesNotContain("\"nearest\"");
                assertThat(in.readLine()).as("closed after a failed handshake").isNull();
            }
            try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
                s.setSoTimeout(30_000);
                send(s, "{\"auth\":\"wrong-token-0123456789\"}\n");
                var in = reader(s);
                assertThat(in.readLine()).contains("unauthorized").doesNotContain("wrong-token");
                assertThat(in.readLine()).isNull();
            }
            try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
                s.setSoTimeout(30_000);
                send(s, "\n{\"auth\":\"" + READ + "\"}\n{\"id\":1,\"lat\":37.7,\"lon\":-122.4}\n");
                var in = reader(s);
                assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"role\":\"read\"}");
                assertThat(in.readLine()).contains("\"nearest\"");
            }
        }
    }

    @Test
    void silentAndSlowClientsAreClosed() throws Exception {
        try (MeridianServer server =
                Servers.start(Map.of("tcp-idle-timeout-ms", "300", "request-deadline-ms", "1500"))) {
            try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
                s.setSoTimeout(30_000);
                var in = reader(s);
                assertThat(in.readLine()).contains("idle_timeout");
                assertThat(in.readLine()).isNull();
            }
            // a line dribbled a byte at a time, each within the idle timeout, is cut at the deadline
            try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
                s.setSoTimeout(30_000);
                String answer = null;
                for (int i = 0; i < 40 && answer == null; i++) {
                    try {
                        send(s, "{");
                    } catch (java.io.IOException closed) {
                        break;
                    }
                    Thread.sleep(100);
                    if (s.getInputStream().available() > 0) {
                        answer = reader(s).readLine();
                    }
                }
                if (answer == null) {
                    answer = reader(s).readLine();
                }
                assertThat(answer).contains("request_timeout");
            }
            await(() -> server.metrics().tcpActive() == 0);
        }
    }

    @Test
    void connectionsBeyondTheCapAreTurnedAway() throws Exception {
        try (MeridianServer server = Servers.start(Map.of("tcp-max-connections", "2"))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket("127.0.0.1", server.tcpPort());
                    held.add(s);
                    s.setSoTimeout(30_000);
                    send(s, "{\"id\":1,\"lat\":1,\"lon\":1}\n");
                    assertThat(reader(s).readLine()).contains("\"nearest\""); // accepted and served
                }
                try (Socket extra = new Socket("127.0.0.1", server.tcpPort())) {
                    extra.setSoTimeout(30_000);
                    assertThat(reader(extra).readLine()).contains("too_many_connections");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            await(() -> server.metrics().tcpActive() == 0);
            try (Socket again = new Socket("127.0.0.1", server.tcpPort())) {
                again.setSoTimeout(30_000);
                send(again, "{\"id\":1,\"lat\":1,\"lon\":1}\n");
                assertThat(reader(again).readLine()).contains("\"nearest\"");
            }
        }
    }

    @Test
    void unfinishedLinesShareOneBudget() throws Exception {
        // 16 KiB starting buffers: a budget of 40 KiB holds two connections, and lets neither grow
        try (MeridianServer server = Servers.start(Map.of("tcp-buffer-budget-bytes", String.valueOf(40 << 10)))) {
            try (Socket a = new Socket("127.0.0.1", server.tcpPort());
                    Socket b = new Socket("127.0.0.1", server.tcpPort())) {
                a.setSoTimeout(30_000);
                b.setSoTimeout(30_000);
                send(b, "{\"id\":1,\"lat\":1,\"lon\":1}\n");
                assertThat(reader(b).readLine()).contains("\"nearest\"");
                send(a, "{\"id\":1,\"pad\":\"" + "x".repeat(30_000));
                assertThat(reader(a).readLine()).contains("buffer_budget");
                send(b, "{\"id\":2,\"lat\":1,\"lon\":1}\n");
                assertThat(reader(b).readLine()).contains("\"id\":2");
            }
        }
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("timed out").isNegative();
            Thread.sleep(10);
        }
    }
}
