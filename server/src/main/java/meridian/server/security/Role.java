package meridian.server.security;

import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role {
    /** {@code POST /enrich}, every {@code GET} route, the TCP stream. */
    READ,
    /** Creating and changing users, ingesting events. */
    WRITE,
    /** Loading, replacing, resetting and deleting reference sets; deleting users. */
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** {@code read}, {@code write} or {@code admin} (any case), or null. */
    static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equals(text.toUpperCase(Locale.ROOT))) {
                return r;
            }
        }
        return null;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
