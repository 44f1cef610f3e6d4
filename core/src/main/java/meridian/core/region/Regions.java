package meridian.core.region;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meridian.core.io.SnapshotInput;

/**
 * The bundled countries (Natural Earth 4.1.0 admin-0, 1:10m, via world-atlas 2.0.2; public domain) and
 * region files given by the user, with ISO 3166-1 codes joined by numeric id.
 *
 * <p>The bundled index is built when the project is built ({@link #main}) and stored as a binary snapshot
 * of its arrays next to the classes: parsing the 3.6 MB TopoJSON and building takes about a second, the
 * snapshot loads in a fraction of that (see BENCHMARKS.md). A build without the snapshot still works from
 * the TopoJSON.
 *
 * <p>Snapshot layout (big-endian): magic {@code MRDNRGN2}; unit count and per unit four nullable strings
 * (id, name, alpha-2, alpha-3); then the index's arrays, each as a length and its values in little-endian order (the
 * order of the machines it runs on, so that reading them is a block copy: a cold JVM converting them one
 * by one took 0.5 s).
 */
public final class Regions {
    public static final String ATTRIBUTION =
            "Made with Natural Earth (public domain): admin-0 countries 1:10m, version 4.1.0, as TopoJSON in the npm"
                    + " package world-atlas 2.0.2.";

    private static final String TOPOJSON = "/meridian/regions/countries-10m.json.gz";
    private static final String ISO_TABLE = "/meridian/regions/iso3166.csv";
    private static final String SNAPSHOT = "/meridian/regions/countries.snapshot";
    private static final byte[] MAGIC = "MRDNRGN2".getBytes(StandardCharsets.US_ASCII);

    private Regions() {}

    /** The bundled countries, loaded once, then shared. */
    public static RegionIndex bundled() {
        return Bundled.INDEX;
    }

    private static final class Bundled {
        static final RegionIndex INDEX = load();

        private static RegionIndex load() {
            try (InputStream snapshot = Regions.class.getResourceAsStream(SNAPSHOT)) {
                if (snapshot != null) {
                    return read(snapshot);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bundledFromSource();
        }
    }

    /** The bundled countries built from the TopoJSON (the source of the snapshot). */
    static RegionIndex bundledFromSource() {
        try (InputStream in = Regions.class.getResourceAsStream(TOPOJSON)) {
            if (in == null) {
                throw new IllegalStateException("bundled regions missing: " + TOPOJSON);
            }
            String text = RegionReader.decode(in, true);
            return RegionIndex.build(withIsoCodes(RegionReader.parse(text, "countries-10m.json", "countries")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A region file (GeoJSON or TopoJSON, .gz or not) given by the user, with ISO codes joined by numeric id. */
    public static RegionIndex load(Path file) {
        return RegionIndex.build(withIsoCodes(RegionReader.read(file)));
    }

    /** Fills in alpha-2 and alpha-3 from the ISO 3166-1 table for units whose id is a numeric code. */
    static RegionSource withIsoCodes(RegionSource source) {
        Map<String, String[]> byNumeric = isoTable();
        List<Region> out = new ArrayList<>(source.regions().size());
        for (Region r : source.regions()) {
            String[] codes = r.id() == null ? null : byNumeric.get(padded(r.id()));
            if (codes != null && (r.alpha2() == null || r.alpha3() == null)) {
                out.add(new Region(
                        r.id(),
                        r.name(),
                        r.alpha2() == null ? codes[0] : r.alpha2(),
                        r.alpha3() == null ? codes[1] : r.alpha3()));
            } else {
                out.add(r);
            }
        }
        return new RegionSource(
                source.file(), List.copyOf(out), source.x(), source.y(), source.ringStart(), source.ringUnit());
    }

    private static String padded(String id) {
        if (id.length() >= 3 || id.isEmpty() || !id.chars().allMatch(Character::isDigit)) {
            return id;
        }
        return "000".substring(id.length()) + id;
    }

    /** numeric (three digits) -> {alpha-2, alpha-3}, from the bundled table (i18n-iso-countries 7.14.0). */
    private static Map<String, String[]> isoTable() {
        try (InputStream in = Regions.class.getResourceAsStream(ISO_TABLE)) {
            if (in == null) {
                throw new IllegalStateException("bundled ISO 3166 table missing: " + ISO_TABLE);
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            Map<String, String[]> map = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].strip().split(",");
                if (f.length == 3) {
                    map.put(f[2], new String[] {f[0], f[1]});
                }
            }
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- snapshot ---

    /** Build step: {@code Regions OUTPUT} writes the snapshot of the bundled countries. */
    public static void main(String[] args) throws IOException {
        RegionIndex index = bundledFromSource();
        Files.createDirectories(Path.of(args[0]).toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(Path.of(args[0]))) {
            write(index, out);
        }
    }

    static void write(RegionIndex index, OutputStream target) throws IOException {
        var bytes = new ByteArrayOutputStream(1 << 22);
        var out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(index.regions.size());
        for (Region r : index.regions) {
            for (String s : new String[] {r.id(), r.name(), r.alpha2(), r.alpha3()}) {
                if (s == null) {
                    out.writeShort(0xffff);
                } else {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    out.writeShort(b.length);
                    out.write(b);
                }
            }
        }
        for (double[] a : new double[][] {index.vx, index.vy}) {
            out.writeInt(a.length);
            var buffer = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asDoubleBuffer().put(a);
            out.write(buffer.array());
        }
        for (int[] a :
                new int[][] {index.ringStart, index.ringUnit, index.top, index.quad, index.leafData, index.leafEdges}) {
            out.writeInt(a.length);
            var buffer = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asIntBuffer().put(a);
            out.write(buffer.array());
        }
        out.flush();
        bytes.writeTo(target);
    }

    static RegionIndex read(InputStream source) throws IOException {
        var in = new SnapshotInput(source, ByteOrder.LITTLE_ENDIAN);
        if (!java.util.Arrays.equals(in.bytes(MAGIC.length), MAGIC)) {
            throw new IOException("not a region snapshot");
        }
        int n = in.readInt();
        List<Region> regions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] s = new String[4];
            for (int j = 0; j < 4; j++) {
                int len = in.readUnsignedShort();
                if (len != 0xffff) {
                    s[j] = new String(in.bytes(len), StandardCharsets.UTF_8);
                }
            }
            regions.add(new Region(s[0], s[1], s[2], s[3]));
        }
        double[][] d = new double[2][];
        for (int k = 0; k < 2; k++) {
            d[k] = in.doubles(in.readInt());
        }
        int[][] a = new int[6][];
        for (int k = 0; k < 6; k++) {
            a[k] = in.ints(in.readInt());
        }
        // the unit of each vertex is not stored: it follows from the rings
        int[] vertexUnit = new int[d[0].length];
        for (int r = 0; r < a[1].length; r++) {
            java.util.Arrays.fill(vertexUnit, a[0][r], a[0][r + 1], a[1][r]);
        }
        return new RegionIndex(List.copyOf(regions), d[0], d[1], a[0], a[1], vertexUnit, a[2], a[3], a[4], a[5]);
    }
}
