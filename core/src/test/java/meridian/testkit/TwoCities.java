package meridian.testkit;

import java.util.List;
import java.util.Map;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;

/**
 * The reference design's two places, San Francisco and Los Angeles, as the set {@code sf-la}: the small
 * reference set the service's tests and the enrichment benchmarks start from. The expected distances the
 * tests write by hand are measured from these coordinates.
 */
public final class TwoCities {
    public static final Place SF = new Place("sf", "San Francisco", 37.7749, -122.4194, Map.of());
    public static final Place LA = new Place("la", "Los Angeles", 34.0522, -118.2437, Map.of());

    private TwoCities() {}

    public static ReferenceSet set() {
        return ReferenceSet.of("sf-la", List.of(SF, LA));
    }
}
