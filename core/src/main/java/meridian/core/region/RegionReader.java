package meridian.core.region;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.json.JsonTree;
import meridian.core.json.JsonTree.JsonObject;

/**
 * Reads polygons from GeoJSON ({@code FeatureCollection} or {@code Feature}) or TopoJSON ({@code Topology}:
 * the first object, or the one named, a {@code GeometryCollection}; arcs delta-encoded and quantized when
 * there is a {@code transform}), gzip-compressed or not. Geometries must be {@code Polygon} or
 * {@code MultiPolygon}. A unit's id is the feature's {@code id}; its name the property {@code name} (or
 * {@code NAME}, {@code ADMIN}); ISO codes come from {@code ISO_A2}/{@code ISO_A3} (any case) when present,
 * else from the ISO 3166-1 table by numeric id.
 *
 * <p>Bad geometry is refused with an {@link InvalidInputException} ({@code invalid_geometry}) whose message
 * and detail give the file, the line of the feature, its 1-based number, its name and the field at fault.
 */
public final class RegionReader {
    private RegionReader() {}

    public static RegionSource read(Path file) {
        String text;
        try (InputStream raw = Files.newInputStream(file)) {
            text = decode(raw, file.toString().endsWith(".gz"));
        } catch (NoSuchFileException e) {
            throw new NotFoundException(
                    "file_not_found", "region file not found: " + file, Map.of("file", file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(text, file.getFileName().toString(), null);
    }

    static String decode(InputStream raw, boolean gzip) throws IOException {
        InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Parses GeoJSON or TopoJSON text; {@code object} picks a TopoJSON object by name (null: the first). */
    public static RegionSource parse(String text, String file, String object) {
        Object root = JsonTree.parse(text, file);
        if (!(root instanceof JsonObject top)) {
            throw new InvalidInputException(
                    "invalid_geometry", file + ": expected a JSON object (GeoJSON or TopoJSON)", Map.of("file", file));
        }
        var out = new Builder(file);
        String type = String.valueOf(top.get("type"));
        switch (type) {
            case "Topology" -> new Topo(out, top).read(object);
            case "FeatureCollection" -> {
                if (!(top.get("features") instanceof List<?> features)) {
                    throw out.fail(top, 0, null, "features", "'features' must be an array");
                }
                int n = 0;
                for (Object f : features) {
                    n++;
                    if (!(f instanceof JsonObject feature)) {
                        throw out.fail(top, n, null, "features", "feature " + n + " is not an object");
                    }
                    out.geoFeature(feature, n);
                }
            }
            case "Feature" -> out.geoFeature(top, 1);
            default ->
                throw out.fail(
                        top, 0, null, "type", "expected type Topology, FeatureCollection or Feature, got " + type);
        }
        return out.finish();
    }

    /** Accumulates units and rings. */
    private static final class Builder {
        final String file;
        final List<Region> regions = new ArrayList<>();
        double[] x = new double[1 << 16];
        double[] y = new double[1 << 16];
        int size;
        int[] ringStart = new int[1024];
        int[] ringUnit = new int[1024];
        int rings;
        // the feature being read, for messages
        JsonObject feature;
        int featureNumber;
        String featureName;

        Builder(String file) {
            this.file = file;
        }

        void startFeature(JsonObject f, int number) {
            feature = f;
            featureNumber = number;
            Object props = f.get("properties");
            featureName = props instanceof JsonObject p ? firstString(p, "name", "NAME", "ADMIN", "admin") : null;
            String alpha2 = props instanceof JsonObject p ? firstString(p, "ISO_A2", "iso_a2", "alpha2") : null;
            String alpha3 = props instanceof JsonObject p ? firstString(p, "ISO_A3", "iso_a3", "alpha3") : null;
            Object id = f.get("id");
            String idText = id == null ? null : id instanceof Double d ? numberText(d) : id.toString();
            if ("-99".equals(alpha2)) {
                alpha2 = null; // Natural Earth's "no code"
            }
            if ("-99".equals(alpha3)) {
                alpha3 = null;
            }
            regions.add(new Region(idText, featureName, alpha2, alpha3));
        }

        void geoFeature(JsonObject f, int number) {
            startFeature(f, number);
            if (!(f.get("geometry") instanceof JsonObject g)) {
                throw fail("geometry", "has no geometry object");
            }
            Object coordinates = g.get("coordinates");
            switch (String.valueOf(g.get("type"))) {
                case "Polygon" -> polygon(coordinates, "geometry.coordinates");
                case "MultiPolygon" -> {
                    List<?> polys = list(coordinates, "geometry.coordinates");
                    for (int p = 0; p < polys.size(); p++) {
                        polygon(polys.get(p), "geometry.coordinates[" + p + "]");
                    }
                }
                default ->
                    throw fail("geometry.type", "geometry type must be Polygon or MultiPolygon, got " + g.get("type"));
            }
        }

        private void polygon(Object rings, String field) {
            List<?> list = list(rings, field);
            for (int r = 0; r < list.size(); r++) {
                String ringField = field + "[" + r + "]";
                List<?> positions = list(list.get(r), ringField);
                int start = size;
                for (int i = 0; i < positions.size(); i++) {
                    List<?> p = list(positions.get(i), ringField + "[" + i + "]");
                    if (p.size() < 2 || !(p.get(0) instanceof Double lon) || !(p.get(1) instanceof Double lat)) {
                        throw fail(ringField + "[" + i + "]", "a position must be [longitude, latitude] numbers");
                    }
                    add(lon, lat, ringField + "[" + i + "]");
                }
                endRing(start, ringField);
            }
        }

        void add(double lon, double lat, String field) {
            if (!(lat >= -90 && lat <= 90) || !(lon >= -360 && lon <= 360)) {
                throw fail(field, "position out of range: longitude " + lon + ", latitude " + lat);
            }
            if (size == x.length) {
                x = java.util.Arrays.copyOf(x, 2 * size);
                y = java.util.Arrays.copyOf(y, 2 * size);
            }
            x[size] = lon;
            y[size] = lat;
            size++;
        }

        void endRing(int start, String field) {
            int n = size - start;
            if (n < 4) {
                throw fail(field, "a ring needs at least 4 positions (closed), got " + n);
            }
            if (x[start] != x[size - 1] || y[start] != y[size - 1]) {
                throw fail(field, "ring is not closed: its last position differs from its first");
            }
            if (rings + 1 >= ringStart.length) {
                ringStart = java.util.Arrays.copyOf(ringStart, 2 * ringStart.length);
                ringUnit = java.util.Arrays.copyOf(ringUnit, 2 * ringUnit.length);
            }
            ringStart[rings] = start;
            ringUnit[rings] = regions.size() - 1;
            rings++;
        }

        List<?> list(Object v, String field) {
            if (!(v instanceof List<?> l)) {
                throw fail(field, "expected an array");
            }
            return l;
        }

        InvalidInputException fail(String field, String reason) {
            return fail(feature, featureNumber, featureName, field, reason);
        }

        InvalidInputException fail(JsonObject at, int number, String name, String field, String reason) {
            int line = at == null ? 0 : at.line();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("file", file);
            detail.put("line", line);
            detail.put("feature", number);
            if (name != null) {
                detail.put("name", name);
            }
            detail.put("field", field);
            String who = number > 0 ? " feature " + number + (name == null ? "" : " (" + name + ")") : "";
            return new InvalidInputException(
                    "invalid_geometry", file + " line " + line + who + ", " + field + ": " + reason, detail);
        }

        RegionSource finish() {
            if (regions.isEmpty()) {
                throw fail(null, 0, null, "features", "no Polygon or MultiPolygon feature found");
            }
            ringStart[rings] = size;
            return new RegionSource(
                    file,
                    List.copyOf(regions),
                    java.util.Arrays.copyOf(x, size),
                    java.util.Arrays.copyOf(y, size),
                    java.util.Arrays.copyOf(ringStart, rings + 1),
                    java.util.Arrays.copyOf(ringUnit, rings));
        }
    }

    /** TopoJSON: arcs decoded once, then rings stitched from arc indexes (a negative index ~i is arc i reversed). */
    private static final class Topo {
        final Builder out;
        final JsonObject top;
        double[][] arcX;
        double[][] arcY;

        Topo(Builder out, JsonObject top) {
            this.out = out;
            this.top = top;
        }

        void read(String objectName) {
            if (!(top.get("objects") instanceof JsonObject objects) || objects.isEmpty()) {
                throw out.fail(top, 0, null, "objects", "a Topology needs a non-empty 'objects' member");
            }
            String name = objectName == null ? objects.keySet().iterator().next() : objectName;
            if (!(objects.get(name) instanceof JsonObject object)) {
                throw out.fail(top, 0, null, "objects", "no object named '" + name + "'");
            }
            decodeArcs();
            List<?> geometries = object.get("type").equals("GeometryCollection")
                    ? out.list(object.get("geometries"), "objects." + name + ".geometries")
                    : List.of(object);
            int n = 0;
            for (Object g : geometries) {
                n++;
                if (!(g instanceof JsonObject geometry)) {
                    throw out.fail(object, n, null, "geometries", "geometry " + n + " is not an object");
                }
                out.startFeature(geometry, n);
                switch (String.valueOf(geometry.get("type"))) {
                    case "Polygon" -> polygon(geometry.get("arcs"), "arcs");
                    case "MultiPolygon" -> {
                        List<?> polys = out.list(geometry.get("arcs"), "arcs");
                        for (int p = 0; p < polys.size(); p++) {
                            polygon(polys.get(p), "arcs[" + p + "]");
                        }
                    }
                    default ->
                        throw out.fail(
                                "type", "geometry type must be Polygon or MultiPolygon, got " + geometry.get("type"));
                }
            }
        }

        private void decodeArcs() {
            List<?> arcs = out.list(top.get("arcs"), "arcs");
            double sx = 1, sy = 1, tx = 0, ty = 0;
            boolean delta = false;
            if (top.get("transform") instanceof JsonObject t) {
                List<?> scale = out.list(t.get("scale"), "transform.scale");
                List<?> translate = out.list(t.get("translate"), "transform.translate");
                sx = number(scale, 0, "transform.scale");
                sy = number(scale, 1, "transform.scale");
                tx = number(translate, 0, "transform.translate");
                ty = number(translate, 1, "transform.translate");
                delta = true;
            }
            arcX = new double[arcs.size()][];
            arcY = new double[arcs.size()][];
            for (int a = 0; a < arcs.size(); a++) {
                List<?> positions = out.list(arcs.get(a), "arcs[" + a + "]");
                double[] ax = new double[positions.size()];
                double[] ay = new double[positions.size()];
                double qx = 0, qy = 0;
                for (int i = 0; i < positions.size(); i++) {
                    List<?> p = out.list(positions.get(i), "arcs[" + a + "][" + i + "]");
                    double px = number(p, 0, "arcs[" + a + "][" + i + "]");
                    double py = number(p, 1, "arcs[" + a + "][" + i + "]");
                    if (delta) {
                        qx += px;
                        qy += py;
                        ax[i] = qx * sx + tx;
                        ay[i] = qy * sy + ty;
                    } else {
                        ax[i] = px;
                        ay[i] = py;
                    }
                }
                arcX[a] = ax;
                arcY[a] = ay;
            }
        }

        private double number(List<?> l, int i, String field) {
            if (l.size() <= i || !(l.get(i) instanceof Double d)) {
                throw out.fail(top, 0, null, field, "expected a number at position " + i);
            }
            return d;
        }

        private void polygon(Object rings, String field) {
            List<?> list = out.list(rings, field);
            for (int r = 0; r < list.size(); r++) {
                String ringField = field + "[" + r + "]";
                List<?> arcRefs = out.list(list.get(r), ringField);
                int start = out.size;
                for (int k = 0; k < arcRefs.size(); k++) {
                    if (!(arcRefs.get(k) instanceof Double d) || d != Math.rint(d)) {
                        throw out.fail(ringField + "[" + k + "]", "an arc reference must be an integer");
                    }
                    int ref = (int) (double) d;
                    int arc = ref >= 0 ? ref : ~ref;
                    if (arc >= arcX.length) {
                        throw out.fail(
                                ringField + "[" + k + "]", "arc " + ref + " does not exist (" + arcX.length + " arcs)");
                    }
                    double[] ax = arcX[arc];
                    double[] ay = arcY[arc];
                    int n = ax.length;
                    // consecutive arcs share their joining position: skip it on all but the first arc
                    for (int i = k == 0 ? 0 : 1; i < n; i++) {
                        int j = ref >= 0 ? i : n - 1 - i;
                        out.add(ax[j], ay[j], ringField + "[" + k + "]");
                    }
                }
                if (out.size - start < 4) {
                    // quantization can collapse a tiny island to a line (1 in Spain at 1:10m): it encloses nothing
                    out.size = start;
                    continue;
                }
                out.endRing(start, ringField);
            }
        }
    }

    private static String firstString(JsonObject o, String... keys) {
        for (String k : keys) {
            if (o.get(k) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    private static String numberText(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
