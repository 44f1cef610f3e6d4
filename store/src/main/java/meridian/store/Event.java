package meridian.store;

/**
 * An event to ingest. {@code id} is the client's event id and makes ingest idempotent; {@code ts} is the text
 * of a timestamp under core's rule ({@code Timestamps}: ISO-8601, UTC without offset, or epoch seconds or
 * milliseconds), kept as sent.
 */
public record Event(long id, long userId, double lat, double lon, double value, String ts) {}
