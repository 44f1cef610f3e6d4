package meridian.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.ReferenceSet;

/**
 * The page ({@code GET /ui} and its files), the API description ({@code GET /openapi.json}) and the map
 * points the page draws its world from ({@code GET /ui/points}), independent of the HTTP framework: a path
 * goes in, bytes with a content type, cache policy and entity tag come out.
 *
 * <p>Files are read from the class path once, on the first request for one, and served from memory (the whole
 * page is a few tens of kilobytes): reading and hashing them at construction, on the way to the service's
 * first answer, cost ~30 ms of start-up CPU (the SHA-256 provider's start, profiled). Every answer is {@code Cache-Control: no-cache} with a strong entity tag: the
 * browser keeps its copy and revalidates it with one cheap request, so a new jar's page is never stale.
 */
public final class StaticAssets {
    /** The paths served here, exactly; the map points are {@link #POINTS_PATH}. */
    public static final List<String> PATHS = List.of("/ui", "/ui/", "/ui/app.js", "/ui/style.css", "/openapi.json");

    public static final String POINTS_PATH = "/ui/points";

    /** Default and largest number of map points: ~20,000 points draw every continent's outline (~250 kB). */
    public static final int DEFAULT_POINTS = 20_000;

    public static final int MAX_POINTS = 100_000;

    private static final String BASE = "/meridian/";

    /** One servable file. */
    public record Asset(byte[] body, String contentType, String cacheControl, String etag) {
        /** True when the client's {@code If-None-Match} names this version (answer 304 with no body). */
        public boolean matches(String ifNoneMatch) {
            if (ifNoneMatch == null) {
                return false;
            }
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                    return true;
                }
            }
            return false;
        }
    }

    private volatile Map<String, Asset> assets; // null until first asked for
    private volatile CachedPoints points; // the last answer, for the set it was made from

    private record CachedPoints(ReferenceSet set, int limit, Asset asset) {}

    /** The file at {@code path}, if it is one of {@link #PATHS}. */
    public Optional<Asset> get(String path) {
        Map<String, Asset> a = assets;
        if (a == null) {
            synchronized (this) {
                a = assets;
                if (a == null) {
                    assets = a = loadFiles();
                }
            }
        }
        return Optional.ofNullable(a.get(path));
    }

    private static Map<String, Asset> loadFiles() {
        Map<String, Asset> files = new LinkedHashMap<>();
        Asset index = load("ui/index.html", "text/html; charset=utf-8");
        files.put("/ui", index);
        files.put("/ui/", index);
        files.put("/ui/app.js", load("ui/app.js", "text/javascript; charset=utf-8"));
        files.put("/ui/style.css", load("ui/style.css", "text/css; charset=utf-8"));
        files.put("/openapi.json", load("openapi.json", "application/json"));
        return Map.copyOf(files);
    }

    /** True for every path this class answers (for telling a wrong method, 405, from a wrong path, 404). */
    public static boolean serves(String path) {
        return PATHS.contains(path) || POINTS_PATH.equals(path);
    }

    /**
     * The map's points: an even sample of at most {@code limit} places of {@code set}, as
     * {@code {"refset", "places", "sampled", "points": [lat, lon, lat, lon, ...]}} with coordinates rounded to
     * 0.01° (about 1 km, finer than a pixel of any screen-sized world map, and half the bytes of full
     * precision). {@code limitText} is the raw query value or null for the default.
     */
    public Asset points(ReferenceSet set, String limitText) {
        int limit = limit(limitText);
        CachedPoints cached = points;
        if (cached != null && cached.set == set && cached.limit == limit) {
            return cached.asset;
        }
        int n = set.size();
        int sampled = Math.min(n, limit);
        StringBuilder out = new StringBuilder(32 + sampled * 14);
        out.append("{\"refset\":");
        quote(out, set.name());
        out.append(",\"places\":")
                .append(n)
                .append(",\"sampled\":")
                .append(sampled)
                .append(",\"points\":[");
        for (int i = 0; i < sampled; i++) {
            // even stride over the whole set, so the sample covers every region the set covers
            int p = (int) ((long) i * n / sampled);
            if (i > 0) {
                out.append(',');
            }
            round(out, set.lat(p)).append(',');
            round(out, set.lon(p));
        }
        out.append("]}");
        Asset asset = asset(out.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        points = new CachedPoints(set, limit, asset);
        return asset;
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_POINTS;
        }
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= 1 && v <= MAX_POINTS) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(
                "invalid_option",
                "query option limit must be an integer between 1 and " + MAX_POINTS + ", got '" + text + "'",
                Map.of("field", "limit", "value", text));
    }

    private static StringBuilder round(StringBuilder out, double degrees) {
        long hundredths = Math.round(degrees * 100);
        if (hundredths < 0) {
            out.append('-');
            hundredths = -hundredths;
        }
        out.append(hundredths / 100);
        long frac = hundredths % 100;
        if (frac != 0) {
            out.append('.').append(frac / 10);
            if (frac % 10 != 0) {
                out.append(frac % 10);
            }
        }
        return out;
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BASE + name + " is missing from the class path");
            }
            return asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Asset asset(byte[] body, String contentType) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            return new Asset(body, contentType, "no-cache", etag);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
