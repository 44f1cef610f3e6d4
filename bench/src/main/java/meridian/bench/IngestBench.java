package meridian.bench;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.store.Event;
import meridian.store.PlaceTag;
import meridian.store.Store;
import meridian.store.StoreConfig;

/**
 * Ingest throughput: {@code IngestBench URL [events] [batch] [threads] [users] [places]} ingests
 * {@code events} new events for {@code users} users in calls of {@code batch} events from {@code threads}
 * client threads (each with its own share of the users, as independent clients would be), and prints events per second (acknowledged = committed). {@code places} is {@code cities} (tag
 * each event with its nearest GeoNames city, as the service does) or {@code none}. Use an empty database: it
 * creates the users and the events with ids 1..events.
 */
public final class IngestBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int userCount = args.length > 4 ? Integer.parseInt(args[4]) : 1_000;
        ReferenceSet places = args.length > 5 && args[5].equals("none") ? null : ReferenceSetReader.bundled();
        try (Store store = Store.open(StoreConfig.of(url).withPoolSize(Math.max(2, threads)))) {
            long[] users = new long[userCount];
            for (int i = 0; i < userCount; i++) {
                users[i] = store.users()
                        .create("Bench " + i, "bench" + i + "@example.com")
                        .id();
            }
            var rnd = new Random(42);
            var batches = new ArrayList<List<Event>>();
            for (int from = 0; from < events; from += batch) {
                var b = new ArrayList<Event>(batch);
                // each client thread has its own users (as separate clients would): calls of different
                // threads then do not wait for each other's locks on aggregate rows
                int slice = batches.size() % threads;
                int perSlice = userCount / threads;
                for (int i = from; i < Math.min(events, from + batch); i++) {
                    b.add(new Event(
                            i + 1L,
                            users[slice * perSlice + rnd.nextInt(perSlice)],
                            rnd.nextDouble(-60, 70),
                            rnd.nextDouble(-180, 180),
                            rnd.nextInt(1000),
                            String.format(
                                    "2001-%02d-%02dT%02d:%02d:00",
                                    1 + rnd.nextInt(12), 1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60))));
                }
                batches.add(b);
            }
            ExecutorService pool = Executors.newFixedThreadPool(
                    threads, Thread.ofPlatform().daemon(true).factory());
            var accepted = new AtomicLong();
            long start = System.nanoTime();
            var futures = new ArrayList<Future<?>>();
            for (List<Event> b : batches) {
                futures.add(pool.submit(() -> accepted.addAndGet(
                        store.events().ingest(b, tags(b, places)).accepted())));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            System.out.printf(
                    "%s: %,d events accepted in %.2f s = %,.0f events/s (batch %d, %d threads, %d users, places %s)%n",
                    url.replaceAll("\\?.*", ""),
                    accepted.get(),
                    seconds,
                    accepted.get() / seconds,
                    batch,
                    threads,
                    userCount,
                    places == null ? "none" : places.name());
            // replay of everything: all duplicates, nothing counted twice
            long t1 = System.nanoTime();
            long dup = 0;
            for (List<Event> b : batches.subList(0, Math.min(batches.size(), 20))) {
                dup += store.events().ingest(b, tags(b, places)).duplicates();
            }
            System.out.printf(
                    "replay of %,d events: all duplicates (%,d) in %.2f s%n", dup, dup, (System.nanoTime() - t1) / 1e9);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            try (var c = DriverManager.getConnection(url);
                    var rs = c.createStatement()
                            .executeQuery(
                                    "SELECT (SELECT count(*) FROM events), (SELECT sum(event_count) FROM user_aggregates)")) {
                rs.next();
                System.out.println(
                        "check: rows in events = " + rs.getLong(1) + ", sum of aggregate counts = " + rs.getLong(2));
            }
        }
    }

    /** Each event's nearest place, as the service finds it before it calls the store; null for no places. */
    static List<PlaceTag> tags(List<Event> events, ReferenceSet places) {
        if (places == null) {
            return null;
        }
        var batch = new meridian.core.enrich.RecordBatch(events.size());
        for (Event e : events) {
            batch.add(e.id(), e.lat(), e.lon());
        }
        var matches = new meridian.core.enrich.Matches();
        matches.reset(events.size(), 1);
        new meridian.core.enrich.Enricher(places.index())
                .enrichRange(batch, 0, events.size(), meridian.core.enrich.EnrichOptions.NEAREST, matches);
        var tags = new ArrayList<PlaceTag>(events.size());
        for (int i = 0; i < events.size(); i++) {
            int p = matches.count(i) > 0 ? matches.place(i, 0) : -1;
            tags.add(p < 0 ? null : new PlaceTag(places.id(p), places.placeName(p), matches.distanceKm(i, 0)));
        }
        return tags;
    }
}
