package meridian.spark;

import java.util.Map;
import java.util.WeakHashMap;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Meridian as Spark Dataset operations: nearest-place enrichment over a broadcast index, the SQL functions
 * {@code meridian_nearest} and {@code meridian_knn}, and per-key rollups. Only Spark's public API is used.
 *
 * <p>Enrichment is exact (the answers of the single-machine engine), keeps every input row (nulls where
 * there is no answer), and is one {@code mapPartitions} over the input: no shuffle, input order and
 * partitioning kept. The places travel once per executor as a compact snapshot and are indexed once per
 * executor JVM ({@link BroadcastPlaces}); each partition gets its own search cursor.
 */
public final class MeridianSpark {
    /** One broadcast per reference set and Spark context: enriching twice does not ship or index it twice. */
    private static final Map<ReferenceSet, Shipped> SHIPPED = new WeakHashMap<>();

    private record Shipped(SparkContext context, BroadcastPlaces places) {}

    private MeridianSpark() {}

    /** The set broadcast in {@code spark}'s context (once per set and context). */
    public static BroadcastPlaces broadcast(SparkSession spark, ReferenceSet refs) {
        JdkCheck.requireSafeRuntime();
        synchronized (SHIPPED) {
            Shipped s = SHIPPED.get(refs);
            if (s == null || s.context() != spark.sparkContext() || s.context().isStopped()) {
                s = new Shipped(spark.sparkContext(), BroadcastPlaces.of(spark, refs));
                SHIPPED.put(refs, s);
            }
            return s.places();
        }
    }

    /**
     * Loads a reference set: {@code cities} for the bundled GeoNames cities, or a CSV/GeoJSON file (local,
     * or on a Hadoop file system such as {@code hdfs://} or {@code s3a://}).
     */
    public static ReferenceSet load(SparkSession spark, String refs) {
        return Places.load(spark, refs);
    }

    /** {@code rows} with their nearest places appended (see {@link NearestOptions}). */
    public static Dataset<Row> enrich(Dataset<Row> rows, ReferenceSet refs, NearestOptions options) {
        return enrich(rows, broadcast(rows.sparkSession(), refs), options);
    }

    /** As {@link #enrich(Dataset, ReferenceSet, NearestOptions)}, loading the set first ({@link #load}). */
    public static Dataset<Row> enrich(Dataset<Row> rows, String refs, NearestOptions options) {
        return enrich(rows, load(rows.sparkSession(), refs), options);
    }

    /** As {@link #enrich(Dataset, ReferenceSet, NearestOptions)} with a set already broadcast. */
    public static Dataset<Row> enrich(Dataset<Row> rows, BroadcastPlaces places, NearestOptions options) {
        var step = new Enrichment(places, rows.schema(), options);
        return rows.mapPartitions(step, Encoders.row(step.outputSchema()));
    }

    /**
     * Registers {@code meridian_nearest(lat, lon)} and {@code meridian_knn(lat, lon, k, max_km)} in the
     * session, answering from {@code refs}. From PySpark: {@code
     * spark._jvm.meridian.spark.MeridianSpark.register(spark._jsparkSession, "cities")}.
     */
    public static void register(SparkSession spark, ReferenceSet refs) {
        NearestFunctions.register(spark, broadcast(spark, refs));
    }

    /** As {@link #register(SparkSession, ReferenceSet)}, loading the set first ({@link #load}). */
    public static void register(SparkSession spark, String refs) {
        register(spark, load(spark, refs));
    }

    /**
     * Per-key rollups of {@code events}: the key column {@code by}, then count, sum, min, max, mean,
     * first_ts, last_ts, last_place_id, last_place_name, last_place_km (null here: no places) and stddev,
     * one row per key in key order, as {@code meridian aggregate --no-places} writes them.
     */
    public static Dataset<Row> aggregate(Dataset<Row> events, String by, String value, String ts) {
        return Rollups.rollups(Rollups.prepare(events, by, value, ts), by);
    }

    /**
     * As {@link #aggregate(Dataset, String, String, String)}, with the last event's nearest place from
     * {@code refs} (coordinates found by the header rule), as {@code meridian aggregate} computes it.
     */
    public static Dataset<Row> aggregate(Dataset<Row> events, String by, String value, String ts, ReferenceSet refs) {
        Rollups.requireColumns(java.util.Arrays.asList(events.columns()), by, value, ts);
        return aggregate(enrich(events, refs, NearestOptions.defaults()), by, value, ts);
    }
}
