package meridian.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.core.region.RegionIndex;
import meridian.core.region.RegionLocator;
import meridian.core.region.Regions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * regions: which country contains a point, on one core, with the territorial sea (a point outside every
 * unit is searched for the nearest border within 22.224 km). Three sets of 199,568 points: uniform on the
 * sphere (about 70% at sea), the GeoNames cities' own points (shuffled, so that consecutive queries do not
 * share a cell), and points clustered near cities (within ~5 km of a random city). Scores are lookups per
 * second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class RegionBenchmark extends FixedHeapBenchmark {
    @Param({"uniform", "cities", "near_cities"})
    public String points;

    double[] lat;
    double[] lon;
    RegionLocator locator;

    @Setup
    public void setUp() {
        RegionIndex index = Regions.bundled();
        locator = index.locator();
        double[][] q = regionWorkload(points, 42);
        lat = q[0];
        lon = q[1];
    }

    /** The three workloads, the same for the JMH run and the PostGIS comparison (bench/regions_vs_postgis.sh). */
    static double[][] regionWorkload(String kind, long seed) {
        ReferenceSet cities = ReferenceSetReader.bundled();
        int n = cities.size();
        var random = new SplittableRandom(seed);
        double[] lat = new double[n];
        double[] lon = new double[n];
        switch (kind) {
            case "uniform" -> {
                double[][] u = Workloads.uniformSpherePoints(n, seed);
                return u;
            }
            case "cities" -> {
                for (int i = 0; i < n; i++) {
                    lat[i] = cities.lat(i);
                    lon[i] = cities.lon(i);
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    double t = lat[i];
                    lat[i] = lat[j];
                    lat[j] = t;
                    t = lon[i];
                    lon[i] = lon[j];
                    lon[j] = t;
                }
            }
            case "near_cities" -> {
                for (int i = 0; i < n; i++) {
                    int c = random.nextInt(n);
                    lat[i] = Math.max(-90, Math.min(90, cities.lat(c) + 0.045 * (2 * random.nextDouble() - 1)));
                    double dLon = 0.045 / Math.max(0.05, Math.cos(Math.toRadians(lat[i])));
                    double x = cities.lon(c) + dLon * (2 * random.nextDouble() - 1);
                    lon[i] = x > 180 ? x - 360 : x < -180 ? x + 360 : x;
                }
            }
            default -> throw new IllegalArgumentException("unknown workload " + kind);
        }
        return new double[][] {lat, lon};
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(199_568)
    public void locate(Blackhole bh) {
        RegionLocator l = locator;
        double[] la = lat, lo = lon;
        for (int i = 0; i < la.length; i++) {
            bh.consume(l.locate(la[i], lo[i]));
        }
    }

    /** Containment alone (no territorial sea). */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(199_568)
    public void containing(Blackhole bh) {
        RegionLocator l = locator;
        double[] la = lat, lo = lon;
        for (int i = 0; i < la.length; i++) {
            bh.consume(l.containing(la[i], lo[i]));
        }
    }
}
