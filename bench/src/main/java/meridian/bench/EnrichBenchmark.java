package meridian.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * enrich_10k, the reference design's micro-benchmark: 10,000 records with a payload of 64 ones against
 * San Francisco and Los Angeles; each operation copies the records (as the reference clones them) and
 * enriches the copy. {@code parallel} uses every core, like the reference's rayon loop. The copy goes into
 * a batch reused across operations, as the reference's allocator hands its clone the blocks the previous
 * clone freed; the {@code fresh_copy} variant allocates new arrays every time, for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class EnrichBenchmark extends FixedHeapBenchmark {
    private RecordBatch records;
    private final RecordBatch copy = new RecordBatch(10_000);
    private Enricher enricher;
    private final Matches matches = new Matches();

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Setup
    public void setUp() {
        records = Workloads.enrichRecords(10_000);
        enricher = new Enricher(Workloads.sanFranciscoAndLosAngeles().index());
    }

    @Benchmark
    public RecordBatch enrich_10k_parallel() {
        records.copyInto(copy);
        enricher.enrich(copy, EnrichOptions.NEAREST, matches, ForkJoinPool.commonPool(), CORES);
        return copy;
    }

    @Benchmark
    public RecordBatch enrich_10k_one_thread() {
        records.copyInto(copy);
        matches.reset(copy.size(), 1);
        enricher.enrichRange(copy, 0, copy.size(), EnrichOptions.NEAREST, matches);
        return copy;
    }

    @Benchmark
    public RecordBatch enrich_10k_parallel_fresh_copy() {
        RecordBatch fresh = records.copy();
        enricher.enrich(fresh, EnrichOptions.NEAREST, matches, ForkJoinPool.commonPool(), CORES);
        return fresh;
    }
}
