package meridian.cli.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.io.StringReader;
import meridian.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** A JSON array of events is read element by element, with the file's lines in its errors. */
class EventReaderJsonArrayTest {
    /**
     * An array of a million events, made as it is read: the first chunk is filled having read little more than
     * its own events, where the file parsed whole read all of it first.
     */
    @Test
    void readsAChunkAtATimeNotTheFile() {
        var events = new GeneratedArray(1_000_000);
        try (var reader = new EventReader.JsonArray(events, "big.json", "user_id")) {
            var chunk = new EventChunk(1000);
            assertThat(reader.fill(chunk)).isTrue();
            assertThat(chunk.size).isEqualTo(1000);
            assertThat(events.served).isLessThan(200_000).isGreaterThan(1000 * GeneratedArray.EVENT_CHARS);
            long total = chunk.size;
            chunk.clear();
            while (reader.fill(chunk)) {
                total += chunk.size;
                chunk.clear();
            }
            assertThat(total).isEqualTo(1_000_000);
        }
    }

    @Test
    void errorsNameTheFilesLine() {
        String ok = "{\"user_id\":\"u\",\"value\":1,\"ts\":1}";
        assertThat(failure("[" + ok + ",\n" + ok + ",]")).isEqualTo("a.json line 2: an element is missing before ']'");
        assertThat(failure("[\n," + ok + "]")).isEqualTo("a.json line 2: an element is missing before ','");
        assertThat(failure("[" + ok + "]\n\n x")).isEqualTo("a.json line 3: unexpected text after the JSON value");
        assertThat(failure("[" + ok + ",\n" + ok))
                .isEqualTo("a.json line 2: unexpected end of input: the array is not closed");
        assertThat(failure("[" + ok + ",\n{\"user_id\":\"u\",\n\"value\":}]"))
                .isEqualTo("a.json line 3: unexpected character '}'");
        assertThat(failure("[" + ok + ",\n{\"user_id\":\"u\",\"value\":\"z\",\"ts\":1}]"))
                .isEqualTo("a.json line 2: value must be a number, got 'z'");
        // an element without end is refused at a bound, not held whole
        String huge = "[" + ok + ",\n{\"user_id\":\"" + "a".repeat(EventReader.JsonArray.MAX_ELEMENT_CHARS) + "\"}]";
        assertThat(failure(huge)).isEqualTo("a.json line 2: an element longer than 16777216 characters");
        // nesting beyond the tree parser's bound, inside an element
        assertThat(failure("[" + "[".repeat(100) + "]".repeat(100) + "]"))
                .startsWith("a.json line 1: nesting deeper than");
        // brackets, commas and escaped quotes inside strings are the strings' own
        var chunk = new EventChunk(10);
        try (var reader = new EventReader.JsonArray(
                new StringReader("[{\"user_id\":\"a,]}\\\"[\",\"value\":1,\"ts\":1}, " + ok + "]"),
                "a.json",
                "user_id")) {
            assertThat(reader.fill(chunk)).isTrue();
        }
        assertThat(chunk.size).isEqualTo(2);
        assertThat(chunk.key[0]).isEqualTo("a,]}\"[");
    }

    private static String failure(String json) {
        var chunk = new EventChunk(10);
        try (var reader = new EventReader.JsonArray(new StringReader(json), "a.json", "user_id")) {
            while (reader.fill(chunk)) {
                chunk.clear();
            }
            return "no error";
        } catch (InvalidInputException e) {
            return e.getMessage();
        }
    }

    /** {@code [event,\n event, ...]} of {@code n} events, made as it is read; counts the characters served. */
    private static final class GeneratedArray extends Reader {
        static final int EVENT_CHARS = "{\"user_id\":\"u00000\",\"value\":1.5,\"ts\":1700000000},\n".length();
        private final int n;
        private int made;
        private String pending = "[";
        private int at;
        long served;

        GeneratedArray(int n) {
            this.n = n;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (at == pending.length()) {
                if (made > n) {
                    return -1;
                }
                pending = made == n
                        ? "]\n"
                        : String.format(
                                "{\"user_id\":\"u%05d\",\"value\":1.5,\"ts\":1700000000}%s\n",
                                made % 50_000, made == n - 1 ? "" : ",");
                made++;
                at = 0;
            }
            int k = Math.min(len, pending.length() - at);
            pending.getChars(at, at + k, cbuf, off);
            at += k;
            served += k;
            return k;
        }

        @Override
        public void close() {}
    }
}
