package meridian.spark;

import java.util.List;
import java.util.Map;
import meridian.core.enrich.EnrichOptions;
import meridian.core.error.InvalidInputException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL face: {@code meridian_nearest(lat, lon)} returns {@code struct<id, name, distance_km>} and
 * {@code meridian_knn(lat, lon, k, max_km)} an array of them, nearest first (ties by id), with the same
 * values as {@link MeridianSpark#enrich}. Coordinates may be numbers or decimal text; a null or invalid
 * coordinate gives null, as does {@code meridian_knn} with no place within {@code max_km} (null
 * {@code max_km}: no limit). A {@code k} outside 1..1000 or a negative {@code max_km} is a mistake in the
 * query, not in the data, and fails it with that message.
 *
 * <p>Spark deserializes a function object per task, so the cursor held in a transient field belongs to
 * one task thread; the places come from the per-JVM set of the broadcast.
 */
final class NearestFunctions {
    static final String NEAREST = "meridian_nearest";
    static final String KNN = "meridian_knn";

    private NearestFunctions() {}

    static void register(SparkSession spark, BroadcastPlaces places) {
        spark.udf().register(NEAREST, new Nearest(places), Enrichment.PLACE);
        spark.udf().register(KNN, new Knn(places), DataTypes.createArrayType(Enrichment.PLACE, false));
    }

    /**
     * What both functions share: the broadcast places and the task's cursor, and the coordinates of a call
     * read as {@link MeridianSpark#enrich} reads them.
     */
    abstract static class OnPlaces implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final BroadcastPlaces places;
        private transient NearestCursor cursor;

        OnPlaces(BroadcastPlaces places) {
            this.places = places;
        }

        /**
         * Finds the places nearest to the call's coordinates on the task's cursor ({@link #cursor} holds them):
         * how many were found, or -1 when a coordinate is null or invalid.
         */
        final int find(Object latValue, Object lonValue, int k, double maxKm) {
            double lat = Coordinates.number(latValue);
            double lon = Coordinates.number(lonValue);
            if (!Coordinates.valid(lat, lon)) {
                return -1;
            }
            if (cursor == null) {
                cursor = new NearestCursor(places.set());
            }
            return cursor.find(lat, lon, k, maxKm);
        }

        final NearestCursor cursor() {
            return cursor;
        }
    }

    /** {@code meridian_nearest(lat, lon)}. */
    static final class Nearest extends OnPlaces implements UDF2<Object, Object, Row> {
        private static final long serialVersionUID = 1L;

        Nearest(BroadcastPlaces places) {
            super(places);
        }

        @Override
        public Row call(Object latValue, Object lonValue) {
            if (find(latValue, lonValue, 1, Double.POSITIVE_INFINITY) < 0) {
                return null;
            }
            NearestCursor cursor = cursor();
            int p = cursor.place(0);
            return RowFactory.create(cursor.set().id(p), cursor.set().placeName(p), cursor.km(0));
        }
    }

    /** {@code meridian_knn(lat, lon, k, max_km)}. */
    static final class Knn extends OnPlaces implements UDF4<Object, Object, Object, Object, List<Row>> {
        private static final long serialVersionUID = 1L;

        Knn(BroadcastPlaces places) {
            super(places);
        }

        @Override
        public List<Row> call(Object latValue, Object lonValue, Object kValue, Object maxKmValue) {
            if (!(kValue instanceof Number kn) || kn.doubleValue() != kn.longValue()) {
                throw new InvalidInputException(
                        "invalid_option",
                        KNN + ": k must be a whole number between 1 and " + EnrichOptions.MAX_K + ", got " + kValue,
                        Map.of("field", "k", "value", String.valueOf(kValue)));
            }
            double maxKm = maxKmValue == null ? Double.POSITIVE_INFINITY : Coordinates.number(maxKmValue);
            long k = kn.longValue();
            // the engine's own checks and messages
            var options = new EnrichOptions((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, k)), maxKm);
            int found = find(latValue, lonValue, options.k(), options.maxKm());
            return found <= 0 ? null : java.util.Arrays.asList(Enrichment.answers(cursor(), found));
        }
    }
}
