package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import meridian.cli.aggregate.FileAggregation;
import meridian.cli.io.BlockPipeline;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.RollupCsv;
import meridian.core.aggregate.UserAggregate;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's rollups against {@code meridian aggregate}'s aggregator on the same file. Tolerances (the ones
 * the module states): count, min, max, first/last and the last place exactly; sum within
 * (n - 1) · 2^-53 · Σ|v| (plain summation against the CLI's compensated one), mean that over n; the
 * population standard deviation within 1e-9 relative.
 */
class AggregateTest {
    static final SparkSession spark = TestSpark.session();
    static final ReferenceSet cities = TestSpark.cities();

    static Aggregator cli(Path file, ReferenceSet places, String by) throws IOException {
        ExecutorService pool = BlockPipeline.workers(2);
        try (InputStream in = Files.newInputStream(file)) {
            return new FileAggregation(places == null ? null : () -> places, pool, 2, 1000)
                    .aggregate(in, file.toString(), by);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Compares every key; returns the largest relative sum difference seen, for the record. */
    static double compare(Dataset<Row> spark, Aggregator expected, double[] values) {
        double sumAbs = 0;
        for (double v : values) {
            sumAbs += Math.abs(v);
        }
        List<Row> rows = spark.collectAsList();
        assertThat(rows).hasSize(expected.size());
        List<String> keys = expected.sortedKeys();
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String key = keys.get(i);
            UserAggregate a = expected.get(key);
            assertThat(r.getString(0)).as("keys in key order").isEqualTo(key);
            long n = r.getLong(1);
            assertThat(n).as(key).isEqualTo(a.count());
            double sumTolerance = Math.max(1, values.length - 1) * 0x1p-53 * sumAbs;
            assertThat(r.getDouble(2)).as(key).isCloseTo(a.sum(), within(sumTolerance));
            worst = Math.max(worst, Math.abs(r.getDouble(2) - a.sum()) / Math.max(1e-300, sumAbs));
            assertThat(r.getDouble(3)).as(key).isEqualTo(a.min());
            assertThat(r.getDouble(4)).as(key).isEqualTo(a.max());
            assertThat(r.getDouble(5)).as(key).isCloseTo(a.mean(), within(sumTolerance / n));
            assertThat(r.getString(6)).as(key).isEqualTo(a.firstTs());
            assertThat(r.getString(7)).as(key).isEqualTo(a.lastTs());
            assertThat(r.getString(8)).as(key).isEqualTo(a.lastPlaceId());
            assertThat(r.getString(9)).as(key).isEqualTo(a.lastPlaceName());
            if (a.lastPlaceId() == null) {
                assertThat(r.isNullAt(10)).isTrue();
            } else {
                assertThat(r.getDouble(10)).as(key).isEqualTo(a.lastPlaceKm());
            }
            assertThat(r.getDouble(11)).as(key).isCloseTo(a.stddev(), within(1e-9 * Math.max(1e-9, a.stddev())));
        }
        return worst;
    }

    private static double[] values(Dataset<Row> events, String column) {
        return events.select(column).collectAsList().stream()
                .mapToDouble(r -> Double.parseDouble(r.getString(0)))
                .toArray();
    }

    @Test
    void theShippedEventsRollUpAsMeridianAggregateDoes() throws IOException {
        Dataset<Row> events = JobIo.csvReader(spark).csv(TestSpark.events().toString());
        assertThat(events.javaRDD().getNumPartitions()).isGreaterThanOrEqualTo(4);
        Dataset<Row> rollups = MeridianSpark.aggregate(events, "user_id", "value", "ts", cities);
        // the CLI's header, which AggregateCommandTest spells out
        assertThat(String.join(",", rollups.columns())).isEqualTo("user_id," + RollupCsv.COLUMNS);
        compare(rollups, cli(TestSpark.events(), cities, "user_id"), values(events, "value"));
    }

    @Test
    void fractionalValuesTiedTimestampsAndNoIdColumnStayWithinTheStatedTolerance(@TempDir Path dir) throws IOException {
        long seed = new Random().nextLong();
        System.out.println("rollup seed " + seed);
        var random = new Random(seed);
        var sb = new StringBuilder("user,lat,lon,value,ts\n");
        int n = 6000;
        for (int i = 0; i < n; i++) {
            double v = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(7) - 2);
            // few distinct instants, so first/last are decided by the row order (the CLI's line number)
            String ts = String.format(Locale.ROOT, "2024-03-%02dT10:00:00Z", 1 + random.nextInt(3));
            sb.append("u")
                    .append(random.nextInt(40))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.5f", random.nextDouble() * 120 - 60))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.5f", random.nextDouble() * 360 - 180))
                    .append(',')
                    .append(Double.toString(v))
                    .append(',')
                    .append(ts)
                    .append('\n');
        }
        Path file = dir.resolve("events.csv");
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        Dataset<Row> events = JobIo.csvReader(spark).csv(file.toString());
        Dataset<Row> rollups = MeridianSpark.aggregate(events, "user", "value", "ts", cities);
        double worst = compare(rollups, cli(file, cities, "user"), values(events, "value"));
        System.out.printf(Locale.ROOT, "largest sum difference: %.3g of the sum of |values|%n", worst);
    }

    /**
     * An event whose coordinates are not a point on Earth (text that is not a plain decimal, NaN, out of range,
     * missing) is left out: Spark on the whole file against the CLI on the same file without those rows.
     */
    @Test
    void eventsWithoutAPointAreLeftOutAndTheRestPlacedAsTheCliPlacesThem(@TempDir Path dir) throws IOException {
        var random = new Random(3);
        String[] badLat = {"abc", "NaN", "91", "-90.0001", "", "1e3", "0x10", "12.5.3"};
        String[] badLon = {"abc", "NaN", "180.5", "-180.0001", "", "1e3", "0x10", "12.5.3"};
        var all = new StringBuilder("id,user_id,lat,lon,value,ts\n");
        var good = new StringBuilder("id,user_id,lat,lon,value,ts\n");
        for (int i = 1; i <= 4000; i++) {
            String lat = String.format(Locale.ROOT, "%.5f", random.nextDouble() * 180 - 90);
            String lon = String.format(Locale.ROOT, "%.5f", random.nextDouble() * 360 - 180);
            if (i % 50 == 0) {
                lat = " " + lat + " "; // blanks around a decimal are allowed
            }
            boolean ok = i % 7 != 0;
            if (!ok) {
                if (random.nextBoolean()) {
                    lat = badLat[random.nextInt(badLat.length)];
                } else {
                    lon = badLon[random.nextInt(badLon.length)];
                }
            }
            String row = String.format(
                    Locale.ROOT,
                    "%d,u%d,\"%s\",\"%s\",%d,2024-01-01T00:%02d:%02dZ%n",
                    i,
                    random.nextInt(30),
                    lat,
                    lon,
                    random.nextInt(1000),
                    i / 60 % 60,
                    i % 60);
            all.append(row);
            if (ok) {
                good.append(row);
            }
        }
        Path allFile = dir.resolve("all.csv");
        Path goodFile = dir.resolve("good.csv");
        Files.writeString(allFile, all, StandardCharsets.UTF_8);
        Files.writeString(goodFile, good, StandardCharsets.UTF_8);
        Dataset<Row> events = JobIo.csvReader(spark).csv(allFile.toString());
        Dataset<Row> rollups = MeridianSpark.aggregate(events, "user_id", "value", "ts", cities);
        Dataset<Row> goodEvents = JobIo.csvReader(spark).csv(goodFile.toString());
        compare(rollups, cli(goodFile, cities, "user_id"), values(goodEvents, "value"));
    }

    @Test
    void withoutPlacesTheLastPlaceIsNull() throws IOException {
        Dataset<Row> events = JobIo.csvReader(spark).csv(TestSpark.events().toString());
        Dataset<Row> rollups = MeridianSpark.aggregate(events, "origin", "value", "ts");
        compare(rollups, cli(TestSpark.events(), null, "origin"), values(events, "value"));
    }
}
