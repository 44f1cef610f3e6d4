package meridian.server.refs;

import java.nio.file.Path;
import java.util.Map;
import meridian.core.enrich.RegionLookup;
import meridian.core.error.UnavailableException;
import meridian.core.region.RegionIndex;
import meridian.core.region.Regions;

/**
 * The country boundaries of the service ({@code regions}: the bundled Natural Earth countries or a file),
 * loaded once on a background thread when first asked for ({@code ?country=true}, {@code GET /countries}),
 * or at start when the TCP stream gives every record its country. Not at every start: the bundled index is
 * ~20 MB of live heap and ~0.3 s of one core that a service never asked about countries would pay for
 * (measured: idle heap 71 MB committed with it, see BENCHMARKS.md). The first question waits for the load
 * (~0.3 s; it runs off the event loops) up to {@link #WAIT_MS}, after which it is answered 503 {@code starting}
 * with Retry-After; if the file cannot be read, 503 {@code regions_unavailable} with the reason (also logged).
 */
public final class CountryRegions {
    private static final System.Logger LOG = System.getLogger(CountryRegions.class.getName());
    public static final String BUNDLED = "bundled";

    private record Loaded(RegionLookup lookup, Countries countries) {}

    private final String source;
    /** Longest a question waits for the boundaries to load (a large boundary file may take longer). */
    static final long WAIT_MS = 10_000;

    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private volatile Loaded loaded;
    private volatile RuntimeException failure;

    private CountryRegions(String source) {
        this.source = source;
    }

    /** Boundaries from {@code source} ({@value #BUNDLED} or a file path), loaded when first asked for. */
    public static CountryRegions lazy(String source) {
        return new CountryRegions(source);
    }

    /** Starts loading {@code source} on a background thread now. */
    public static CountryRegions load(String source) {
        CountryRegions c = new CountryRegions(source);
        c.start();
        return c;
    }

    private void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().daemon().name("meridian-regions-load").start(() -> {
            try {
                boolean bundled = source.equals(BUNDLED);
                RegionIndex index = bundled ? Regions.bundled() : Regions.load(Path.of(source));
                loaded = new Loaded(
                        new RegionLookup(index),
                        bundled ? Countries.bundled() : new Countries(index, "from " + source));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot load the country boundaries " + source, e);
                failure = e;
            } finally {
                done.countDown();
            }
        });
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
        start();
        try {
            if (done.await(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS) && loaded != null) {
                return loaded;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
