package meridian.spark;

import meridian.core.enrich.EnrichOptions;

/**
 * How {@link MeridianSpark#enrich} enriches: the coordinate columns (null: found by the product's header
 * rule, {@code lat|latitude} and {@code lon|longitude|lng}, case-insensitive), how many places ({@code k},
 * 1 to {@link EnrichOptions#MAX_K}), the largest distance that still counts ({@code maxKm}, inclusive;
 * infinity for none), and an optional column for the reason a row got no answer.
 *
 * <p>For {@code k == 1} three columns are appended: {@code nearest_id}, {@code nearest_name},
 * {@code distance_km}; for {@code k > 1} one: {@code nearest}, an array of {@code struct<id, name,
 * distance_km>} in distance order (ties by id). A null or invalid coordinate, or no place within
 * {@code maxKm}, gives nulls there; the row is always kept.
 *
 * <p>With {@code country}, three more columns follow, as {@code meridian process --country} gives them:
 * {@code country} (ISO alpha-2), {@code country_name} and {@code country_km} (0 inside the unit, the distance
 * to its border within the territorial sea), from the bundled Natural Earth countries; nulls when none.
 */
public record NearestOptions(
        String latColumn, String lonColumn, int k, double maxKm, String errorColumn, boolean country)
        implements java.io.Serializable {
    public NearestOptions {
        new EnrichOptions(k, maxKm); // the engine's own checks: 1 <= k <= MAX_K, maxKm >= 0
    }

    public NearestOptions(String latColumn, String lonColumn, int k, double maxKm, String errorColumn) {
        this(latColumn, lonColumn, k, maxKm, errorColumn, false);
    }

    /** Adds the country columns. */
    public NearestOptions withCountry(boolean on) {
        return new NearestOptions(latColumn, lonColumn, k, maxKm, errorColumn, on);
    }

    /** k = 1, no distance limit, columns found by name, no error column. */
    public static NearestOptions defaults() {
        return new NearestOptions(null, null, 1, Double.POSITIVE_INFINITY, null);
    }

    public NearestOptions withColumns(String lat, String lon) {
        return new NearestOptions(lat, lon, k, maxKm, errorColumn, country);
    }

    public NearestOptions withK(int newK) {
        return new NearestOptions(latColumn, lonColumn, newK, maxKm, errorColumn, country);
    }

    public NearestOptions withMaxKm(double km) {
        return new NearestOptions(latColumn, lonColumn, k, km, errorColumn, country);
    }

    /** Adds a string column with the reason a row got no answer (null when it got one). */
    public NearestOptions withErrorColumn(String name) {
        return new NearestOptions(latColumn, lonColumn, k, maxKm, name, country);
    }
}
