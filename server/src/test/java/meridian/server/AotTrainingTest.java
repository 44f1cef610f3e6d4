package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import meridian.server.metrics.Metrics.Route;
import org.junit.jupiter.api.Test;

/**
 * The run that records the ahead-of-time cache answers its own training requests through the real HTTP and TCP
 * paths (counted by the service's metrics, as any client's), and a run that does not record sends none.
 */
class AotTrainingTest {
    @Test
    void theRecordingRunAnswersItsOwnRequestsOnEveryFace() throws Exception {
        try (var server = TestServers.start()) { // HTTP and the TCP stream on free ports
            assertThat(server.tcpPort()).isPositive();
            System.setProperty(AotTraining.PROPERTY, "true");
            try {
                AotTraining.exerciseIfRecording(server);
            } finally {
                System.clearProperty(AotTraining.PROPERTY);
            }
            var m = server.metrics();
            TestServers.await(
                    "the training requests answered",
                    () -> m.requests(Route.ENRICH, 200) == 1
                            && m.requests(Route.HEALTH, 200) == 1
                            && m.requests(Route.ROOT, 200) == 1
                            && m.tcpLines() == 1);
            assertThat(m.recordsEnriched()).isEqualTo(3); // two records over HTTP, one line on the TCP stream
        }
    }

    @Test
    void anOrdinaryRunSendsNothing() throws Exception {
        try (var server = TestServers.start()) {
            AotTraining.exerciseIfRecording(server);
            Thread.sleep(300);
            assertThat(server.metrics().requests(Route.HEALTH, 200)).isZero();
            assertThat(server.metrics().recordsEnriched()).isZero();
        }
    }

    @Test
    void aWildcardAddressIsReachedOnLoopback() {
        assertThat(AotTraining.loopbackFor("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(AotTraining.loopbackFor("::")).isEqualTo("127.0.0.1");
        assertThat(AotTraining.loopbackFor("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(AotTraining.loopbackFor("10.1.2.3")).isEqualTo("10.1.2.3");
    }
}
