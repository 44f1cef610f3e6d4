package meridian.core.refs;

/** A row that could not be used: where it is and why. */
public record RowError(String file, long line, String field, String reason) {
    @Override
    public String toString() {
        return file + " line " + line + (field == null ? "" : ", field '" + field + "'") + ": " + reason;
    }
}
