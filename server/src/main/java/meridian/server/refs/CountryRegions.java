package meridian.server.refs;

import java.nio.file.Path;
import java.util.Map;
import meridian.core.enrich.RegionLookup;
import meridian.core.error.UnavailableException;
import meridian.core.region.RegionIndex;
import meridian.core.region.Regions;

/**
 * The country boundaries of the service ({@code regions}: the bundled Natural Earth countries or a file),
 * loaded once on a background thread at start-up, as the default reference set is, so that readiness does
 * not wait for them: until they are in, asking for a country answers 503 {@code starting}; if the file
 * cannot be read, 503 {@code regions_unavailable} with the reason (also logged).
 */
public final class CountryRegions {
    private static final System.Logger LOG = System.getLogger(CountryRegions.class.getName());
    public static final String BUNDLED = "bundled";

    private record Loaded(RegionLookup lookup, Countries countries) {}

    private volatile Loaded loaded;
    private volatile RuntimeException failure;

    private CountryRegions() {}

    /** Starts loading {@code source} ({@value #BUNDLED} or a file path) on a background thread. */
    public static CountryRegions load(String source) {
        CountryRegions c = new CountryRegions();
        Thread.ofPlatform().daemon().name("meridian-regions-load").start(() -> {
            try {
                boolean bundled = source.equals(BUNDLED);
                RegionIndex index = bundled ? Regions.bundled() : Regions.load(Path.of(source));
                c.loaded = new Loaded(
                        new RegionLookup(index),
                        bundled ? Countries.bundled() : new Countries(index, "from " + source));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot load the country boundaries " + source, e);
                c.failure = e;
            }
        });
        return c;
    }

    /** The lookup for enrichment; 503 while loading or when loading failed. */
    public RegionLookup lookup() {
        return ready().lookup();
    }

    /** The {@code GET /countries} body; 503 while loading or when loading failed. */
    public Countries countries() {
        return ready().countries();
    }

    private Loaded ready() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        RuntimeException f = failure;
        if (f != null) {
            throw new UnavailableException(
                    "regions_unavailable",
                    "the country boundaries could not be loaded: " + f.getMessage(),
                    Map.of(),
                    null);
        }
        throw new UnavailableException(
                "starting",
                "the country boundaries are still loading; retry shortly",
                Map.of("retry_after_s", 1L),
                null);
    }
}
