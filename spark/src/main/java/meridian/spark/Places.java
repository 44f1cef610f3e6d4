package meridian.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * Loads a reference set on the driver: {@code cities} (the bundled set), a local file, or a file on any
 * file system the session's Hadoop configuration reaches ({@code hdfs://}, {@code s3a://}, ...), so a
 * cluster job can keep its places next to its data. CSV or GeoJSON, gzip detected; a bad row stops the
 * load with its line number, as in {@code meridian process}.
 */
final class Places {
    private Places() {}

    static ReferenceSet load(SparkSession spark, String refs) {
        if (refs.equals(ReferenceSetReader.BUNDLED_NAME)) {
            return ReferenceSetReader.bundled();
        }
        URI uri = URI.create(refs.replace(" ", "%20"));
        if (uri.getScheme() == null
                || uri.getScheme().equals("file")
                || uri.getScheme().length() == 1) {
            Path file = uri.getScheme() != null && uri.getScheme().equals("file") ? Path.of(uri) : Path.of(refs);
            return ReferenceSetReader.load(file, ErrorPolicy.FAIL_FAST).set();
        }
        var path = new org.apache.hadoop.fs.Path(refs);
        String name = ReferenceSetReader.nameOf(Path.of(path.getName()));
        String lower = path.getName().toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path)) {
                throw new NotFoundException("file_not_found", "no such file: " + refs, Map.of("file", refs));
            }
            try (InputStream in = fs.open(path)) {
                return lower.endsWith(".geojson") || lower.endsWith(".json")
                        ? ReferenceSetReader.readGeoJson(in, refs, name, ErrorPolicy.FAIL_FAST)
                                .set()
                        : ReferenceSetReader.readCsv(in, refs, name, ErrorPolicy.FAIL_FAST)
                                .set();
            }
        } catch (IOException e) {
            throw new InvalidInputException(
                    "unreadable_file", "cannot read " + refs + ": " + e.getMessage(), Map.of("file", refs), e);
        }
    }
}
