package meridian.server.refs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.core.region.Region;
import meridian.core.region.RegionIndex;
import meridian.core.region.Regions;
import meridian.server.json.Json;

/**
 * The body of {@code GET /countries}: the units of the region index in their order (the number a lookup
 * returns), as {@code {"count": n, "attribution": ..., "countries": [{"unit": 0, "alpha2": "ID", "alpha3":
 * "IDN", "numeric": "360", "name": "Indonesia"}, ...]}}; codes are null where the unit has none (Kosovo,
 * N. Cyprus, ...). Independent of the HTTP layer: it returns bytes, made once per index.
 */
public final class Countries {
    private final byte[] body;

    public Countries(RegionIndex index, String attribution) {
        List<Object> units = new ArrayList<>(index.size());
        for (int i = 0; i < index.size(); i++) {
            Region r = index.region(i);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("unit", i);
            u.put("alpha2", r.alpha2());
            u.put("alpha3", r.alpha3());
            u.put("numeric", r.id());
            u.put("name", r.name());
            units.add(u);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("count", index.size());
        doc.put("attribution", attribution);
        doc.put("countries", units);
        this.body = Json.bytes(doc);
    }

    /** For the bundled Natural Earth countries. */
    public static Countries bundled() {
        return Bundled.COUNTRIES;
    }

    private static final class Bundled {
        static final Countries COUNTRIES = new Countries(Regions.bundled(), Regions.ATTRIBUTION);
    }

    /** The JSON body (UTF-8, content type application/json). Do not modify the returned array. */
    public byte[] json() {
        return body;
    }
}
