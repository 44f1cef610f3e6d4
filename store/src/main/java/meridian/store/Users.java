package meridian.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import meridian.core.aggregate.AggregateSnapshot;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;

/**
 * Users: create, read (with the user's aggregate), update, delete, and list in id order with keyset
 * pagination. Emails are trimmed, lower-cased and unique; names are 1 to {@link #MAX_NAME} characters.
 *
 * <p>Errors: {@link InvalidInputException} (code {@code invalid_user}) for a bad name or email,
 * {@link ConflictException} ({@code email_taken}), {@link NotFoundException} ({@code user_not_found}),
 * {@link meridian.core.error.UnavailableException} when the database is down. Thread-safe.
 */
public final class Users {
    public static final int MAX_NAME = 200;
    public static final int MAX_EMAIL = 320;
    public static final int MAX_PAGE = 1000;

    // Deliberately simple: something@something.tld, no spaces; the mail system is the real validator.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

    private static final String COLUMNS = "u.id, u.name, u.email, u.created_at, u.updated_at";
    private static final String AGGREGATE_COLUMNS = "a.event_count, a.value_sum, a.value_min, a.value_max,"
            + " a.value_mean, a.value_m2, a.first_event_id, a.first_ts_us, a.first_ts, a.last_event_id,"
            + " a.last_ts_us, a.last_ts, a.last_place_id, a.last_place_name, a.last_place_km";

    private final Store store;

    Users(Store store) {
        this.store = store;
    }

    /** Creates a user (and its empty aggregate); returns it with its new id. */
    public User create(String name, String email) {
        String n = validName(name);
        String e = validEmail(email);
        Instant now = now();
        return store.transaction("create user", c -> {
            long id;
            try (var ps = c.prepareStatement(
                    "INSERT INTO users (name, email, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    new String[] {"id"})) {
                ps.setString(1, n);
                ps.setString(2, e);
                ps.setObject(3, utc(now));
                ps.setObject(4, utc(now));
                executeUserWrite(ps, e);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO user_aggregates (user_id, event_count, value_sum, value_m2)"
                    + " VALUES (?, 0, 0, 0)")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return new User(id, n, e, now, now);
        });
    }

    /** The user with its aggregate; {@link NotFoundException} when there is no such user. */
    public UserDetails get(long id) {
        return store.autocommit("get user", c -> {
            try (var ps = c.prepareStatement("SELECT " + COLUMNS + ", " + AGGREGATE_COLUMNS
                    + " FROM users u LEFT JOIN user_aggregates a ON a.user_id = u.id WHERE u.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(id);
                    }
                    return new UserDetails(user(rs), aggregate(rs, 6));
                }
            }
        });
    }

    /**
     * Changes a user's name and/or email (a null argument keeps the current value); returns the user as
     * stored afterwards.
     */
    public User update(long id, String name, String email) {
        String n = name == null ? null : validName(name);
        String e = email == null ? null : validEmail(email);
        Instant now = now();
        return store.transaction("update user", c -> {
            try (var ps = c.prepareStatement("UPDATE users SET name = COALESCE(?, name), email = COALESCE(?, email),"
                    + " updated_at = ? WHERE id = ?")) {
                ps.setString(1, n);
                ps.setString(2, e);
                ps.setObject(3, utc(now));
                ps.setLong(4, id);
                if (executeUserWrite(ps, e) == 0) {
                    throw notFound(id);
                }
            }
            try (var ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users u WHERE u.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return user(rs);
                }
            }
        });
    }

    /**
     * Deletes a user, its aggregate and its events. Its event ids become free again: an event replayed
     * after the delete is a new event (of a user that no longer exists, so it is rejected).
     */
    public void delete(long id) {
        store.transaction("delete user", c -> {
            // Lock order as in ingest: the aggregate row first, so a concurrent ingest waits and then
            // finds the user gone.
            try (var ps = c.prepareStatement("DELETE FROM user_aggregates WHERE user_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("DELETE FROM events WHERE user_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
                ps.setLong(1, id);
                if (ps.executeUpdate() == 0) {
                    throw notFound(id);
                }
            }
            return null;
        });
    }

    /**
     * Users with id greater than {@code after} (0 for the first page), in id order, at most {@code limit}
     * (1 to {@link #MAX_PAGE}). Keyset pagination: stable under concurrent inserts and deletes, and each
     * page costs an index range scan whatever its depth.
     */
    public UserPage list(int limit, long after) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException(
                    "invalid_option",
                    "limit must be between 1 and " + MAX_PAGE + ", got " + limit,
                    Map.of("field", "limit", "value", limit));
        }
        return store.autocommit("list users", c -> {
            try (var ps =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM users u WHERE u.id > ? ORDER BY u.id LIMIT ?")) {
                ps.setLong(1, after);
                ps.setInt(2, limit + 1);
                var page = new ArrayList<User>(Math.min(limit, 64));
                boolean more = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (page.size() == limit) {
                            more = true;
                            break;
                        }
                        page.add(user(rs));
                    }
                }
                return new UserPage(page, more ? page.getLast().id() : null);
            }
        });
    }

    private static int executeUserWrite(PreparedStatement ps, String email) throws SQLException {
        try {
            return ps.executeUpdate();
        } catch (SQLException ex) {
            if ("23505".equals(ex.getSQLState())) {
                throw new ConflictException(
                        "email_taken", "a user with email " + email + " already exists", Map.of("email", email));
            }
            throw ex;
        }
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("user_not_found", "no user with id " + id, Map.of("user_id", id));
    }

    static String validName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(
                    "invalid_user",
                    "name must be 1 to " + MAX_NAME + " characters without control characters",
                    Map.of("field", "name"));
        }
        return n;
    }

    static String validEmail(String email) {
        String e = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches()) {
            throw new InvalidInputException(
                    "invalid_user",
                    "email must look like name@example.com (at most " + MAX_EMAIL + " characters), got '"
                            + (email == null ? "" : email) + "'",
                    Map.of("field", "email", "value", email == null ? "" : email));
        }
        return e;
    }

    private static Instant now() {
        // Microseconds: what both databases keep, so a returned user equals the stored one.
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(),
                rs.getObject(5, OffsetDateTime.class).toInstant());
    }

    /** Reads the 15 aggregate columns starting at {@code from}; an absent row reads as empty. */
    static AggregateSnapshot aggregate(ResultSet rs, int from) throws SQLException {
        long count = rs.getLong(from);
        if (count == 0) {
            return AggregateSnapshot.EMPTY;
        }
        return new AggregateSnapshot(
                count,
                rs.getDouble(from + 1),
                rs.getDouble(from + 2),
                rs.getDouble(from + 3),
                rs.getDouble(from + 4),
                rs.getDouble(from + 5),
                rs.getLong(from + 6),
                rs.getLong(from + 7),
                rs.getString(from + 8),
                rs.getLong(from + 9),
                rs.getLong(from + 10),
                rs.getString(from + 11),
                rs.getString(from + 12),
                rs.getString(from + 13),
                nullableDouble(rs, from + 14));
    }

    static double nullableDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    static void setNullableDouble(PreparedStatement ps, int column, double v) throws SQLException {
        if (Double.isNaN(v)) {
            ps.setNull(column, Types.DOUBLE);
        } else {
            ps.setDouble(column, v);
        }
    }
}
