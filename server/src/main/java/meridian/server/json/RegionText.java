package meridian.server.json;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.WeakHashMap;
import meridian.core.enrich.Matches;
import meridian.core.region.Region;
import meridian.core.region.RegionIndex;
import meridian.core.text.ByteSink;
import meridian.core.text.Decimals;

/**
 * The encoded country text every output row repeats, per unit of a region index, built once per index (255
 * short strings for the bundled one) so that the write loops copy bytes, as {@link PlaceText} does for places.
 * One format for every face: CSV {@code country,country_name,country_km} (alpha-2, name, km; all three empty
 * when the record has no unit; alpha-2 empty when the unit has none) and JSON
 * <code>"country":{"alpha2":..,"alpha3":..,"name":..,"km":..}</code> or {@code null}. Immutable, shared.
 */
public final class RegionText {
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final Map<RegionIndex, RegionText> CSV = new WeakHashMap<>();
    private static final Map<RegionIndex, RegionText> JSON = new WeakHashMap<>();

    private static volatile RegionText lastJson;

    private final RegionIndex index;
    private final byte[][] unit;
    private final boolean csv;

    private RegionText(RegionIndex index, boolean csv) {
        this.index = index;
        this.csv = csv;
        this.unit = new byte[index.size()][];
        for (int u = 0; u < unit.length; u++) {
            Region r = index.region(u);
            String s = csv
                    ? PlaceText.csvField(r.alpha2() == null ? "" : r.alpha2()) + "," + PlaceText.csvField(r.name())
                            + ","
                    : "{\"alpha2\":" + json(r.alpha2()) + ",\"alpha3\":" + json(r.alpha3()) + ",\"name\":"
                            + json(r.name()) + ",\"km\":";
            unit[u] = s.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String json(String s) {
        return s == null ? "null" : PlaceText.jsonString(s);
    }

    /** The CSV text of {@code index}, built on first use and kept while the index is alive. */
    public static RegionText csv(RegionIndex index) {
        synchronized (CSV) {
            return CSV.computeIfAbsent(index, i -> new RegionText(i, true));
        }
    }

    /**
     * The JSON text of {@code index}, built on first use and kept while the index is alive. The last one
     * answered is kept aside: the codec asks once per record, and there is one index in practice.
     */
    public static RegionText json(RegionIndex index) {
        RegionText last = lastJson;
        if (last != null && last.index == index) {
            return last;
        }
        synchronized (JSON) {
            last = JSON.computeIfAbsent(index, i -> new RegionText(i, false));
        }
        lastJson = last;
        return last;
    }

    /**
     * Appends the country of {@code record}: in CSV the three column values (no leading separator), in JSON
     * the object or {@code null} (no field name).
     */
    public void put(ByteSink out, Matches matches, int record) {
        int u = matches.unit(record);
        if (u < 0) {
            if (csv) {
                out.put((byte) ',');
                out.put((byte) ',');
            } else {
                out.put(NULL);
            }
            return;
        }
        out.put(unit[u]);
        Decimals.appendDistance(out, matches.unitKm(record));
        if (!csv) {
            out.put((byte) '}');
        }
    }
}
