package meridian.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import meridian.core.aggregate.AggregateSnapshot;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.MeridianException;
import meridian.core.error.NotFoundException;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.testkit.Haversine;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store's behaviour, run against each database (see the subclasses). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
abstract class StoreContractTest {
    static final long SEED = Seeds.seed();

    ReferenceSet places;
    Store store;

    /** A fresh, empty database for this class. */
    abstract StoreConfig createDatabase();

    abstract void dropDatabase();

    @BeforeAll
    void open() {
        var rnd = new Random(SEED);
        var list = new ArrayList<Place>();
        for (int i = 0; i < 40; i++) {
            list.add(new Place("P" + i, "Place " + i, rnd.nextDouble(-80, 80), rnd.nextDouble(-180, 180), Map.of()));
        }
        places = ReferenceSet.of("test-places", list);
        store = Store.open(createDatabase());
    }

    @AfterAll
    void close() {
        if (store != null) {
            store.close();
        }
        dropDatabase();
    }

    // ---- users ----

    @Test
    void createsReadsUpdatesAndDeletesUsers() {
        User u = store.users().create("  Ada Lovelace ", "Ada@Example.com");
        assertThat(u.id()).isPositive();
        assertThat(u.name()).isEqualTo("Ada Lovelace");
        assertThat(u.email()).isEqualTo("ada@example.com");

        UserDetails d = store.users().get(u.id());
        assertThat(d.user()).isEqualTo(u);
        assertThat(d.aggregate().count()).isZero();

        User renamed = store.users().update(u.id(), "Ada King", null);
        assertThat(renamed.name()).isEqualTo("Ada King");
        assertThat(renamed.email()).isEqualTo("ada@example.com");
        assertThat(store.users().get(u.id()).user()).isEqualTo(renamed);

        User other = store.users().create("Charles", "charles@example.com");
        assertThatThrownBy(() -> store.users().update(other.id(), null, "ADA@example.com"))
                .isInstanceOfSatisfying(
                        ConflictException.class, e -> assertThat(e.code()).isEqualTo("email_taken"));
        assertThatThrownBy(() -> store.users().create("Ada again", "ada@example.com"))
                .isInstanceOf(ConflictException.class);

        store.users().delete(u.id());
        assertThatThrownBy(() -> store.users().get(u.id())).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.code()).isEqualTo("user_not_found");
            assertThat(e.detail()).containsEntry("user_id", u.id());
        });
        assertThatThrownBy(() -> store.users().delete(u.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.users().update(u.id(), "x", null)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void rejectsInvalidUsers() {
        for (String bad : new String[] {"", "no-at-sign", "a@b", "two@@example.com", "sp ace@example.com"}) {
            assertThatThrownBy(() -> store.users().create("Name", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_user");
                        assertThat(e.detail()).containsEntry("field", "email");
                    });
        }
        assertThatThrownBy(() -> store.users().create("  ", "blank@example.com"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.users().create("x".repeat(201), "long@example.com"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.users().list(0, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void listsUsersWithKeysetPagination() {
        var created = new ArrayList<Long>();
        for (int i = 0; i < 23; i++) {
            created.add(store.users()
                    .create("Pager " + i, "pager" + i + "@example.com")
                    .id());
        }
        var seen = new ArrayList<Long>();
        long after = 0;
        int pages = 0;
        while (true) {
            UserPage page = store.users().list(7, after);
            pages++;
            assertThat(page.users()).hasSizeLessThanOrEqualTo(7);
            page.users().forEach(u -> seen.add(u.id()));
            if (page.nextAfter() == null) {
                break;
            }
            assertThat(page.users()).hasSize(7);
            assertThat(page.nextAfter()).isEqualTo(page.users().getLast().id());
            after = page.nextAfter();
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates().containsAll(created);
        assertThat(pages).isGreaterThanOrEqualTo(4);

        // a page starting after the last id is empty and final
        UserPage end = store.users().list(5, seen.getLast());
        assertThat(end.users()).isEmpty();
        assertThat(end.nextAfter()).isNull();
    }

    // ---- events ----

    @Test
    void ingestIsIdempotent() {
        long user = store.users().create("Idem", "idem@example.com").id();
        var events = List.of(
                new Event(9_000_001, user, 10, 20, 5, "2001-01-01T00:00:00"),
                new Event(9_000_002, user, 11, 21, 7, "2001-01-01T01:00:00"),
                new Event(9_000_003, user, 12, 22, -1, "2001-01-01T02:00:00"));
        assertThat(store.events().ingest(events)).isEqualTo(new IngestResult(3, 0));
        assertThat(store.events().ingest(events)).isEqualTo(new IngestResult(0, 3));
        // overlapping batch with a repeat inside it: only the new id counts
        var mixed = List.of(
                events.get(1),
                new Event(9_000_004, user, 13, 23, 10, "2001-01-01T03:00:00"),
                new Event(9_000_004, user, 13, 23, 10, "2001-01-01T03:00:00"));
        assertThat(store.events().ingest(mixed, tags(mixed))).isEqualTo(new IngestResult(1, 2));

        AggregateSnapshot a = store.users().get(user).aggregate();
        assertThat(a.count()).isEqualTo(4);
        assertThat(a.sum()).isEqualTo(21);
        assertThat(a.min()).isEqualTo(-1);
        assertThat(a.max()).isEqualTo(10);
        assertThat(a.mean()).isEqualTo(5.25);
        assertThat(a.firstTs()).isEqualTo("2001-01-01T00:00:00");
        assertThat(a.lastTs()).isEqualTo("2001-01-01T03:00:00");
        assertThat(a.lastEventId()).isEqualTo(9_000_004);
        assertThat(a.lastPlaceId()).isEqualTo(bruteForceNearest(13, 23));
        assertThat(a.lastPlaceKm())
                .isCloseTo(
                        Haversine.km(
                                13, 23, places.lat(indexOf(a.lastPlaceId())), places.lon(indexOf(a.lastPlaceId()))),
                        within(1e-6));
    }

    @Test
    void rejectsEventsOfUnknownUsersAndStoresNothing() {
        long user = store.users().create("Known", "known@example.com").id();
        long unknown = 987_654_321L;
        var events = List.of(
                new Event(8_000_001, user, 1, 1, 1, "2001-01-01T00:00:00"),
                new Event(8_000_002, unknown, 1, 1, 1, "2001-01-01T00:00:00"));
        assertThatThrownBy(() -> store.events().ingest(events))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("unknown_user");
                    assertThat(e.detail()).containsEntry("user_ids", List.of(unknown));
                    assertThat(e.getMessage()).contains(String.valueOf(unknown));
                });
        assertThat(store.users().get(user).aggregate().count()).isZero();
        // the known user's event was not stored: sending it alone now is new
        assertThat(store.events().ingest(events.subList(0, 1))).isEqualTo(new IngestResult(1, 0));
    }

    @Test
    void deletingAUserDeletesItsEventsAndLaterEventsAreRejected() {
        long user = store.users().create("Gone", "gone@example.com").id();
        var events = List.of(new Event(6_000_001, user, 1, 1, 1, "2001-01-01T00:00:00"));
        assertThat(store.events().ingest(events)).isEqualTo(new IngestResult(1, 0));
        store.users().delete(user);
        assertThatThrownBy(() -> store.events().ingest(events))
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("unknown_user"));
    }

    @Test
    void rejectsInvalidEventsWithTheirPosition() {
        long user = store.users().create("Strict", "strict@example.com").id();
        var bad = List.of(
                new Event(7_000_001, user, 1, 1, 1, "2001-01-01T00:00:00"),
                new Event(7_000_002, user, 91, 1, 1, "2001-01-01T00:00:00"));
        assertThatThrownBy(() -> store.events().ingest(bad)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_event");
            assertThat(e.detail()).containsEntry("index", 1).containsEntry("field", "lat");
        });
        assertThatThrownBy(() -> store.events().ingest(List.of(new Event(7_000_003, user, 1, 1, 1, "soon"))))
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.detail()).containsEntry("field", "ts"));
        assertThatThrownBy(() ->
                        store.events().ingest(List.of(new Event(7_000_004, user, 1, 1, Double.NaN, "2001-01-01"))))
                .isInstanceOf(InvalidInputException.class);
        assertThat(store.users().get(user).aggregate().count()).isZero();
    }

    @Test
    void aggregatesEqualNaiveComputationAcrossBatchesReplaysAndThreads() throws Exception {
        var rnd = new Random(SEED);
        var users = new ArrayList<Long>();
        for (int i = 0; i < 12; i++) {
            users.add(
                    store.users().create("Agg " + i, "agg" + i + "@example.com").id());
        }
        var all = new ArrayList<Event>();
        long base = 1_000_000_000L;
        for (int i = 0; i < 6000; i++) {
            // few distinct timestamps so that ties on ts are common and the id decides "last"
            String ts = "2001-0" + (1 + rnd.nextInt(3)) + "-1" + rnd.nextInt(10) + "T0" + rnd.nextInt(3) + ":00:00";
            all.add(new Event(
                    base + i,
                    users.get(rnd.nextInt(users.size())),
                    rnd.nextDouble(-89, 89),
                    rnd.nextDouble(-179, 179),
                    rnd.nextInt(20001) - 10000 + (rnd.nextBoolean() ? 0.5 : 0.25),
                    ts));
        }
        // batches of random size, shuffled order, with replays of earlier events mixed in
        var batches = new ArrayList<List<Event>>();
        var shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, rnd);
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + rnd.nextInt(1500));
            var batch = new ArrayList<>(shuffled.subList(from, to));
            for (int r = rnd.nextInt(50); r > 0; r--) {
                batch.add(shuffled.get(rnd.nextInt(to)));
            }
            Collections.shuffle(batch, rnd);
            batches.add(batch);
            from = to;
        }
        batches.addAll(batches.subList(0, batches.size() / 2)); // whole batches replayed
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            var futures = new ArrayList<Future<IngestResult>>();
            for (List<Event> b : batches) {
                futures.add(pool.submit(() -> store.events().ingest(b, tags(b))));
            }
            long accepted = 0;
            for (Future<IngestResult> f : futures) {
                accepted += f.get().accepted();
            }
            assertThat(accepted).as("seed %d", SEED).isEqualTo(all.size());
        } finally {
            pool.shutdown();
        }

        var byUser = new HashMap<Long, List<Event>>();
        for (Event e : all) {
            byUser.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e);
        }
        for (long user : users) {
            AggregateSnapshot got = store.users().get(user).aggregate();
            NaiveAggregate want = NaiveAggregate.of(byUser.get(user), e -> bruteForceNearest(e.lat(), e.lon()));
            String why = "user " + user + " seed " + SEED;
            assertThat(got.count()).as(why).isEqualTo(want.count());
            assertThat(new BigDecimal(got.sum())).as(why).isEqualByComparingTo(want.sum());
            assertThat(got.min()).as(why).isEqualTo(want.min());
            assertThat(got.max()).as(why).isEqualTo(want.max());
            assertThat(got.mean()).as(why).isCloseTo(want.sum().doubleValue() / want.count(), within(1e-9));
            assertThat(got.firstTs()).as(why).isEqualTo(want.firstTs());
            assertThat(got.lastTs()).as(why).isEqualTo(want.lastTs());
            assertThat(got.lastEventId()).as(why).isEqualTo(want.lastId());
            assertThat(got.lastPlaceId()).as(why).isEqualTo(want.lastPlace());
            double variance = byUser.get(user).stream()
                            .mapToDouble(e -> Math.pow(e.value() - want.sum().doubleValue() / want.count(), 2))
                            .sum()
                    / want.count();
            assertThat(got.variance()).as(why).isCloseTo(variance, within(variance * 1e-9));
        }
        var distinct = new HashSet<Long>();
        all.forEach(e -> distinct.add(e.id()));
        assertThat(distinct).hasSize(all.size());
    }

    @Test
    void sameIdWithOtherContentIsAConflictAndStoresNothing() {
        long user = store.users().create("Conflict", "conflict@example.com").id();
        long other = store.users().create("Other", "other-conflict@example.com").id();
        var first = new Event(5_000_001, user, 1, 2, 3, "2001-01-01T00:00:00");
        assertThat(store.events().ingest(List.of(first))).isEqualTo(new IngestResult(1, 0));
        // the same instant written another way is the same content: a retry
        assertThat(store.events().ingest(List.of(new Event(5_000_001, user, 1, 2, 3, "2001-01-01T00:00:00Z"))))
                .isEqualTo(new IngestResult(0, 1));
        for (Event changed : List.of(
                new Event(5_000_001, other, 1, 2, 3, "2001-01-01T00:00:00"),
                new Event(5_000_001, user, 1.5, 2, 3, "2001-01-01T00:00:00"),
                new Event(5_000_001, user, 1, 2, 3.5, "2001-01-01T00:00:00"),
                new Event(5_000_001, user, 1, 2, 3, "2001-01-01T00:00:01"))) {
            var batch = List.of(new Event(5_000_002, user, 1, 1, 1, "2001-01-01T00:00:00"), changed);
            assertThatThrownBy(() -> store.events().ingest(batch))
                    .as(changed.toString())
                    .isInstanceOfSatisfying(ConflictException.class, e -> {
                        assertThat(e.code()).isEqualTo("event_conflict");
                        assertThat(e.detail()).containsEntry("ids", List.of(5_000_001L));
                    });
        }
        var twice = List.of(
                new Event(5_000_003, user, 1, 1, 1, "2001-01-01T00:00:00"),
                new Event(5_000_003, user, 1, 1, 2, "2001-01-01T00:00:00"));
        assertThatThrownBy(() -> store.events().ingest(twice)).isInstanceOf(ConflictException.class);
        assertThat(store.users().get(user).aggregate().count()).isEqualTo(1);
        assertThat(store.users().get(other).aggregate().count()).isZero();
        // 5_000_002 was in every refused batch and is new still
        assertThat(store.events().ingest(List.of(new Event(5_000_002, user, 1, 1, 1, "2001-01-01T00:00:00"))))
                .isEqualTo(new IngestResult(1, 0));
    }

    @Test
    void valuesBeyondTheBoundAreRefused() {
        long user = store.users().create("Huge", "huge@example.com").id();
        for (double v : new double[] {1e308, -1e101, Double.POSITIVE_INFINITY, Double.NaN}) {
            assertThatThrownBy(() ->
                            store.events().ingest(List.of(new Event(4_000_001, user, 1, 1, v, "2001-01-01T00:00:00"))))
                    .as("value " + v)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.detail())
                            .containsEntry("field", "value")
                            .containsEntry("id", 4_000_001L));
        }
        var big = new ArrayList<Event>();
        for (int i = 0; i < 100; i++) {
            big.add(new Event(4_000_100 + i, user, 1, 1, Events.MAX_ABS_VALUE, "2001-01-01T00:00:00"));
        }
        store.events().ingest(big);
        AggregateSnapshot a = store.users().get(user).aggregate();
        assertThat(a.sum()).isCloseTo(100 * Events.MAX_ABS_VALUE, within(1e88));
        assertThat(Double.isFinite(a.stddev())).isTrue();
    }

    @Test
    void nonFiniteAggregatesAreRecomputedFromTheEvents() {
        long user = store.users().create("Broken", "broken@example.com").id();
        store.events()
                .ingest(List.of(
                        new Event(3_000_001, user, 1, 1, 2, "2001-01-01T00:00:00"),
                        new Event(3_000_002, user, 1, 1, 4, "2001-01-02T00:00:00")));
        long empty =
                store.users().create("Broken empty", "broken-empty@example.com").id();
        // what an older version stored after two events of 1e308: an event beyond today's bound, NaN sums
        store.transaction("corrupt", c -> {
            try (var ps = c.prepareStatement("INSERT INTO events (id, user_id, lat, lon, value, ts, ts_us,"
                    + " ingest_batch) VALUES (3000003, ?, 1, 1, 1e308, '2001-01-03T00:00:00', ?, 0)")) {
                ps.setLong(1, user);
                ps.setLong(2, meridian.core.aggregate.Timestamps.parseMicros("2001-01-03T00:00:00"));
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement(
                    "UPDATE user_aggregates SET value_sum = ?, value_m2 = ?, value_mean = ? WHERE user_id IN (?, ?)")) {
                ps.setDouble(1, Double.POSITIVE_INFINITY);
                ps.setDouble(2, Double.NaN);
                ps.setDouble(3, Double.NaN);
                ps.setLong(4, user);
                ps.setLong(5, empty);
                ps.executeUpdate();
            }
            return null;
        });
        assertThat(store.events().repairAggregates()).isEqualTo(2);
        AggregateSnapshot a = store.users().get(user).aggregate();
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.sum()).isEqualTo(6);
        assertThat(a.mean()).isEqualTo(3);
        assertThat(a.stddev()).isCloseTo(1, within(1e-12)); // population: values 2 and 4
        assertThat(store.users().get(empty).aggregate().count()).isZero();
        assertThat(store.users().get(empty).aggregate().sum()).isZero();
        assertThat(store.events().repairAggregates()).isZero();
    }

    @Test
    void errorsAreProductErrors() {
        assertThatThrownBy(() -> store.users().get(-1)).isInstanceOf(MeridianException.class);
        assertThat(store.healthy()).isTrue();
    }

    // ---- helpers: an independent nearest place, by brute force ----

    List<PlaceTag> tags(List<Event> events) {
        var tags = new ArrayList<PlaceTag>();
        for (Event e : events) {
            String id = bruteForceNearest(e.lat(), e.lon());
            int i = indexOf(id);
            tags.add(new PlaceTag(
                    id, places.placeName(i), Haversine.km(e.lat(), e.lon(), places.lat(i), places.lon(i))));
        }
        return tags;
    }

    String bruteForceNearest(double lat, double lon) {
        int best = -1;
        double bestKm = Double.POSITIVE_INFINITY;
        for (int i = 0; i < places.size(); i++) {
            double km = Haversine.km(lat, lon, places.lat(i), places.lon(i));
            if (km < bestKm) {
                bestKm = km;
                best = i;
            }
        }
        return places.id(best);
    }

    int indexOf(String id) {
        for (int i = 0; i < places.size(); i++) {
            if (places.id(i).equals(id)) {
                return i;
            }
        }
        throw new AssertionError(id);
    }
}
