package meridian.core.refs;

import java.util.List;

/**
 * A loaded reference set and what was left out: {@code skipped} rows in all, the first
 * {@link ReferenceSetReader#MAX_REPORTED_ERRORS} of them described in {@code errors}.
 */
public record LoadResult(ReferenceSet set, long rowsRead, long skipped, List<RowError> errors) {}
