package meridian.cli.aggregate;

/**
 * An event line read without a tree when it is the usual kind: one object whose members are plain strings (no
 * escapes), JSON numbers, {@code true}, {@code false} or {@code null}, and maybe a {@code "point"} object of such
 * members. The members an event uses come out as core's tree parser ({@code JsonTree}) gives them (a string, a
 * {@code Double} of the number's text, a {@code Boolean}, null; the last of a member given twice), so that the
 * event is checked by the same rules; any other line, valid or not, is left to the tree parser ({@link #read}
 * returns false), which also finds what is wrong with it. Per line, the tree with a map and a string per member
 * was two thirds of {@code aggregate}'s reading of NDJSON: a million events, 8 alternated pairs, 1.62-1.79 s
 * (median 1.69) against 2.34-2.50 s (median 2.39) read through the tree (BENCHMARKS.md).
 *
 * <p>One instance per reader, reused line after line.
 */
final class FlatEvent {
    private final String keyColumn;
    private String text;
    private int pos;
    private int nameFrom; // the member being read: its name is text[nameFrom, nameTo)
    private int nameTo;

    Object id;
    Object key;
    Object value;
    Object ts;
    Object lat;
    Object lon;
    Object pointLat;
    Object pointLon;
    boolean point;

    FlatEvent(String keyColumn) {
        this.keyColumn = keyColumn;
    }

    /** Reads {@code line}; false when it is not a line of the usual kind (nothing is then to be taken from it). */
    boolean read(String line) {
        text = line;
        pos = 0;
        id = key = value = ts = lat = lon = pointLat = pointLon = null;
        point = false;
        space();
        if (!take('{')) {
            return false;
        }
        if (!members(false)) {
            return false;
        }
        space();
        return pos == text.length();
    }

    /** The members of an object after its '{', through its '}'; in {@code inPoint} only lat and lon are kept. */
    private boolean members(boolean inPoint) {
        space();
        if (take('}')) {
            return true;
        }
        while (true) {
            space();
            // the name is matched in the line, not made a string: most members' names are not wanted
            if (!take('"')) {
                return false;
            }
            nameFrom = pos;
            if (!skipPlain()) {
                return false;
            }
            nameTo = pos - 1;
            space();
            if (!take(':')) {
                return false;
            }
            space();
            Object v;
            boolean isPoint = !inPoint && named("point");
            if (isPoint && peek() == '{') {
                pos++;
                pointLat = pointLon = null;
                if (!members(true)) {
                    return false;
                }
                point = true; // the last "point" given: its members replace an earlier one's
                v = null;
            } else {
                v = scalar();
                if (v == FAIL) {
                    return false;
                }
                if (isPoint) {
                    point = false; // a point that is not an object: the event's lat and lon are then its own
                }
            }
            if (inPoint) {
                if (named("lat")) {
                    pointLat = v;
                } else if (named("lon")) {
                    pointLon = v;
                }
            } else if (!isPoint) {
                keep(v);
            }
            space();
            if (take('}')) {
                return true;
            }
            if (!take(',')) {
                return false;
            }
        }
    }

    private void keep(Object v) {
        // the key column may be any name, id or value included: it is read as well as whatever else the name is
        if (named(keyColumn)) {
            key = v;
        }
        if (named("id")) {
            id = v;
        } else if (named("value")) {
            value = v;
        } else if (named("ts")) {
            ts = v;
        } else if (named("lat")) {
            lat = v;
        } else if (named("lon")) {
            lon = v;
        }
    }

    /** Whether the member being read is called {@code name}. */
    private boolean named(String name) {
        return nameTo - nameFrom == name.length() && text.regionMatches(nameFrom, name, 0, name.length());
    }

    /** Past a string's closing quote, its opening one taken: false for escapes, control characters, no end. */
    private boolean skipPlain() {
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return true;
            }
            if (c == '\\' || c < 0x20) {
                return false;
            }
        }
        return false;
    }

    private static final Object FAIL = new Object();

    /** A plain string, a JSON number, a literal; {@link #FAIL} for anything else. */
    private Object scalar() {
        char c = peek();
        if (c == '"') {
            String s = plainString();
            return s == null ? FAIL : s;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        return FAIL;
    }

    /** A string without escapes or control characters; null for any other. */
    private String plainString() {
        if (!take('"')) {
            return null;
        }
        int start = pos;
        return skipPlain() ? text.substring(start, pos - 1) : null;
    }

    /**
     * A number as JSON writes it, as the tree parser reads it ({@link Double#valueOf}); {@link #FAIL} else. What
     * the tree parser would read on ({@code 01}, {@code 1.5.3}) leaves a character that ends no member: the line
     * is then the tree parser's.
     */
    private Object number() {
        int start = pos;
        take('-');
        if (take('0')) {
            // no more integer digits after a leading zero
        } else if (!digits()) {
            return FAIL;
        }
        if (take('.') && !digits()) {
            return FAIL;
        }
        if (take('e') || take('E')) {
            if (!take('+')) {
                take('-');
            }
            if (!digits()) {
                return FAIL;
            }
        }
        if (pos - start > 256) {
            return FAIL; // the tree parser's bound on a number's length
        }
        return Double.valueOf(text.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private boolean take(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }
}
