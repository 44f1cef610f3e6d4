package meridian.core.enrich;

import meridian.core.region.RegionIndex;
import meridian.core.region.RegionLocator;

/**
 * Which country holds each record: the region index and the territorial sea (km) within which a point
 * outside every unit still gets the unit with the nearest border. Immutable; each enriching thread takes
 * its own {@link RegionLocator} with {@link #locator()}, as it takes its own searcher.
 */
public record RegionLookup(RegionIndex index, double seaKm) {
    public RegionLookup {
        index.locator(seaKm); // the index's own check of the sea: 0 to 1000 km
    }

    public RegionLookup(RegionIndex index) {
        this(index, RegionIndex.TERRITORIAL_SEA_KM);
    }

    public RegionLocator locator() {
        return index.locator(seaKm);
    }
}
