package meridian.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_element_at;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import meridian.core.enrich.EnrichOptions;
import meridian.core.error.ExitCode;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code process INPUT --out DIR}: {@code meridian process} on Spark, one output row per input row. */
@Command(
        name = "process",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Enrich CSV or Parquet records with their nearest reference places, on Spark.",
            "",
            "CSV columns are found as in 'meridian process' (lat|latitude, lon|longitude|lng); every row is kept:"
                    + " rows with a missing or invalid coordinate, or no place within --max-km, get empty fields"
                    + " (and the reason in --error-column). CSV output: the input columns, then"
                    + " nearest_id,nearest_name,distance_km (for -k N > 1: nearest_id_1 ... distance_km_N), the"
                    + " distance with at least 6 decimals. Parquet output: for -k N > 1 one column 'nearest',"
                    + " an array of struct<id,name,distance_km>.",
        })
final class ProcessJob extends JobIo implements Callable<Integer> {
    @Option(names = "-k", paramLabel = "N", defaultValue = "1", description = "report the N nearest places")
    int k;

    @Option(names = "--max-km", paramLabel = "D", description = "only places within D km count as near")
    Double maxKm;

    @Option(
            names = "--country",
            description = "also country,country_name,country_km (as meridian process --country; bundled boundaries)")
    boolean country;

    @Option(names = "--lat", paramLabel = "COLUMN", description = "latitude column (default: lat|latitude)")
    String lat;

    @Option(names = "--lon", paramLabel = "COLUMN", description = "longitude column (default: lon|longitude|lng)")
    String lon;

    @Option(
            names = "--error-column",
            paramLabel = "NAME",
            description = "add a column with the reason a row got no answer")
    String errorColumn;

    private static final String REASON = "_meridian_reason";

    @Override
    public Integer call() {
        JdkCheck.requireSafeRuntime();
        if (k < 1 || k > EnrichOptions.MAX_K) {
            throw new InvalidInputException(
                    "invalid_option", "-k must be between 1 and " + EnrichOptions.MAX_K + ", got " + k, Map.of());
        }
        if (maxKm != null && (maxKm.isNaN() || maxKm < 0)) {
            throw new InvalidInputException(
                    "invalid_option", "--max-km must be a distance >= 0, got " + maxKm, Map.of());
        }
        double limit = maxKm == null ? Double.POSITIVE_INFINITY : maxKm;
        String reason = errorColumn != null ? errorColumn : REASON;
        var options = new NearestOptions(lat, lon, k, limit, reason, country);
        if (isLocal(input)) {
            checkLocalInput(input);
        }
        long loadStart = System.nanoTime();
        // a local reference file is read (and a bad one reported) before Spark starts
        ReferenceSet set = isLocal(refs) ? MeridianSpark.load(null, refs) : null;
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        SparkSession spark = session("meridian process");
        try {
            if (set == null) {
                set = MeridianSpark.load(spark, refs);
            }
            checkOutput(spark, out);
            Dataset<Row> in = read(spark, input);
            BroadcastPlaces places = MeridianSpark.broadcast(spark, set);
            Dataset<Row> enriched = MeridianSpark.enrich(in, places, options);
            Column first = k == 1 ? col("nearest_id") : try_element_at(col("nearest"), lit(1));
            var stats = new Observation("meridian_process");
            enriched = enriched.observe(
                    stats,
                    count(lit(1)).as("rows"),
                    count(first).as("enriched"),
                    count_if(col(reason).startsWith(Enrichment.NO_ANSWER)).as("no_answer"),
                    count_if(first.isNull()
                                    .and(col(reason)
                                            .startsWith(Enrichment.NO_ANSWER)
                                            .unary_$bang()))
                            .as("invalid"));
            Dataset<Row> result = outFormat == Format.CSV ? csvColumns(enriched, in.columns()) : enriched;
            if (errorColumn == null) {
                result = result.drop(REASON);
            }
            double seconds = writeTimed(result);
            if (!quiet) {
                Map<String, Object> m = counts(stats);
                long rows = (Long) m.get("rows");
                System.err.printf(
                        Locale.ROOT,
                        "meridian: %,d rows read, %,d enriched, %,d with no place within %s km, %,d with a missing or"
                                + " invalid coordinate, in %.2f s: %,.0f rows/s (%s: %,d places, loaded in %.2f s,"
                                + " broadcast %.1f MB)%n",
                        rows,
                        (Long) m.get("enriched"),
                        (Long) m.get("no_answer"),
                        maxKm == null ? "any" : maxKm.toString(),
                        (Long) m.get("invalid"),
                        seconds,
                        rows / seconds,
                        set.name(),
                        set.size(),
                        loadSeconds,
                        places.broadcastBytes() / 1e6);
            }
            return ExitCode.OK;
        } finally {
            done(spark);
        }
    }

    /**
     * The columns as {@code meridian process} writes CSV: the answers flattened (nearest_id_1 ...), the
     * distance as text with at least 6 decimals.
     */
    private Dataset<Row> csvColumns(Dataset<Row> enriched, String[] inputColumns) {
        List<Column> cols = new ArrayList<>();
        for (String c : inputColumns) {
            cols.add(col("`" + c.replace("`", "``") + "`"));
        }
        if (k == 1) {
            cols.add(col("nearest_id"));
            cols.add(col("nearest_name"));
            cols.add(distanceText(col("distance_km")).as("distance_km"));
        } else {
            for (int j = 1; j <= k; j++) {
                Column place = try_element_at(col("nearest"), lit(j));
                cols.add(place.getField("id").as("nearest_id_" + j));
                cols.add(place.getField("name").as("nearest_name_" + j));
                cols.add(distanceText(place.getField("distance_km")).as("distance_km_" + j));
            }
        }
        if (country) {
            cols.add(col("country"));
            cols.add(col("country_name"));
            cols.add(distanceText(col("country_km")).as("country_km"));
        }
        cols.add(col(errorColumn != null ? errorColumn : REASON));
        return enriched.select(cols.toArray(Column[]::new));
    }
}
