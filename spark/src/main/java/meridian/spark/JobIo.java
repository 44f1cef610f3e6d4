package meridian.spark;

import static org.apache.spark.sql.functions.udf;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import meridian.core.aggregate.RollupCsv;
import meridian.core.error.NotFoundException;
import meridian.core.text.Decimals;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the two jobs share: the Spark session (the one spark-submit configured, or an embedded local one),
 * reading CSV the way {@code meridian process} reads it, and writing CSV the way it writes it.
 */
abstract class JobIo {
    enum Format {
        CSV,
        PARQUET
    }

    @Parameters(index = "0", paramLabel = "INPUT", description = "input file, directory or glob (any Spark path)")
    String input;

    @Option(
            names = {"-o", "--out"},
            required = true,
            paramLabel = "DIR",
            description = "output directory")
    String out;

    @Option(
            names = {"-q", "--quiet"},
            description = "no summary on standard error")
    boolean quiet;

    @Option(
            names = "--refs",
            paramLabel = "FILE|cities",
            defaultValue = "cities",
            description = "reference places: a CSV or GeoJSON file (local or hdfs://, s3a://...), or 'cities'"
                    + " for the bundled GeoNames cities (default: ${DEFAULT-VALUE})")
    String refs;

    @Option(
            names = "--format",
            paramLabel = "csv|parquet",
            description = "input format (default: parquet when INPUT ends in .parquet, else csv)")
    Format format;

    @Option(
            names = "--out-format",
            paramLabel = "csv|parquet",
            defaultValue = "csv",
            description = "output format (default: ${DEFAULT-VALUE}; CSV part files with a header each)")
    Format outFormat;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master when not run by spark-submit (default: local[*])")
    String master;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "split the input into at least N partitions (default: Spark's choice)")
    Integer partitions;

    @Option(names = "--overwrite", description = "replace the output directory if it exists")
    boolean overwrite;

    /** Distance text of the output contract (at least 6 decimals, plain notation), as a column function. */
    static final UserDefinedFunction DISTANCE_TEXT = udf(
                    (UDF1<Double, String>) km -> km == null ? null : Decimals.distance(km), DataTypes.StringType)
            .withName("meridian_distance_text");

    /** Rollup numbers as {@code meridian aggregate} writes them (shortest plain decimal, empty for none). */
    static final UserDefinedFunction NUMBER_TEXT = udf(
                    (UDF1<Double, String>) v -> v == null || v.isNaN() ? null : RollupCsv.number(v),
                    DataTypes.StringType)
            .withName("meridian_number_text");

    private boolean created;

    /** The session: the active one (spark-submit's, a test's), else a new one on {@code --master}. */
    SparkSession session(String appName) {
        var existing = SparkSession.getActiveSession();
        if (existing.isDefined()) {
            applyPartitions(existing.get());
            return existing.get();
        }
        var builder = SparkSession.builder().appName(appName);
        boolean submitted = System.getProperty("spark.master") != null;
        if (master != null || !submitted) {
            builder = builder.master(master != null ? master : "local[*]").config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        created = true;
        applyPartitions(spark);
        return spark;
    }

    private void applyPartitions(SparkSession spark) {
        if (partitions != null) {
            spark.conf().set("spark.sql.files.minPartitionNum", partitions.toString());
            // the default open cost (4 MB per file) would keep a small file in one partition
            spark.conf().set("spark.sql.files.openCostInBytes", "1");
        }
    }

    /** Stops the session if this job started it. */
    void done(SparkSession spark) {
        if (created) {
            spark.stop();
        }
    }

    /** A local input that does not exist is reported before Spark starts, as the CLI reports it. */
    static void checkLocalInput(String input) {
        URI uri = toUri(input);
        if (uri != null && uri.getScheme() != null && !uri.getScheme().equals("file")) {
            return;
        }
        if (input.contains("*") || input.contains("?") || input.contains("[")) {
            return; // a glob: Spark resolves it
        }
        Path p = uri != null && "file".equals(uri.getScheme()) ? Path.of(uri) : Path.of(input);
        if (!Files.exists(p)) {
            throw new NotFoundException("file_not_found", "no such file: " + input, Map.of("file", input));
        }
    }

    static boolean isLocal(String path) {
        URI uri = toUri(path);
        return uri == null
                || uri.getScheme() == null
                || uri.getScheme().equals("file")
                || uri.getScheme().length() == 1;
    }

    private static URI toUri(String path) {
        try {
            return URI.create(path.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    Dataset<Row> read(SparkSession spark, String input) {
        Format f = format != null
                ? format
                : input.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet")
                        ? Format.PARQUET
                        : Format.CSV;
        if (f == Format.PARQUET) {
            return spark.read().parquet(input);
        }
        return csvReader(spark).csv(input);
    }

    /**
     * CSV as {@code meridian process} reads it: a header row, every field text (no type inference: ids such
     * as 007 and coordinates stay as written), RFC 4180 quotes (a doubled quote inside quotes), blanks kept.
     * Records do not span lines, so files split across partitions.
     */
    static DataFrameReader csvReader(SparkSession spark) {
        return spark.read()
                .option("header", "true")
                .option("inferSchema", "false")
                .option("quote", "\"")
                .option("escape", "\"")
                .option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false");
    }

    /** Writes {@code rows} to {@code out}: CSV with a header in each part file, or Parquet. */
    void write(Dataset<Row> rows, String out) {
        DataFrameWriter<Row> w = rows.write().mode(overwrite ? "overwrite" : "errorifexists");
        if (outFormat == Format.PARQUET) {
            w.parquet(out);
            return;
        }
        w.option("header", "true")
                .option("quote", "\"")
                .option("escape", "\"")
                .option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false")
                .csv(out);
    }

    /** {@link #write}s {@code rows} to {@code --out}; the seconds it took (the job runs while it writes). */
    double writeTimed(Dataset<Row> rows) {
        long start = System.nanoTime();
        write(rows, out);
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    /** What an observation counted; Spark reports it once the write has finished. */
    static Map<String, Object> counts(Observation observation) {
        try {
            return observation.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job's counts", e);
        }
    }

    /** Checked before the job: Spark would find out only after reading the input. */
    void checkOutput(SparkSession spark, String out) {
        if (overwrite) {
            return;
        }
        try {
            var path = new org.apache.hadoop.fs.Path(out);
            var fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(path)) {
                throw new java.io.UncheckedIOException(new java.nio.file.FileAlreadyExistsException(
                        out, null, "the output directory exists (use --overwrite to replace it)"));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Column distanceText(Column km) {
        return DISTANCE_TEXT.apply(km);
    }

    static Column numberText(Column v) {
        return NUMBER_TEXT.apply(v);
    }
}
