package meridian.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import meridian.core.aggregate.Timestamps;
import meridian.core.aggregate.UserAggregate;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;

/**
 * Durable, idempotent event ingest. One {@link #ingest} call is one transaction:
 *
 * <ol>
 *   <li>validate every event (nothing is written if one is bad), drop repeats of an id within the call,
 *       tag each event with its nearest place;
 *   <li>lock the aggregate rows of the users involved ({@code SELECT ... ORDER BY user_id FOR UPDATE});
 *       a missing row means an unknown user, and the whole call is rejected listing those ids;
 *   <li>insert the events in multi-row {@code INSERT ... ON CONFLICT DO NOTHING} statements of
 *       {@link #ROWS_PER_STATEMENT} rows, sorted by id (a fixed lock order, so concurrent calls cannot
 *       deadlock on the primary key);
 *   <li>find which rows this call inserted (all of them when the insert counts add up, which is the
 *       common case; otherwise by the call's random {@code ingest_batch} token) and fold exactly those
 *       into the users' aggregates with the core {@link UserAggregate};
 *   <li>write the aggregate rows back (multi-row {@code MERGE}) and commit. Only then does the call return: a returned
 *       {@link IngestResult} is durable.
 * </ol>
 *
 * An event id already stored is a duplicate whatever its content (first write wins). Thread-safe;
 * concurrent calls for the same user serialise on its aggregate row.
 */
public final class Events {
    /** Rows per INSERT or MERGE statement: 11 or 16 parameters each, under PostgreSQL's 32,767 limit. */
    public static final int ROWS_PER_STATEMENT = 1000;

    /** Largest batch one call accepts; bounds the memory and the length of one transaction. */
    public static final int MAX_BATCH = 100_000;

    /** Unknown user ids listed in an error, at most. */
    static final int MAX_LISTED = 100;

    private static final int COLUMNS = 11;
    private static final String INSERT_HEAD = "INSERT INTO events (id, user_id, lat, lon, value, ts, ts_us,"
            + " place_id, place_name, place_km, ingest_batch) VALUES ";
    private static final String FULL_INSERT = insertSql(ROWS_PER_STATEMENT);

    private final Store store;
    private final ReferenceSet places;

    Events(Store store, ReferenceSet places) {
        this.store = store;
        this.places = places;
    }

    /** The reference set events are tagged with, or null. */
    public ReferenceSet places() {
        return places;
    }

    /**
     * Stores the events that are new and folds them into their users' aggregates, in one transaction.
     *
     * @throws InvalidInputException {@code invalid_event} for a bad event (its position and field in the
     *     detail), {@code unknown_user} when a user id does not exist ({@code user_ids} in the detail), or
     *     {@code batch_too_large}; nothing is written in these cases
     * @throws meridian.core.error.UnavailableException when the database cannot be reached; nothing was
     *     acknowledged, and sending the same events again is safe
     */
    public IngestResult ingest(List<Event> events) {
        return ingest(events, places);
    }

    /**
     * As {@link #ingest(List)}, tagging events with their nearest place in {@code placesForCall} (null for
     * none) instead of the store's reference set: for a service whose default set can be replaced at run
     * time. Tagging runs on the calling thread (no hidden parallelism, so a caller's CPU bound holds).
     */
    public IngestResult ingest(List<Event> events, ReferenceSet placesForCall) {
        if (events.size() > MAX_BATCH) {
            throw new InvalidInputException(
                    "batch_too_large",
                    "at most " + MAX_BATCH + " events per call, got " + events.size(),
                    Map.of("limit", MAX_BATCH, "size", events.size()));
        }
        if (events.isEmpty()) {
            return new IngestResult(0, 0);
        }
        Prepared p = prepare(events, placesForCall);
        int accepted = store.transaction("ingest events", c -> write(c, p));
        return new IngestResult(accepted, events.size() - accepted);
    }

    /** The validated, de-duplicated, id-sorted and enriched events of one call, by column. */
    private static final class Prepared {
        int n;
        long[] id;
        long[] user;
        double[] lat;
        double[] lon;
        double[] value;
        String[] ts;
        long[] tsMicros;
        String[] placeId;
        String[] placeName;
        double[] placeKm;
        long[] users; // distinct, ascending
    }

    private static Prepared prepare(List<Event> events, ReferenceSet places) {
        Event[] sorted = events.toArray(new Event[0]);
        for (int i = 0; i < sorted.length; i++) {
            validate(sorted[i], i);
        }
        Arrays.sort(sorted, (a, b) -> Long.compare(a.id(), b.id()));
        var p = new Prepared();
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i].id() != sorted[i - 1].id()) {
                sorted[n++] = sorted[i];
            }
        }
        p.n = n;
        p.id = new long[n];
        p.user = new long[n];
        p.lat = new double[n];
        p.lon = new double[n];
        p.value = new double[n];
        p.ts = new String[n];
        p.tsMicros = new long[n];
        p.placeId = new String[n];
        p.placeName = new String[n];
        p.placeKm = new double[n];
        for (int i = 0; i < n; i++) {
            Event e = sorted[i];
            p.id[i] = e.id();
            p.user[i] = e.userId();
            p.lat[i] = e.lat();
            p.lon[i] = e.lon();
            p.value[i] = e.value();
            p.ts[i] = e.ts();
            p.tsMicros[i] = Timestamps.parseMicros(e.ts());
        }
        p.users = Arrays.stream(p.user).sorted().distinct().toArray();
        enrich(p, places);
        return p;
    }

    private static void enrich(Prepared p, ReferenceSet places) {
        if (places == null) {
            Arrays.fill(p.placeKm, Double.NaN);
            return;
        }
        var batch = new RecordBatch(p.n);
        for (int i = 0; i < p.n; i++) {
            batch.add(p.id[i], p.lat[i], p.lon[i]);
        }
        var matches = new Matches();
        matches.reset(p.n, 1);
        new Enricher(places.index()).enrichRange(batch, 0, p.n, EnrichOptions.NEAREST, matches);
        for (int i = 0; i < p.n; i++) {
            if (matches.count(i) > 0) {
                int place = matches.place(i, 0);
                p.placeId[i] = places.id(place);
                p.placeName[i] = places.placeName(place);
                p.placeKm[i] = matches.distanceKm(i, 0);
            } else {
                p.placeKm[i] = Double.NaN;
            }
        }
    }

    private static void validate(Event e, int position) {
        String field = null;
        String why = null;
        if (e == null) {
            field = "event";
            why = "is null";
        } else if (e.userId() <= 0) {
            field = "user_id";
            why = "must be a positive user id, got " + e.userId();
        } else if (!Earth.isValidLatitude(e.lat())) {
            field = "lat";
            why = "must be a latitude in [-90, 90], got " + e.lat();
        } else if (!Earth.isValidLongitude(e.lon())) {
            field = "lon";
            why = "must be a longitude in [-180, 180], got " + e.lon();
        } else if (!Double.isFinite(e.value())) {
            field = "value";
            why = "must be a finite number, got " + e.value();
        } else if (e.ts() == null || e.ts().length() > 64 || Timestamps.tryParseMicros(e.ts()) == Timestamps.INVALID) {
            field = "ts";
            why = "must be an ISO-8601 timestamp such as 2001-01-01T00:47:00 or 2001-01-01T00:47:00Z, got '"
                    + (e.ts() == null ? "" : e.ts()) + "'";
        }
        if (field != null) {
            var detail = new LinkedHashMap<String, Object>();
            detail.put("index", position);
            if (e != null) {
                detail.put("id", e.id());
            }
            detail.put("field", field);
            throw new InvalidInputException(
                    "invalid_event",
                    "event " + position + (e != null ? " (id " + e.id() + ")" : "") + ": " + field + " " + why,
                    detail);
        }
    }

    private static int write(Connection c, Prepared p) throws SQLException {
        Map<Long, UserAggregate> aggregates = lockAggregates(c, p.users);
        long token = ThreadLocalRandom.current().nextLong();
        int inserted = insert(c, p, token);
        boolean[] isNew = new boolean[p.n];
        if (inserted == p.n) {
            Arrays.fill(isNew, true);
        } else if (inserted > 0) {
            markInserted(c, p, token, isNew);
        }
        if (inserted == 0) {
            return 0;
        }
        var touched = new HashMap<Long, UserAggregate>();
        for (int i = 0; i < p.n; i++) {
            if (isNew[i]) {
                UserAggregate a = aggregates.get(p.user[i]);
                a.add(p.id[i], p.value[i], p.tsMicros[i], p.ts[i], p.placeId[i], p.placeName[i], p.placeKm[i]);
                touched.put(p.user[i], a);
            }
        }
        updateAggregates(c, touched);
        return inserted;
    }

    private static Map<Long, UserAggregate> lockAggregates(Connection c, long[] users) throws SQLException {
        var found = HashMap.<Long, UserAggregate>newHashMap(users.length);
        for (int from = 0; from < users.length; from += ROWS_PER_STATEMENT) {
            int to = Math.min(users.length, from + ROWS_PER_STATEMENT);
            String sql = "SELECT user_id, event_count, value_sum, value_min, value_max, value_mean, value_m2,"
                    + " first_event_id, first_ts_us, first_ts, last_event_id, last_ts_us, last_ts, last_place_id,"
                    + " last_place_name, last_place_km FROM user_aggregates WHERE user_id IN ("
                    + placeholders(to - from) + ") ORDER BY user_id FOR UPDATE";
            try (var ps = c.prepareStatement(sql)) {
                for (int i = from; i < to; i++) {
                    ps.setLong(i - from + 1, users[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getLong(1), UserAggregate.of(Users.aggregate(rs, 2)));
                    }
                }
            }
        }
        if (found.size() < users.length) {
            var unknown = new ArrayList<Long>();
            for (long u : users) {
                if (!found.containsKey(u) && unknown.size() < MAX_LISTED) {
                    unknown.add(u);
                }
            }
            int missing = users.length - found.size();
            throw new InvalidInputException(
                    "unknown_user",
                    missing + " unknown user id(s) " + unknown + (missing > unknown.size() ? " ..." : "")
                            + ": create the users first; no event of this batch was stored",
                    Map.of("user_ids", List.copyOf(unknown), "unknown_count", missing));
        }
        return found;
    }

    private static int insert(Connection c, Prepared p, long token) throws SQLException {
        int inserted = 0;
        try (PreparedStatement full = p.n >= ROWS_PER_STATEMENT ? c.prepareStatement(FULL_INSERT) : null) {
            int from = 0;
            for (; from + ROWS_PER_STATEMENT <= p.n; from += ROWS_PER_STATEMENT) {
                bindRows(full, p, from, from + ROWS_PER_STATEMENT, token);
                inserted += full.executeUpdate();
            }
            if (from < p.n) {
                try (var rest = c.prepareStatement(insertSql(p.n - from))) {
                    bindRows(rest, p, from, p.n, token);
                    inserted += rest.executeUpdate();
                }
            }
        }
        return inserted;
    }

    private static void bindRows(PreparedStatement ps, Prepared p, int from, int to, long token) throws SQLException {
        int k = 1;
        for (int i = from; i < to; i++) {
            ps.setLong(k++, p.id[i]);
            ps.setLong(k++, p.user[i]);
            ps.setDouble(k++, p.lat[i]);
            ps.setDouble(k++, p.lon[i]);
            ps.setDouble(k++, p.value[i]);
            ps.setString(k++, p.ts[i]);
            ps.setLong(k++, p.tsMicros[i]);
            ps.setString(k++, p.placeId[i]);
            ps.setString(k++, p.placeName[i]);
            Users.setNullableDouble(ps, k++, p.placeKm[i]);
            ps.setLong(k++, token);
        }
    }

    /** Marks the rows whose stored ingest_batch is this call's token: the ones it inserted. */
    private static void markInserted(Connection c, Prepared p, long token, boolean[] isNew) throws SQLException {
        var position = HashMap.<Long, Integer>newHashMap(p.n);
        for (int i = 0; i < p.n; i++) {
            position.put(p.id[i], i);
        }
        for (int from = 0; from < p.n; from += ROWS_PER_STATEMENT) {
            int to = Math.min(p.n, from + ROWS_PER_STATEMENT);
            try (var ps = c.prepareStatement(
                    "SELECT id FROM events WHERE ingest_batch = ? AND id IN (" + placeholders(to - from) + ")")) {
                ps.setLong(1, token);
                for (int i = from; i < to; i++) {
                    ps.setLong(i - from + 2, p.id[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        isNew[position.get(rs.getLong(1))] = true;
                    }
                }
            }
        }
    }

    /**
     * Writes the new state of the touched aggregate rows: one {@code MERGE ... USING (VALUES ...)} per
     * {@link #ROWS_PER_STATEMENT} users (standard SQL that PostgreSQL 15 and H2 both run), instead of one
     * UPDATE per user.
     */
    private static void updateAggregates(Connection c, Map<Long, UserAggregate> touched) throws SQLException {
        long[] ids =
                touched.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        for (int from = 0; from < ids.length; from += ROWS_PER_STATEMENT) {
            int to = Math.min(ids.length, from + ROWS_PER_STATEMENT);
            try (var ps = c.prepareStatement(mergeSql(to - from))) {
                int k = 1;
                for (int i = from; i < to; i++) {
                    UserAggregate a = touched.get(ids[i]);
                    ps.setLong(k++, ids[i]);
                    ps.setLong(k++, a.count());
                    ps.setDouble(k++, a.sum());
                    ps.setDouble(k++, a.min());
                    ps.setDouble(k++, a.max());
                    ps.setDouble(k++, a.mean());
                    ps.setDouble(k++, a.m2());
                    ps.setLong(k++, a.firstEventId());
                    ps.setLong(k++, a.firstMicros());
                    ps.setString(k++, a.firstTs());
                    ps.setLong(k++, a.lastEventId());
                    ps.setLong(k++, a.lastMicros());
                    ps.setString(k++, a.lastTs());
                    ps.setString(k++, a.lastPlaceId());
                    ps.setString(k++, a.lastPlaceName());
                    Users.setNullableDouble(ps, k++, a.lastPlaceKm());
                }
                ps.executeUpdate();
            }
        }
    }

    private static final String[] AGGREGATE_COLUMNS = {
        "user_id",
        "event_count",
        "value_sum",
        "value_min",
        "value_max",
        "value_mean",
        "value_m2",
        "first_event_id",
        "first_ts_us",
        "first_ts",
        "last_event_id",
        "last_ts_us",
        "last_ts",
        "last_place_id",
        "last_place_name",
        "last_place_km"
    };

    private static String mergeSql(int rows) {
        var sb = new StringBuilder(256 + rows * (AGGREGATE_COLUMNS.length * 3 + 4));
        sb.append("MERGE INTO user_aggregates a USING (VALUES ");
        String row = "(" + placeholders(AGGREGATE_COLUMNS.length) + ")";
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "" : ", ").append(row);
        }
        sb.append(") AS v (").append(String.join(", ", AGGREGATE_COLUMNS));
        sb.append(") ON a.user_id = v.user_id WHEN MATCHED THEN UPDATE SET ");
        for (int i = 1; i < AGGREGATE_COLUMNS.length; i++) {
            sb.append(i == 1 ? "" : ", ")
                    .append(AGGREGATE_COLUMNS[i])
                    .append(" = v.")
                    .append(AGGREGATE_COLUMNS[i]);
        }
        return sb.toString();
    }

    private static String insertSql(int rows) {
        var sb = new StringBuilder(INSERT_HEAD.length() + rows * (COLUMNS * 3 + 4) + 32);
        sb.append(INSERT_HEAD);
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                sb.append(", ");
            }
            sb.append('(').append(placeholders(COLUMNS)).append(')');
        }
        return sb.append(" ON CONFLICT DO NOTHING").toString();
    }

    private static String placeholders(int n) {
        return "?" + ", ?".repeat(n - 1);
    }
}
