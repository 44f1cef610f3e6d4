package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.ReferenceSet;
import meridian.server.json.RecordCodec;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The streaming codec against a plain Jackson twin on seeded random batches. */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();

    @Test
    void writesWhatAPlainJacksonWriterWrites() throws Exception {
        Random rnd = new Random(Seeds.seed());
        ReferenceSet set = TestServers.sfLa();
        for (int round = 0; round < 20; round++) {
            RecordBatch batch = new RecordBatch(4);
            int n = 1 + rnd.nextInt(200);
            for (int i = 0; i < n; i++) {
                double lat = rnd.nextDouble() * 180 - 90;
                double lon = rnd.nextDouble() * 360 - 180;
                if (rnd.nextInt(4) == 0) {
                    batch.add(rnd.nextLong(), lat, lon);
                } else {
                    batch.addWithPayload(rnd.nextLong(), lat, lon);
                    int len = rnd.nextInt(10);
                    double repeated = rnd.nextDouble();
                    for (int j = 0; j < len; j++) {
                        batch.appendPayload(rnd.nextBoolean() ? repeated : rnd.nextGaussian() * 1e6);
                    }
                }
            }
            RecordBatch original = batch.copy();
            Matches m = new Matches();
            m.reset(n, 1);
            new Enricher(set.index()).enrichRange(batch, 0, n, EnrichOptions.NEAREST, m);

            var fast = new ByteArrayOutputStream();
            try (JsonGenerator g = codec.generator(fast)) {
                codec.writeArray(g, batch, m, set, false);
            }
            assertThat(fast.toString(StandardCharsets.UTF_8)).isEqualTo(twin(batch, m, set));

            // and it parses back to the same columns (the input side of the codec)
            RecordBatch parsed = new RecordBatch(1);
            codec.readArray(new ByteArrayInputStream(fast.toByteArray()), parsed, codec.reader());
            assertThat(parsed.size()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(parsed.id(i)).isEqualTo(original.id(i));
                assertThat(parsed.lat(i)).isEqualTo(original.lat(i));
                assertThat(parsed.hasPayload(i)).isEqualTo(original.hasPayload(i));
                for (int j = 0; j < parsed.payloadLength(i); j++) {
                    assertThat(parsed.payload(i, j)).isEqualTo(batch.payload(i, j));
                }
            }
        }
    }

    /** The simplest writer: default Jackson, one writeNumber(double) per value. */
    private static String twin(RecordBatch b, Matches m, ReferenceSet set) throws Exception {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < b.size(); i++) {
                g.writeStartObject();
                g.writeFieldName("id");
                g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(b.id(i))));
                g.writeObjectFieldStart("point");
                g.writeNumberField("lat", b.lat(i));
                g.writeNumberField("lon", b.lon(i));
                g.writeEndObject();
                if (b.hasPayload(i)) {
                    g.writeArrayFieldStart("payload");
                    for (int j = 0; j < b.payloadLength(i); j++) {
                        g.writeNumber(b.payload(i, j));
                    }
                    g.writeEndArray();
                }
                g.writeObjectFieldStart("nearest");
                g.writeStringField("id", set.id(m.place(i, 0)));
                g.writeStringField("name", set.placeName(m.place(i, 0)));
                g.writeNumberField("distance_km", m.distanceKm(i, 0));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The short-decimal fast path against Double.parseDouble, on seeded random decimals. */
    @Test
    void parsesShortDecimalsExactly() throws Exception {
        Random rnd = new Random(Seeds.seed());
        StringBuilder sb = new StringBuilder("[");
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int digits = 1 + rnd.nextInt(17);
            StringBuilder t = new StringBuilder(rnd.nextBoolean() ? "-" : "");
            int point = rnd.nextInt(digits);
            for (int d = 0; d < digits; d++) {
                t.append((char) ('0' + (d == 0 && point > 0 ? 1 + rnd.nextInt(9) : rnd.nextInt(10))));
                if (d == point && d < digits - 1) {
                    t.append('.');
                }
            }
            if (rnd.nextInt(10) == 0) {
                t.append("e").append(rnd.nextInt(40) - 20);
            }
            texts.add(t.toString());
            sb.append(i == 0 ? "" : ",")
                    .append("{\"id\":1,\"lat\":0,\"lon\":0,\"payload\":[")
                    .append(t)
                    .append("]}");
        }
        sb.append(']');
        RecordBatch b = new RecordBatch(1);
        codec.readArray(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), b, codec.reader());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(b.payload(i, 0)).as(texts.get(i)).isEqualTo(Double.parseDouble(texts.get(i)));
        }
    }

    @Test
    void errorsNameRecordFieldLineAndColumn() {
        String body =
                "[\n{\"id\":1,\"point\":{\"lat\":1,\"lon\":2}},\n{\"id\":2,\"point\":{\"lat\":1,\"lon\":true}}\n]";
        assertThatThrownBy(() -> codec.readArray(
                        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                        new RecordBatch(),
                        codec.reader()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_field");
                    assertThat(e.detail()).containsAllEntriesOf(Map.of("record", 1, "field", "point.lon", "line", 3));
                    assertThat(e.getMessage())
                            .contains("record 1")
                            .contains("point.lon")
                            .contains("line 3");
                });
        assertThat(List.of()).isEmpty();
    }
}
