package meridian.core.enrich;

import java.util.Map;
import meridian.core.error.InvalidInputException;

/**
 * How to enrich: how many nearest places to report ({@code k}, at least 1) and the largest distance
 * that still counts as near ({@code maxKm}; infinity for none); with {@code regions} (null for none), also
 * the country holding each record ({@link Matches#unit}).
 */
public record EnrichOptions(int k, double maxKm, RegionLookup regions) {
    public static final EnrichOptions NEAREST = new EnrichOptions(1, Double.POSITIVE_INFINITY);

    /** Upper bound on k: keeps per-record output bounded whatever a caller asks for. */
    public static final int MAX_K = 1000;

    public EnrichOptions {
        if (k < 1 || k > MAX_K) {
            throw new InvalidInputException(
                    "invalid_option",
                    "k must be between 1 and " + MAX_K + ", got " + k,
                    Map.of("field", "k", "value", k));
        }
        if (Double.isNaN(maxKm) || maxKm < 0) {
            throw new InvalidInputException(
                    "invalid_option",
                    "max_km must be a non-negative number of kilometres, got " + maxKm,
                    Map.of("field", "max_km", "value", String.valueOf(maxKm)));
        }
    }

    public EnrichOptions(int k, double maxKm) {
        this(k, maxKm, null);
    }

    /** These options, also locating each record's country with {@code lookup} (null: no country). */
    public EnrichOptions withRegions(RegionLookup lookup) {
        return new EnrichOptions(k, maxKm, lookup);
    }

    /** One nearest place at any distance: the batch search's case (the country does not change it). */
    public boolean isPlainNearest() {
        return k == 1 && maxKm == Double.POSITIVE_INFINITY;
    }
}
