package meridian.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import meridian.core.csv.CsvHeader;
import meridian.core.error.ExitCode;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aggregate INPUT --by COLUMN --out DIR}: {@code meridian aggregate} on Spark. */
@Command(
        name = "aggregate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Per-key rollups of an event file (CSV or Parquet) on Spark, as 'meridian aggregate' computes them.",
            "",
            "Output: one row per key in key order: KEY,count,sum,min,max,mean,first_ts,last_ts,last_place_id,"
                    + "last_place_name,last_place_km,stddev. Rows without a key, with a value that is not a finite"
                    + " number, or a timestamp that does not parse are skipped and counted.",
        })
final class AggregateJob extends JobIo implements Callable<Integer> {
    @Option(
            names = "--by",
            paramLabel = "COLUMN",
            defaultValue = "user_id",
            description = "key column (default: ${DEFAULT-VALUE})")
    String by;

    @Option(names = "--value", paramLabel = "COLUMN", defaultValue = "value", description = "value column")
    String value;

    @Option(names = "--ts", paramLabel = "COLUMN", defaultValue = "ts", description = "timestamp column")
    String ts;

    @Option(names = "--no-places", description = "do not tag events with their nearest place")
    boolean noPlaces;

    @Override
    public Integer call() {
        JdkCheck.requireSafeRuntime();
        if (isLocal(input)) {
            checkLocalInput(input);
        }
        ReferenceSet set = !noPlaces && isLocal(refs) ? MeridianSpark.load(null, refs) : null;
        SparkSession spark = session("meridian aggregate");
        try {
            checkOutput(spark, out);
            Dataset<Row> events = read(spark, input);
            var names = Arrays.asList(events.columns());
            Rollups.requireColumns(names, by, value, ts);
            boolean coordinates =
                    CsvHeader.column(names, CsvHeader.LAT) >= 0 && CsvHeader.column(names, CsvHeader.LON) >= 0;
            if (!noPlaces && coordinates) {
                if (set == null) {
                    set = MeridianSpark.load(spark, refs);
                }
                events = MeridianSpark.enrich(events, set, NearestOptions.defaults());
            }
            Dataset<Row> prepared = Rollups.prepare(events, by, value, ts);
            var read = new Observation("meridian_aggregate_read");
            prepared = prepared.observe(
                    read,
                    count(lit(1)).as("rows"),
                    count_if(col(Rollups.VALID).unary_$bang()).as("skipped"));
            Dataset<Row> rollups = Rollups.rollups(prepared, by);
            var written = new Observation("meridian_aggregate_keys");
            rollups = rollups.observe(written, count(lit(1)).as("keys"));
            if (outFormat == Format.CSV) {
                Column[] cols = new Column[1 + Rollups.COLUMNS.size()];
                cols[0] = col(by);
                for (int i = 0; i < Rollups.COLUMNS.size(); i++) {
                    String c = Rollups.COLUMNS.get(i);
                    boolean text = c.equals("count")
                            || c.endsWith("_ts")
                            || c.equals("last_place_id")
                            || c.equals("last_place_name");
                    cols[i + 1] = text ? col(c) : numberText(col(c)).as(c);
                }
                rollups = rollups.select(cols);
            }
            double seconds = writeTimed(rollups);
            if (!quiet) {
                Map<String, Object> r = counts(read);
                Map<String, Object> w = counts(written);
                long rows = (Long) r.get("rows");
                System.err.printf(
                        Locale.ROOT,
                        "meridian: %,d rows read, %,d keys, %,d bad rows skipped, in %.2f s: %,.0f rows/s%s%n",
                        rows,
                        (Long) w.get("keys"),
                        (Long) r.get("skipped"),
                        seconds,
                        rows / seconds,
                        set == null
                                ? " (no places)"
                                : String.format(Locale.ROOT, " (%s: %,d places)", set.name(), set.size()));
            }
            return ExitCode.OK;
        } finally {
            done(spark);
        }
    }
}
