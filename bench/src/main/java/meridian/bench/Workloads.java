package meridian.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;

/** The data sets the benchmarks share, defined once so that every benchmark measures the same thing. */
final class Workloads {
    private Workloads() {}

    /** The reference design's two places. */
    static ReferenceSet sanFranciscoAndLosAngeles() {
        return ReferenceSet.of(
                "sf-la",
                List.of(
                        new Place("1", "San Francisco", 37.7749, -122.4194, Map.of()),
                        new Place("2", "Los Angeles", 34.0522, -118.2437, Map.of())));
    }

    /** enrich_10k: id 0..n-1, lat = 35 + id % 10, lon = -120 + id % 5, payload = 64 ones. */
    static RecordBatch enrichRecords(int n) {
        RecordBatch batch = new RecordBatch(n);
        double[] ones = new double[64];
        Arrays.fill(ones, 1.0);
        for (int id = 0; id < n; id++) {
            batch.add(id, 35.0 + id % 10, -120.0 + id % 5, ones, 0, 64);
        }
        return batch;
    }

    /** Points uniform on the sphere (uniform in z and longitude), as {lat[], lon[]}. */
    static double[][] uniformSpherePoints(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            lat[i] = Math.toDegrees(Math.asin(2 * r.nextDouble() - 1));
            lon[i] = 360 * r.nextDouble() - 180;
        }
        return new double[][] {lat, lon};
    }
}
