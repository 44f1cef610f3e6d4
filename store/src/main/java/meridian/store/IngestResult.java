package meridian.store;

/**
 * What an ingest call did, known only after its transaction committed: {@code accepted} events were new
 * and are now counted in their users' aggregates; {@code duplicates} had an id already stored (or repeated
 * within the call) and were skipped.
 */
public record IngestResult(int accepted, int duplicates) {}
