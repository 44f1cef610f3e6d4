package meridian.store;

import java.time.Instant;

/** A user as stored: the id the database assigned, a display name and a unique (lower-cased) email. */
public record User(long id, String name, String email, Instant createdAt, Instant updatedAt) {}
