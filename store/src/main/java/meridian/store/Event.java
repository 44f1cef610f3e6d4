package meridian.store;

/**
 * An event to ingest. {@code id} is the client's event id and makes ingest idempotent; {@code ts} is an
 * ISO-8601 timestamp, with or without offset (without: read as UTC).
 */
public record Event(long id, long userId, double lat, double lon, double value, String ts) {}
