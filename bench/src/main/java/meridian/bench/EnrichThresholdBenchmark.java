package meridian.bench;

import java.util.concurrent.TimeUnit;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where splitting a batch across cores starts to pay: the same batch enriched on the caller's thread
 * and split into one chunk per core, for growing sizes, against the two-place and the cities sets. The
 * crossover sets {@link Enricher#PARALLEL_THRESHOLD}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class EnrichThresholdBenchmark extends FixedHeapBenchmark {
    @Param({"256", "1024", "2048", "4096", "16384"})
    public int records;

    @Param({"sf-la", "cities"})
    public String refs;

    private RecordBatch batch;
    private Enricher enricher;
    private final Matches matches = new Matches();

    @Setup
    public void setUp() {
        ReferenceSet set = refs.equals("cities") ? ReferenceSetReader.bundled() : Workloads.sanFranciscoAndLosAngeles();
        enricher = new Enricher(set.index());
        double[][] p = Workloads.uniformSpherePoints(records, 7);
        batch = new RecordBatch(records);
        for (int i = 0; i < records; i++) {
            batch.add(i, p[0][i], p[1][i]);
        }
        matches.reset(records, 1);
    }

    @Benchmark
    public Matches sequential() {
        enricher.enrichRange(batch, 0, batch.size(), EnrichOptions.NEAREST, matches);
        return matches;
    }

    @Benchmark
    public Matches split_across_cores() {
        int n = batch.size();
        int chunks = Runtime.getRuntime().availableProcessors();
        var pool = java.util.concurrent.ForkJoinPool.commonPool();
        var futures = new java.util.concurrent.Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = n * c / chunks;
            int to = n * (c + 1) / chunks;
            futures[c - 1] = pool.submit(() -> enricher.enrichRange(batch, from, to, EnrichOptions.NEAREST, matches));
        }
        enricher.enrichRange(batch, 0, n / chunks, EnrichOptions.NEAREST, matches);
        for (var f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return matches;
    }
}
