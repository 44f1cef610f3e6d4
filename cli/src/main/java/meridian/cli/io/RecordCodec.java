package meridian.cli.io;

import java.io.IOException;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;

/**
 * Reads an input format chunk by chunk into a reusable {@link RecordBatch} and writes the same records,
 * enriched, in that format. The codec keeps whatever it needs to re-emit a record (the raw CSV row, the
 * JSON fields) only for the current chunk, so memory is bounded by the chunk size, not the input size.
 *
 * <p>Protocol: {@link #start}, then repeatedly {@link #read} and {@link #write} (the chunk read last),
 * then {@link #finish}. Record {@code i} of the batch is the i-th good record of the chunk.
 */
public interface RecordCodec {
    /** Writes what comes before the first record (a CSV header, an opening bracket). */
    void start(ByteSink out) throws IOException;

    /**
     * Clears {@code batch} and fills it with up to {@code maxRecords} good records; bad ones go to the
     * {@link BadRows} policy. Returns false when the input is exhausted and nothing was read.
     */
    boolean read(RecordBatch batch, int maxRecords) throws IOException;

    /** Writes the records of the last chunk read, with their matches. */
    void write(RecordBatch batch, Matches matches, ByteSink out) throws IOException;

    /** Writes what comes after the last record. */
    void finish(ByteSink out) throws IOException;
}
