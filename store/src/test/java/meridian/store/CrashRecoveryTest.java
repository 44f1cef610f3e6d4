package meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import meridian.core.aggregate.AggregateSnapshot;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kill -9 in the middle of a stream of ingests, restart, and check that the store counted every event the
 * client saw acknowledged exactly once. The ingest server is a child JVM ({@link IngestLoop}); the client
 * here retries each batch until it is acknowledged and keeps its own log of acknowledged events.
 */
@Tag("slow") // run by Failsafe in verify, not by mvn test
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
abstract class CrashRecoveryTest {
    static final int USERS = 5;
    static final int BATCHES = 24;
    static final int BATCH_SIZE = 300;

    /** JDBC URL of a fresh database. */
    abstract String url();

    /** When to kill the server: before it reads batch k, after it began it, or after acknowledging it. */
    enum Kill {
        AFTER_SEND,
        AFTER_BEGIN,
        AFTER_ACK
    }

    static final Map<Integer, Kill> KILLS =
            Map.of(3, Kill.AFTER_SEND, 8, Kill.AFTER_BEGIN, 13, Kill.AFTER_ACK, 17, Kill.AFTER_BEGIN);

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyAcknowledgedEventIsCountedExactlyOnceAfterKillNine() throws Exception {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        String url = url();
        Child child = Child.start(url);
        List<Long> users = child.users;
        var acked = new HashMap<Long, Event>(); // the client's log
        int kills = 0;
        int restarts = 0;
        long nextId = 1;
        for (int b = 0; b < BATCHES; b++) {
            var batch = new ArrayList<Event>();
            for (int i = 0; i < BATCH_SIZE; i++) {
                // now and then resend an event already acknowledged: must stay counted once
                if (!acked.isEmpty() && rnd.nextInt(20) == 0) {
                    batch.add(acked.get(1 + (long) rnd.nextInt((int) Math.min(acked.size(), nextId - 1))));
                    continue;
                }
                batch.add(new Event(
                        nextId++,
                        users.get(rnd.nextInt(USERS)),
                        rnd.nextDouble(-80, 80),
                        rnd.nextDouble(-170, 170),
                        rnd.nextInt(2001) - 1000,
                        String.format(
                                "2001-%02d-%02dT%02d:00:00",
                                1 + rnd.nextInt(12), 1 + rnd.nextInt(28), rnd.nextInt(24))));
            }
            Kill kill = KILLS.get(b);
            while (true) { // the client's retry loop
                try {
                    child.send(b, batch);
                    if (kill == Kill.AFTER_SEND) {
                        throw child.kill();
                    }
                    child.expect("BEGIN " + b);
                    if (kill == Kill.AFTER_BEGIN) {
                        throw child.kill();
                    }
                    String ack = child.expect("ACK " + b);
                    String[] f = ack.split(" ");
                    assertThat(Integer.parseInt(f[2]) + Integer.parseInt(f[3])).isEqualTo(batch.size());
                    for (Event e : batch) {
                        acked.put(e.id(), e);
                    }
                    if (kill == Kill.AFTER_ACK) {
                        child.kill();
                        kills++;
                        kill = null;
                        child = Child.start(url);
                        restarts++;
                    }
                    break;
                } catch (IOException e) {
                    if (kill != null) {
                        kills++;
                    }
                    kill = null;
                    child.destroy();
                    child = Child.start(url);
                    restarts++;
                }
            }
        }
        child.finish();
        assertThat(kills).isEqualTo(KILLS.size());
        assertThat(restarts).isGreaterThanOrEqualTo(KILLS.size());

        try (Store store = Store.open(StoreConfig.of(url))) {
            var byUser = new HashMap<Long, List<Event>>();
            for (Event e : acked.values()) {
                byUser.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e);
            }
            long total = 0;
            for (long user : users) {
                AggregateSnapshot a = store.users().get(user).aggregate();
                NaiveAggregate want = NaiveAggregate.of(byUser.get(user), e -> null);
                String why = "user " + user + " seed " + seed;
                assertThat(a.count()).as(why).isEqualTo(want.count());
                assertThat(new BigDecimal(a.sum())).as(why).isEqualByComparingTo(want.sum());
                assertThat(a.min()).as(why).isEqualTo(want.min());
                assertThat(a.max()).as(why).isEqualTo(want.max());
                assertThat(a.lastTs()).as(why).isEqualTo(want.lastTs());
                assertThat(a.lastEventId()).as(why).isEqualTo(want.lastId());
                total += a.count();
            }
            assertThat(total).isEqualTo(acked.size());
            // replaying everything after recovery changes nothing
            IngestResult replay = store.events().ingest(List.copyOf(acked.values()));
            assertThat(replay.accepted()).isZero();
            assertThat(store.users().get(users.getFirst()).aggregate().count())
                    .isEqualTo(byUser.get(users.getFirst()).size());
        }
    }

    /** The child JVM running {@link IngestLoop}, talked to over its stdin/stdout. */
    static final class Child {
        final Process process;
        final Writer in;
        final BufferedReader out;
        final List<Long> users = new ArrayList<>();

        private Child(Process process) {
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Child start(String url) throws IOException, InterruptedException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var pb = new ProcessBuilder(
                    java,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    IngestLoop.class.getName(),
                    url,
                    String.valueOf(USERS));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            var child = new Child(pb.start());
            String ready = child.out.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                child.destroy();
                throw new IllegalStateException("ingest server did not start: " + ready);
            }
            for (String id : ready.substring(6).split(" ")) {
                child.users.add(Long.parseLong(id));
            }
            return child;
        }

        void send(int seq, List<Event> batch) throws IOException {
            var sb = new StringBuilder(batch.size() * 64);
            sb.append("BATCH ").append(seq).append(' ').append(batch.size()).append('\n');
            for (Event e : batch) {
                sb.append(e.id())
                        .append(',')
                        .append(e.userId())
                        .append(',')
                        .append(e.lat())
                        .append(',')
                        .append(e.lon())
                        .append(',')
                        .append(e.value())
                        .append(',')
                        .append(e.ts())
                        .append('\n');
            }
            in.write(sb.toString());
            in.flush();
        }

        /** Reads the next line; an IOException when the server died (the client's view of a crash). */
        String expect(String prefix) throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("connection lost");
            }
            if (!line.startsWith(prefix + " ") && !line.equals(prefix)) {
                throw new IllegalStateException("expected " + prefix + ", got " + line);
            }
            return line;
        }

        /** kill -9, then wait until the process is gone; returns the error the client sees. */
        IOException kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
            return new IOException("killed");
        }

        void destroy() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void finish() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                destroy();
                throw new IllegalStateException("ingest server did not exit at end of input");
            }
        }
    }
}
