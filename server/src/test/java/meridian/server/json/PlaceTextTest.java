package meridian.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.core.text.ByteSink;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class PlaceTextTest {
    /** The CSV text written from bytes against its string twin: {@code csvField(id) + "," + csvField(name) + ","}. */
    @Test
    void csvTextMatchesTheStringFormat() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        String alphabet = "ab,\"\n\ré ü中😀 x";
        List<Place> places = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            places.add(new Place(
                    text(rnd, alphabet) + i,
                    text(rnd, alphabet),
                    rnd.nextDouble() * 180 - 90,
                    rnd.nextDouble() * 360 - 180,
                    Map.of()));
        }
        var refs = ReferenceSet.of("t", places);
        var text = PlaceText.csv(refs);
        var sink = new ByteSink(null);
        for (int i = 0; i < refs.size(); i++) {
            sink.truncate(0);
            text.put(sink, i);
            String twin = PlaceText.csvField(refs.id(i)) + "," + PlaceText.csvField(refs.placeName(i)) + ",";
            assertThat(new String(sink.array(), 0, sink.size(), StandardCharsets.UTF_8))
                    .as("place %d, seed %d", i, seed)
                    .isEqualTo(twin);
        }
    }

    /**
     * The JSON text written from bytes against its string twin, Jackson's escaping of each field: every control
     * character, the quote, the backslash, DEL, non-ASCII letters and a character outside the BMP.
     */
    @Test
    void jsonTextMatchesJacksonsEscaping() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        var alphabet = new StringBuilder("ab\"\\/\u007fé ü中😀 x");
        for (char c = 0; c < 0x20; c++) {
            alphabet.append(c);
        }
        List<Place> places = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            places.add(new Place(
                    text(rnd, alphabet.toString()) + i,
                    text(rnd, alphabet.toString()),
                    rnd.nextDouble() * 180 - 90,
                    rnd.nextDouble() * 360 - 180,
                    i % 3 == 0 ? Map.of("country", text(rnd, alphabet.toString())) : Map.of()));
        }
        var refs = ReferenceSet.of("t", places);
        var plain = PlaceText.json(refs);
        var full = PlaceText.jsonFull(refs);
        var sink = new ByteSink(null);
        for (int i = 0; i < refs.size(); i++) {
            String head = "{\"id\":" + PlaceText.jsonString(refs.id(i)) + ",\"name\":"
                    + PlaceText.jsonString(refs.placeName(i));
            String end = ",\"distance_km\":";
            var lat = ",\"lat\":" + refs.lat(i) + ",\"lon\":" + refs.lon(i);
            String country = refs.attribute(i, 0);
            String tail = lat + (country == null ? "" : ",\"country\":" + PlaceText.jsonString(country));
            sink.truncate(0);
            plain.put(sink, i);
            assertThat(new String(sink.array(), 0, sink.size(), StandardCharsets.UTF_8))
                    .as("place %d, seed %d", i, seed)
                    .isEqualTo(head + end);
            sink.truncate(0);
            full.put(sink, i);
            assertThat(new String(sink.array(), 0, sink.size(), StandardCharsets.UTF_8))
                    .as("place %d in full, seed %d", i, seed)
                    .isEqualTo(head + tail + end);
        }
    }

    private static String text(Random rnd, String alphabet) {
        var b = new StringBuilder();
        int n = rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            int at = alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0, alphabet.length())));
            b.appendCodePoint(alphabet.codePointAt(at));
        }
        return b.toString();
    }
}
