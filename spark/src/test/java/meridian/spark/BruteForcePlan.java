package meridian.spark;

import static org.apache.spark.sql.functions.asin;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.radians;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (not a test): the brute-force Spark plan a user would write without an index (cross join of
 * the points with every place, haversine in SQL, {@code min_by} per point) against
 * {@link MeridianSpark#enrich} on the same sample, same session, alternated. Also checks that both give
 * the same distances. Run from the repository root after {@code mvn -pl spark -am test-compile package}:
 *
 * <pre>
 * java $(cat spark/target/classes/meridian/spark/jvm.options) -Xmx2g \
 *   -cp spark/target/test-classes:spark/target/meridian-spark.jar:$(cat spark/target/spark-classpath.txt) \
 *   meridian.spark.BruteForcePlan POINTS.csv SAMPLE_ROWS [ROUNDS]
 * </pre>
 */
public final class BruteForcePlan {
    private BruteForcePlan() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("io")) {
            io(args[1], args[2], args.length > 3 ? Integer.parseInt(args[3]) : 2);
            return;
        }
        String input = args[0];
        int sample = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        ReferenceSet cities = TestSpark.cities();
        Dataset<Row> points = JobIo.csvReader(spark)
                .csv(input)
                .limit(sample)
                .select(
                        col("id"),
                        col("lat").cast("double").as("lat"),
                        col("lon").cast("double").as("lon"))
                .repartition(2)
                .cache();
        points.count();
        Dataset<Row> places = placesFrame(spark, cities).cache();
        places.count();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            List<Row> index = MeridianSpark.enrich(points, cities, NearestOptions.defaults())
                    .select("id", "distance_km")
                    .orderBy("id")
                    .collectAsList();
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            List<Row> brute = bruteForce(points, places).orderBy("id").collectAsList();
            double bruteSeconds = (System.nanoTime() - t1) / 1e9;
            int differ = 0;
            for (int i = 0; i < index.size(); i++) {
                if (Math.abs(index.get(i).getDouble(1) - brute.get(i).getDouble(1)) > 1e-9) {
                    differ++;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d points x %d places: index %.2f s (%,.0f rows/s), brute force %.2f s (%,.0f rows/s),"
                            + " ratio %.0f; distances differing: %d%n",
                    r + 1,
                    index.size(),
                    cities.size(),
                    indexSeconds,
                    index.size() / indexSeconds,
                    bruteSeconds,
                    brute.size() / bruteSeconds,
                    bruteSeconds / indexSeconds,
                    differ);
        }
        spark.stop();
    }

    /**
     * Where the time of a Spark job goes: the same CSV read and written by Spark with nothing done to it,
     * against the process job's plan on it, alternated; wall and CPU seconds of this process.
     */
    static void io(String input, String outDir, int rounds) {
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        ReferenceSet cities = TestSpark.cities();
        BroadcastPlaces places = MeridianSpark.broadcast(spark, cities);
        for (int r = 0; r < rounds; r++) {
            for (String mode : new String[] {"csv copy", "enrich"}) {
                long w0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                Dataset<Row> in = JobIo.csvReader(spark).csv(input);
                Dataset<Row> out = mode.equals("enrich")
                        ? MeridianSpark.enrich(in, places, NearestOptions.defaults())
                                .withColumn("distance_km", JobIo.distanceText(col("distance_km")))
                        : in;
                out.write()
                        .mode("overwrite")
                        .option("header", "true")
                        .option("escape", "\"")
                        .csv(outDir);
                double wall = (System.nanoTime() - w0) / 1e9;
                double cpu = (os.getProcessCpuTime() - c0) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-8s: wall %.1f s, cpu %.1f s (load %.1f)%n",
                        r + 1,
                        mode,
                        wall,
                        cpu,
                        os.getSystemLoadAverage());
            }
        }
        spark.stop();
    }

    static Dataset<Row> placesFrame(SparkSession spark, ReferenceSet set) {
        var schema = new StructType()
                .add("pid", DataTypes.StringType)
                .add("pname", DataTypes.StringType)
                .add("plat", DataTypes.DoubleType)
                .add("plon", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            rows.add(RowFactory.create(set.id(i), set.placeName(i), set.lat(i), set.lon(i)));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** Every point against every place, the haversine in SQL, the nearest per point by min_by. */
    static Dataset<Row> bruteForce(Dataset<Row> points, Dataset<Row> places) {
        Column dLat = radians(col("plat").minus(col("lat")));
        Column dLon = radians(col("plon").minus(col("lon")));
        Column h = pow(sin(dLat.divide(2)), 2)
                .plus(cos(radians(col("lat")))
                        .multiply(cos(radians(col("plat"))))
                        .multiply(pow(sin(dLon.divide(2)), 2)));
        Column km = lit(2 * Earth.RADIUS_KM).multiply(asin(sqrt(h)));
        return points.crossJoin(broadcast(places))
                .withColumn("km", km)
                .groupBy("id")
                .agg(min_by(struct(col("km"), col("pid"), col("pname")), col("km"))
                        .as("best"))
                .select(col("id"), col("best.km").as("distance_km"));
    }
}
