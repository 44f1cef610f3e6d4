package meridian.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.Snapshot;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * A reference set shipped to the executors once: the broadcast value is the set's compact binary snapshot
 * (core {@link Snapshot}: coordinates as raw doubles, texts as UTF-8 blocks), and each JVM turns it into
 * the immutable {@link ReferenceSet} with its index at most once, on the first task that needs it, keyed
 * by the broadcast's id. Every later task of that executor, whatever its stage or job, shares that one
 * set and only makes its own cursor. The driver registers the set it already has, so a local session
 * never rebuilds it.
 *
 * <p>Serializable and small: tasks carry the broadcast handle, never the places.
 */
public final class BroadcastPlaces implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Built sets per broadcast id; a handful at most (one per reference set a session uses). */
    private static final int KEPT = 8;

    private static final Map<Long, ReferenceSet> BUILT = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ReferenceSet> eldest) {
            return size() > KEPT;
        }
    };

    private static final java.util.concurrent.atomic.AtomicLong BUILDS = new java.util.concurrent.atomic.AtomicLong();

    private final Broadcast<byte[]> snapshot;
    private final String name;
    private final int size;

    private BroadcastPlaces(Broadcast<byte[]> snapshot, String name, int size) {
        this.snapshot = snapshot;
        this.name = name;
        this.size = size;
    }

    /** Broadcasts {@code set} in {@code spark}'s context. */
    public static BroadcastPlaces of(SparkSession spark, ReferenceSet set) {
        var bytes = new ByteArrayOutputStream(Math.max(1024, set.size() * 48));
        try {
            Snapshot.write(set, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Broadcast<byte[]> b =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes.toByteArray());
        synchronized (BUILT) {
            BUILT.put(b.id(), set);
        }
        return new BroadcastPlaces(b, set.name(), set.size());
    }

    /**
     * The set with its index, built on this JVM's first call for this broadcast. Concurrent first calls wait
     * for one build instead of each making their own (the bundled 199,568 cities: a 10.9 MB snapshot becomes
     * 56 MB of heap in 0.5 to 1.8 s, measured on the shared 2-core machine; docs/SPARK.md).
     */
    public ReferenceSet set() {
        synchronized (BUILT) {
            ReferenceSet set = BUILT.get(snapshot.id());
            if (set == null) {
                JdkCheck.requireSafeRuntime();
                try {
                    set = Snapshot.read(new ByteArrayInputStream(snapshot.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException("broadcast reference set " + name + " is damaged", e);
                }
                BUILT.put(snapshot.id(), set);
                BUILDS.incrementAndGet();
            }
            return set;
        }
    }

    /** Bytes each executor receives (and keeps in its block manager) for this set. */
    public long broadcastBytes() {
        return snapshot.value().length;
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public long id() {
        return snapshot.id();
    }

    /** Releases the executors' copies of the snapshot (their built sets go with the JVM or the cache bound). */
    public void release() {
        snapshot.unpersist(false);
    }

    /** How many sets this JVM has built from broadcasts. */
    static long builds() {
        return BUILDS.get();
    }

    static void forgetBuilt(long broadcastId) {
        synchronized (BUILT) {
            BUILT.remove(broadcastId);
        }
    }
}
