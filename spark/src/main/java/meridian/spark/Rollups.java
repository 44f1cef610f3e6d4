package meridian.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import meridian.core.aggregate.RollupCsv;
import meridian.core.aggregate.Timestamps;
import meridian.core.csv.CsvHeader;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-key rollups with Spark's built-in aggregate functions only (partial aggregation on each partition,
 * then a merge after the shuffle; no custom UDAF): the columns and values of {@code meridian aggregate}.
 *
 * <p>Semantics follow core {@code UserAggregate}: "first" and "last" are the events with the smallest and
 * greatest (timestamp instant, event id), where the event id is the {@code id} column or, without one,
 * the row's position in the input (like the CLI's line number); the last place is the nearest place of the
 * last event. count, min, max, first/last and the place are exact whatever the partitioning. sum and mean
 * are plain double sums in Spark (the CLI compensates its sum), so they agree exactly for integer values
 * below 2^53 and otherwise within about n · 2^-53 · Σ|v|; stddev (population) within 1e-9 relative.
 *
 * <p>Rows without a key, with a value that is not a finite number or a timestamp that does not parse are
 * left out (the CLI stops at the first of them); {@link #VALID} marks them so a job can count them.
 */
final class Rollups {
    /** The columns after the key, in the CLI's order. */
    static final List<String> COLUMNS = List.of(RollupCsv.COLUMNS.split(","));

    /** Added by {@link #prepare}: whether the row takes part in the rollups. */
    static final String VALID = "_meridian_valid";

    private static final String KEY = "_meridian_key";
    private static final String VALUE = "_meridian_value";
    private static final String MICROS = "_meridian_micros";
    private static final String TS = "_meridian_ts";
    private static final String EVENT = "_meridian_event";

    private static final UserDefinedFunction ISO_MICROS =
            udf((UDF1<String, Long>) Rollups::isoMicros, DataTypes.LongType).withName("meridian_ts_micros");

    private Rollups() {}

    /**
     * Microseconds since the epoch of an event's timestamp column, null when it cannot be read: text by the
     * product's timestamp rule (core {@link Timestamps}), Spark timestamps by their instant. The one place
     * the Spark face reads time, so a change of the rule reaches it here.
     */
    static Column timestampMicros(Column ts, DataType type) {
        if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
            return unix_micros(ts.cast(DataTypes.TimestampType));
        }
        if (type.equals(DataTypes.DateType)) {
            return unix_micros(ts.cast(DataTypes.TimestampType));
        }
        return ISO_MICROS.apply(ts.cast(DataTypes.StringType));
    }

    private static Long isoMicros(String text) {
        if (text == null) {
            return null;
        }
        long v = Timestamps.tryParseMicros(text);
        return v == Timestamps.INVALID ? null : v;
    }

    /**
     * The events with the typed columns the rollups read and the {@link #VALID} flag. {@code places} are
     * the nearest-place columns of an enriched input ({@code nearest_id} ...), or absent.
     */
    static Dataset<Row> prepare(Dataset<Row> events, String by, String value, String ts) {
        StructType schema = events.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        requireColumns(names, by, value, ts);
        int id = CsvHeader.column(names, "id");
        Column event = id >= 0 ? col(names.get(id)).try_cast(DataTypes.LongType) : monotonically_increasing_id();
        Column key = col(by).cast(DataTypes.StringType);
        Column v = col(value).try_cast(DataTypes.DoubleType); // ANSI casts would fail the job on one bad row
        Column micros = timestampMicros(col(ts), schema.apply(ts).dataType());
        Dataset<Row> d = events.withColumn(KEY, key)
                .withColumn(VALUE, v)
                .withColumn(MICROS, micros)
                .withColumn(TS, col(ts).cast(DataTypes.StringType))
                .withColumn(EVENT, event);
        Column valid = col(KEY).isNotNull()
                .and(col(KEY).notEqual(lit("")))
                .and(col(VALUE).isNotNull())
                .and(isnan(col(VALUE)).unary_$bang())
                .and(abs(col(VALUE)).notEqual(lit(Double.POSITIVE_INFINITY)))
                .and(col(MICROS).isNotNull())
                .and(col(EVENT).isNotNull());
        if (names.contains("nearest_id")) {
            // an event whose coordinates could not be searched is as bad as one without a timestamp
            valid = valid.and(col("nearest_id").isNotNull());
        }
        return d.withColumn(VALID, valid);
    }

    /** The columns the rollups read, checked before anything is added to the input or any job runs. */
    static void requireColumns(List<String> names, String by, String value, String ts) {
        for (String c : new String[] {by, value, ts}) {
            if (!names.contains(c)) {
                throw new InvalidInputException(
                        "missing_column",
                        "no column '" + c + "' among the columns " + Excerpt.ofList(names),
                        Map.of("field", c));
            }
        }
    }

    /** Rollups of prepared events (valid rows only), one row per key in key order. */
    static Dataset<Row> rollups(Dataset<Row> prepared, String by) {
        List<String> names = Arrays.asList(prepared.schema().fieldNames());
        boolean places = names.contains("nearest_id");
        Column order = struct(col(MICROS), col(EVENT));
        Column place = places
                ? struct(
                        col("nearest_id").as("id"),
                        col("nearest_name").as("name"),
                        col("distance_km").as("km"))
                : struct(
                        lit(null).cast(DataTypes.StringType).as("id"),
                        lit(null).cast(DataTypes.StringType).as("name"),
                        lit(null).cast(DataTypes.DoubleType).as("km"));
        return prepared.where(col(VALID))
                .groupBy(col(KEY).as(by))
                .agg(
                        count(lit(1)).as("count"),
                        sum(col(VALUE)).as("sum"),
                        min(col(VALUE)).as("min"),
                        max(col(VALUE)).as("max"),
                        avg(col(VALUE)).as("mean"),
                        min_by(col(TS), order).as("first_ts"),
                        max_by(col(TS), order).as("last_ts"),
                        max_by(place, order).as("last_place"),
                        stddev_pop(col(VALUE)).as("stddev"))
                .select(
                        col(by),
                        col("count"),
                        col("sum"),
                        col("min"),
                        col("max"),
                        col("mean"),
                        col("first_ts"),
                        col("last_ts"),
                        col("last_place.id").as("last_place_id"),
                        col("last_place.name").as("last_place_name"),
                        col("last_place.km").as("last_place_km"),
                        col("stddev"))
                .orderBy(col(by));
    }
}
