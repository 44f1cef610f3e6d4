package meridian.core.refs;

import java.util.Map;

/** One reference place, as a value for callers; the set itself stores places by column. */
public record Place(String id, String name, double lat, double lon, Map<String, String> attributes) {}
