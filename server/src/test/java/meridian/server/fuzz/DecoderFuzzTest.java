package meridian.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.MeridianException;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.server.MeridianServer;
import meridian.server.ServerConfig;
import meridian.server.http.UserBodies;
import meridian.server.json.EventCodec;
import meridian.server.json.RecordCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of every decoder that reads client bytes. The contract: any input either decodes
 * or fails with a {@link MeridianException} (a 4xx with a stable code); anything else thrown (an
 * {@code IOException} that would be taken for a disconnect, a {@code NullPointerException}, a stack overflow)
 * is a finding. The TCP target drives the real line reader over a socket and checks that every non-blank line
 * gets exactly one answer and that the connection keeps serving.
 *
 * <p>Under plain {@code mvn test} each target replays its corpus (src/test/resources/.../*Inputs) as a
 * regression test. {@code bench/fuzz.sh} fuzzes for real; {@code ./run-tests} runs {@link #allDecoders} for a
 * bounded time.
 */
class DecoderFuzzTest {
    private static final RecordCodec CODEC = new RecordCodec();
    private static final int MAX_LINE = 4096;
    private static MeridianServer server;

    @BeforeAll
    static void start() throws IOException {
        ServerConfig config = ServerConfig.defaultConfig()
                .with(Map.of(
                        "port", "0",
                        "tcp-port", "-1",
                        "refs", "fuzz",
                        "cpu-permits", "1",
                        "max-in-flight", "4",
                        "max-body-bytes", String.valueOf(1 << 20),
                        "request-deadline-ms", "30000",
                        "grace-ms", "1000",
                        "tcp-max-line-bytes", String.valueOf(MAX_LINE),
                        "db", "off"))
                .with(Map.of("small-body-bytes", "0"));
        server = MeridianServer.start(config, ReferenceSet.of("fuzz", List.of(new Place("a", "A", 1, 2, Map.of()))));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** One target over all decoders (the first byte picks one): the bounded run of ./run-tests. */
    @FuzzTest(maxDuration = "20s")
    void allDecoders(FuzzedDataProvider data) throws IOException {
        int which = data.consumeInt(0, 5);
        byte[] bytes = data.consumeRemainingAsBytes();
        switch (which) {
            case 0 -> records(bytes);
            case 1 -> events(bytes);
            case 2 -> users(bytes);
            case 3 -> csv(bytes);
            case 4 -> geoJson(bytes);
            default -> tcpLines(bytes);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void records(byte[] bytes) throws IOException {
        var batch = new RecordBatch(16);
        var reader = CODEC.fields();
        int streamed = -1;
        int scanned = -1;
        try {
            CODEC.readArray(new ByteArrayInputStream(bytes), batch, reader);
            streamed = batch.size();
        } catch (MeridianException expected) {
            // a 400
        }
        try {
            CODEC.readArray(bytes, 0, bytes.length, batch, reader); // the record scanner first, as the service
            scanned = batch.size();
        } catch (MeridianException expected) {
            // a 400
        }
        if (scanned != streamed) {
            throw new AssertionError("scanned " + scanned + " records where Jackson read " + streamed);
        }
        try {
            CODEC.readOne(bytes, 0, bytes.length, batch, reader, 0);
        } catch (MeridianException expected) {
            // an error line
        }
    }

    @FuzzTest(maxDuration = "2m")
    void events(byte[] bytes) throws IOException {
        try {
            EventCodec.read(new ByteArrayInputStream(bytes));
        } catch (MeridianException expected) {
            // a 400
        }
    }

    @FuzzTest(maxDuration = "2m")
    void users(byte[] bytes) throws IOException {
        try {
            UserBodies.parse(bytes);
        } catch (MeridianException expected) {
            // a 400
        }
    }

    @FuzzTest(maxDuration = "2m")
    void csv(byte[] bytes) throws IOException {
        try {
            ReferenceSetReader.readCsv(new ByteArrayInputStream(bytes), "fuzz", "fuzz", ErrorPolicy.SKIP);
        } catch (MeridianException expected) {
            // a 400
        }
    }

    @FuzzTest(maxDuration = "2m")
    void geoJson(byte[] bytes) throws IOException {
        try {
            ReferenceSetReader.readGeoJson(new ByteArrayInputStream(bytes), "fuzz", "fuzz", ErrorPolicy.SKIP);
        } catch (MeridianException expected) {
            // a 400
        }
    }

    /** The bytes as lines on a TCP connection, then a known line: one answer per non-blank line, in order. */
    @FuzzTest(maxDuration = "2m")
    void tcpLines(byte[] bytes) throws IOException {
        int expected = 1; // the sentinel
        int lineStart = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                boolean blank = true;
                for (int j = lineStart; j < i && blank; j++) {
                    blank = bytes[j] == ' ' || bytes[j] == '\t' || bytes[j] == '\r';
                }
                expected += blank ? 0 : 1;
                lineStart = i + 1;
            }
        }
        int port = server.tcpPort();
        try (var allowed = BugDetectors.allowNetworkConnections((host, p) -> p == port);
                Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.write("\n{\"id\":424242,\"lat\":1,\"lon\":2}\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            List<String> answers = in.lines().toList();
            assertThat(answers).as("answers").hasSize(expected);
            assertThat(answers.getLast()).contains("\"id\":424242").contains("\"nearest\"");
        }
    }
}
