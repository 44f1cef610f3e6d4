package meridian.cli.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.RowError;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;

/**
 * A block of whole NDJSON lines, turned into output on one worker thread with the shared
 * {@link RecordCodec} (the record contract of every face). Bad lines are collected (counted, the first few
 * kept); the pipeline decides whether they stop the run.
 */
final class JsonChunk extends OutputBlock {
    private final String source;
    private final RecordCodec codec;
    private final Enricher.Cursor enricher; // the block's own: its scratch kept from block to block
    private final EnrichOptions options;
    private final Supplier<PlaceText> places; // may still be in the making until the first block is written
    private final RecordBatch batch = new RecordBatch(4096);
    private final RecordCodec.Fields fields;
    private final Matches matches = new Matches();
    private BadRows bad;
    private int good;

    JsonChunk(String source, RecordCodec codec, Enricher enricher, EnrichOptions options, Supplier<PlaceText> places) {
        this.source = source;
        this.codec = codec;
        this.enricher = enricher.cursor();
        this.options = options;
        this.places = places;
        this.fields = codec.fields();
        fields.replaceCountry(options.regions() != null);
    }

    @Override
    protected void process() {
        out.truncate(0);
        bad = new BadRows(source, true);
        try {
            codec.readLines(buf, 0, len, firstLine, batch, fields, bad::reject);
            int n = batch.size();
            matches.reset(n, options);
            enricher.enrichRange(batch, 0, n, options, matches);
            codec.writeRecords(out, fields, batch, matches, places.get(), options.k() > 1, null);
            good = n;
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
