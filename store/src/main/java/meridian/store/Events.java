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
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;

/**
 * Durable, idempotent event ingest. One {@link #ingest} call is one transaction:
 *
 * <ol>
 *   <li>validate every event (nothing is written if one is bad), drop repeats of an id within the call
 *       (the same id with other content in one call is a conflict); each event carries the nearest-place
 *       tag its caller found for it (the store does no enrichment);
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
 * An event id already stored with the same content (user, coordinates, value, and timestamp instant) is a
 * duplicate: a retry, counted and skipped. The same id with other content is a conflict: the call fails with
 * {@code event_conflict} (409) naming the ids, and nothing of it is stored. Thread-safe; concurrent calls for
 * the same user serialise on its aggregate row.
 *
 * <p>Values are bounded by {@link #MAX_ABS_VALUE} so that no aggregate can overflow: with {@code |value| <=
 * 1e100} the sum of 2^63 events stays below 1e120 and Welford's sum of squared deviations below 1e220, far
 * from {@code Double.MAX_VALUE} (1.8e308). Without a bound, two events of 1e308 made the sum infinite and the
 * variance NaN, for good.
 */
public final class Events {
    /** Rows per INSERT or MERGE statement: 11 or 16 parameters each, under PostgreSQL's 32,767 limit. */
    public static final int ROWS_PER_STATEMENT = 1000;

    /** Largest batch one call accepts; bounds the memory and the length of one transaction. */
    public static final int MAX_BATCH = 100_000;

    /** Largest magnitude of an event value; larger ones reject their call (see the class comment). */
    public static final double MAX_ABS_VALUE = 1e100;

    /** Unknown user ids listed in an error, at most. */
    static final int MAX_LISTED = 100;

    private static final int COLUMNS = 11;
    private static final String INSERT_HEAD = "INSERT INTO events (id, user_id, lat, lon, value, ts, ts_us,"
            + " place_id, place_name, place_km, ingest_batch) VALUES ";
    private static final String FULL_INSERT = insertSql(ROWS_PER_STATEMENT);

    private final Store store;

    Events(Store store) {
        this.store = store;
    }

    /**
     * Stores the events that are new and folds them into their users' aggregates, in one transaction.
     *
     * @throws InvalidInputException {@code invalid_event} for a bad event (its position and field in the
     *     detail), {@code unknown_user} when a user id does not exist ({@code user_ids} in the detail), or
     *     {@code batch_too_large}; nothing is written in these cases
     * @throws ConflictException {@code event_conflict} when an id is already stored, or repeated in the call,
     *     with other content ({@code ids} in the detail); nothing is written
     * @throws meridian.core.error.UnavailableException when the database cannot be reached; nothing was
     *     acknowledged, and sending the same events again is safe
     */
    public IngestResult ingest(List<Event> events) {
        return ingest(events, null);
    }

    /**
     * As {@link #ingest(List)}, with each event's nearest place: {@code tags} is index-aligned with
     * {@code events} (an entry may be null: no place in range), or null for no tags at all.
     */
    public IngestResult ingest(List<Event> events, List<PlaceTag> tags) {
        if (tags != null && tags.size() != events.size()) {
            throw new IllegalArgumentException(tags.size() + " tags for " + events.size() + " events");
        }
        if (events.size() > MAX_BATCH) {
            throw new InvalidInputException(
                    "batch_too_large",
                    "at most " + MAX_BATCH + " events per call, got " + events.size(),
                    Map.of("limit", MAX_BATCH, "size", events.size()));
        }
        if (events.isEmpty()) {
            return new IngestResult(0, 0);
        }
        Prepared p = prepare(events, tags);
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

    private static Prepared prepare(List<Event> events, List<PlaceTag> tags) {
        Integer[] order = new Integer[events.size()];
        for (int i = 0; i < order.length; i++) {
            validate(events.get(i), i);
            order[i] = i;
        }
        Arrays.sort(
                order, (a, b) -> Long.compare(events.get(a).id(), events.get(b).id()));
        var p = new Prepared();
        int n = 0;
        var conflicts = new ArrayList<Long>();
        for (int i = 0; i < order.length; i++) {
            Event e = events.get(order[i]);
            if (i > 0 && e.id() == events.get(order[n - 1]).id()) {
                if (!sameContent(e, events.get(order[n - 1]))
                        && (conflicts.isEmpty() || conflicts.getLast() != e.id())) {
                    conflicts.add(e.id());
                }
            } else {
                order[n++] = order[i];
            }
        }
        if (!conflicts.isEmpty()) {
            throw conflict(conflicts, "appear more than once in the batch with different content");
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
            Event e = events.get(order[i]);
            PlaceTag tag = tags == null ? null : tags.get(order[i]);
            p.placeId[i] = tag == null ? null : tag.id();
            p.placeName[i] = tag == null ? null : tag.name();
            p.placeKm[i] = tag == null ? Double.NaN : tag.km();
            p.id[i] = e.id();
            p.user[i] = e.userId();
            p.lat[i] = e.lat();
            p.lon[i] = e.lon();
            p.value[i] = e.value();
            p.ts[i] = e.ts();
            p.tsMicros[i] = Timestamps.parseMicros(e.ts());
        }
        p.users = Arrays.stream(p.user).sorted().distinct().toArray();
        return p;
    }

    private static boolean sameContent(Event a, Event b) {
        return a.userId() == b.userId()
                && a.lat() == b.lat()
                && a.lon() == b.lon()
                && a.value() == b.value()
                && Timestamps.parseMicros(a.ts()) == Timestamps.parseMicros(b.ts());
    }

    private static ConflictException conflict(List<Long> ids, String why) {
        List<Long> listed = ids.subList(0, Math.min(MAX_LISTED, ids.size()));
        return new ConflictException(
                "event_conflict",
                ids.size() + " event id(s) " + listed + (ids.size() > listed.size() ? " ..." : "") + " " + why
                        + "; an id names one event for good. No event of this batch was stored",
                Map.of("ids", List.copyOf(listed), "conflict_count", ids.size()));
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
        } else if (!(Math.abs(e.value()) <= MAX_ABS_VALUE)) {
            field = "value";
            why = "must be a finite number of magnitude at most " + MAX_ABS_VALUE + ", got " + e.value();
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
        if (inserted < p.n) {
            checkRepeats(c, p, isNew); // throws, and the transaction rolls back, on a conflicting repeat
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

    /**
     * Finds the aggregate rows holding a non-finite number and recomputes each from its user's stored
     * events, in one transaction per user. Events whose value is beyond {@link #MAX_ABS_VALUE} (stored
     * before the bound existed) stay stored but are left out of the aggregate. Returns the rows repaired.
     * Portable: NaN sorts above every number on PostgreSQL and H2, so "not between -max and max" finds NaN
     * and both infinities.
     */
    public int repairAggregates() {
        List<Long> broken = store.autocommit("find non-finite aggregates", c -> {
            var ids = new ArrayList<Long>();
            String range = " BETWEEN ? AND ?)";
            String[] cols = {"value_sum", "value_m2", "value_min", "value_max", "value_mean"};
            var sql = new StringBuilder("SELECT user_id FROM user_aggregates WHERE ");
            for (int i = 0; i < cols.length; i++) {
                sql.append(i == 0 ? "" : " OR ").append("NOT (").append(cols[i]).append(range);
            }
            try (var ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < cols.length; i++) {
                    ps.setDouble(2 * i + 1, -Double.MAX_VALUE);
                    ps.setDouble(2 * i + 2, Double.MAX_VALUE);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
        for (long user : broken) {
            store.transaction("recompute an aggregate", c -> {
                lockAggregates(c, new long[] {user});
                var a = new UserAggregate();
                try (var ps = c.prepareStatement("SELECT id, value, ts_us, ts, place_id, place_name, place_km"
                        + " FROM events WHERE user_id = ? ORDER BY ts_us, id")) {
                    ps.setLong(1, user);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            double v = rs.getDouble(2);
                            if (Math.abs(v) <= MAX_ABS_VALUE) {
                                double km = rs.getDouble(7);
                                if (rs.wasNull()) {
                                    km = Double.NaN;
                                }
                                a.add(
                                        rs.getLong(1),
                                        v,
                                        rs.getLong(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        km);
                            }
                        }
                    }
                }
                if (a.count() > 0) {
                    updateAggregates(c, Map.of(user, a));
                } else {
                    try (var ps = c.prepareStatement("UPDATE user_aggregates SET event_count = 0, value_sum = 0,"
                            + " value_m2 = 0, value_min = NULL, value_max = NULL, value_mean = NULL,"
                            + " first_event_id = NULL, first_ts_us = NULL, first_ts = NULL, last_event_id = NULL,"
                            + " last_ts_us = NULL, last_ts = NULL, last_place_id = NULL, last_place_name = NULL,"
                            + " last_place_km = NULL WHERE user_id = ?")) {
                        ps.setLong(1, user);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        }
        return broken.size();
    }

    /** The events of this call that were already stored must carry the same content, else a conflict. */
    private static void checkRepeats(Connection c, Prepared p, boolean[] isNew) throws SQLException {
        int[] old =
                java.util.stream.IntStream.range(0, p.n).filter(i -> !isNew[i]).toArray();
        var position = HashMap.<Long, Integer>newHashMap(old.length);
        for (int i : old) {
            position.put(p.id[i], i);
        }
        var conflicts = new ArrayList<Long>();
        for (int from = 0; from < old.length; from += ROWS_PER_STATEMENT) {
            int to = Math.min(old.length, from + ROWS_PER_STATEMENT);
            try (var ps = c.prepareStatement("SELECT id, user_id, lat, lon, value, ts_us FROM events WHERE id IN ("
                    + placeholders(to - from) + ")")) {
                for (int i = from; i < to; i++) {
                    ps.setLong(i - from + 1, p.id[old[i]]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = position.get(rs.getLong(1));
                        if (rs.getLong(2) != p.user[i]
                                || rs.getDouble(3) != p.lat[i]
                                || rs.getDouble(4) != p.lon[i]
                                || rs.getDouble(5) != p.value[i]
                                || rs.getLong(6) != p.tsMicros[i]) {
                            conflicts.add(p.id[i]);
                        }
                    }
                }
            }
        }
        if (!conflicts.isEmpty()) {
            conflicts.sort(null);
            throw conflict(conflicts, "are already stored with different content");
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
