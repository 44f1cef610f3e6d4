package meridian.cli.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.RowError;

/**
 * A block of whole NDJSON lines, turned into output on one worker thread with a {@link JsonCodec} over the
 * block's bytes. Bad lines are collected (counted, the first few kept); the pipeline decides whether they
 * stop the run.
 */
final class JsonChunk extends Block {
    private final String source;
    private final Enricher enricher;
    private final EnrichOptions options;
    private final PlaceText places;
    private final RecordBatch batch = new RecordBatch(4096);
    private final Matches matches = new Matches();
    private BadRows bad;
    private int good;

    JsonChunk(String source, Enricher enricher, EnrichOptions options, PlaceText places) {
        this.source = source;
        this.enricher = enricher;
        this.options = options;
        this.places = places;
    }

    @Override
    void process() {
        out.truncate(0);
        good = 0;
        bad = new BadRows(source, true);
        try {
            var codec =
                    new JsonCodec(new ByteArrayInputStream(buf, 0, len), false, bad, options.k(), places, firstLine);
            while (codec.read(batch, Integer.MAX_VALUE)) {
                int n = batch.size();
                matches.reset(n, options.k());
                enricher.enrichRange(batch, 0, n, options, matches);
                codec.write(batch, matches, out);
                good += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from memory: not expected
        }
    }

    @Override
    int goodRows() {
        return good;
    }

    @Override
    List<RowError> errors() {
        return bad.first();
    }

    @Override
    long errorCount() {
        return bad.count();
    }
}
