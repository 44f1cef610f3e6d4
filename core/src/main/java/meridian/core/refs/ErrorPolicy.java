package meridian.core.refs;

/** What a reader does with a bad row: stop at the first one, or skip it and count it. */
public enum ErrorPolicy {
    FAIL_FAST,
    SKIP
}
