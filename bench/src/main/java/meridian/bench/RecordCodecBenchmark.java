package meridian.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.ReferenceSet;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;
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
 * The three stages of a 10,000-record {@code POST /enrich} body on one thread: reading the JSON into the
 * batch (scanned, and through Jackson), the nearest search, and writing the answer (to a sink that
 * discards it). The body is the
 * reference benchmark's ({@code gen_body.sh 10000}: id, point, 64 ones), against its two places.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordCodecBenchmark extends FixedHeapBenchmark {
    private final RecordCodec codec = RecordCodec.forPlatformThreads();
    private final RecordCodec.Fields fields = codec.fields();
    private final RecordBatch batch = new RecordBatch(10_000);
    private final Matches matches = new Matches();
    private byte[] body;
    private Enricher enricher;
    private PlaceText places;

    @Setup
    public void setUp() throws IOException {
        StringBuilder b = new StringBuilder("[");
        String ones = String.join(",", Collections.nCopies(64, "1.0"));
        for (int id = 0; id < 10_000; id++) {
            b.append(id == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(id)
                    .append(",\"point\":{\"lat\":")
                    .append(35.0 + id % 10)
                    .append(",\"lon\":")
                    .append(-120.0 + id % 5)
                    .append("},\"payload\":[")
                    .append(ones)
                    .append("]}");
        }
        body = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
        ReferenceSet set = Workloads.sanFranciscoAndLosAngeles();
        enricher = new Enricher(set.index());
        places = codec.places(set);
        read();
        enrich();
    }

    /** As the service reads a body: scanned from its bytes. */
    @Benchmark
    public RecordBatch read() throws IOException {
        codec.readArray(body, 0, body.length, batch, fields);
        return batch;
    }

    /** Through Jackson's token stream, as bodies beyond the scanner's subset (or its size bound) are read. */
    @Benchmark
    public RecordBatch read_jackson() throws IOException {
        codec.readArray(new ByteArrayInputStream(body), batch, fields);
        return batch;
    }

    @Benchmark
    public Matches enrich() {
        matches.reset(batch.size(), 1);
        enricher.enrichRange(batch, 0, batch.size(), EnrichOptions.NEAREST, matches);
        return matches;
    }

    @Benchmark
    public long write() throws IOException {
        Counting out = new Counting();
        codec.writeArray(out, fields, batch, matches, places, false);
        return out.bytes;
    }

    /** Counts what is written and drops it. */
    private static final class Counting extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
