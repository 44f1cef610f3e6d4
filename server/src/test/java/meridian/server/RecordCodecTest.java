package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.text.Decimals;
import meridian.server.json.RecordCodec;
import meridian.testkit.Seeds;
import meridian.testkit.TwoCities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The record contract on seeded random records, against expectations written out by hand. */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();

    /** Unknown fields as sent (input text) and as written back (compact, strings re-escaped). */
    private static final String[][] EXTRAS = {
        {"\"id\":12345678901234567", "\"id\":12345678901234567"},
        {"\"note\" : \"a \\\"b\\\" \\u00e9\"", "\"note\":\"a \\\"b\\\" é\""},
        {"\"z\":-0.0", "\"z\":-0.0"},
        {"\"tiny\":1e-7", "\"tiny\":1e-7"},
        {"\"big\":1.5E+300", "\"big\":1.5E+300"},
        {"\"deep\":{ \"a\":[1, {\"b\":null}], \"c\":true }", "\"deep\":{\"a\":[1,{\"b\":null}],\"c\":true}"},
        {"\"list\":[ ]", "\"list\":[]"},
        {"\"ok\":false", "\"ok\":false"},
        {"\"user_id\":\"u1\"", "\"user_id\":\"u1\""},
    };

    @Test
    void passesEveryFieldThroughInOrderAndAppendsNearest() throws Exception {
        long seed = Seeds.seed();
        Random rnd = new Random(seed);
        var set = TwoCities.set();
        for (int round = 0; round < 20; round++) {
            int n = 1 + rnd.nextInt(200);
            var in = new StringBuilder("[");
            var expected = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                double lat = Math.round((rnd.nextDouble() * 180 - 90) * 1e5) / 1e5;
                double lon = Math.round((rnd.nextDouble() * 360 - 180) * 1e5) / 1e5;
                double toSf = Earth.haversineKm(lat, lon, TwoCities.SF.lat(), TwoCities.SF.lon());
                double toLa = Earth.haversineKm(lat, lon, TwoCities.LA.lat(), TwoCities.LA.lon());
                double km = Math.min(toSf, toLa);
                List<String> fieldsIn = new ArrayList<>();
                List<String> fieldsOut = new ArrayList<>();
                for (String[] extra : EXTRAS) {
                    if (rnd.nextBoolean()) {
                        fieldsIn.add(extra[0]);
                        fieldsOut.add(extra[1]);
                    }
                }
                int at = rnd.nextInt(fieldsIn.size() + 1);
                String point = rnd.nextBoolean()
                        ? "\"point\":{\"lat\":" + lat + ",\"lon\":" + lon + "}"
                        : "\"lat\":" + lat + ",\"lon\":" + lon;
                fieldsIn.add(at, point);
                fieldsOut.add(at, point);
                if (rnd.nextBoolean()) {
                    double v = rnd.nextBoolean() ? 1.0 : rnd.nextGaussian() * 1e6;
                    var payloadIn = new StringJoiner(",", "\"payload\":[", "]");
                    var payloadOut = new StringJoiner(",", "\"payload\":[", "]");
                    for (int j = rnd.nextInt(5); j > 0; j--) {
                        payloadIn.add(Double.toString(v));
                        payloadOut.add(Double.toString(v * km));
                    }
                    int p = rnd.nextInt(fieldsIn.size() + 1);
                    fieldsIn.add(p, payloadIn.toString());
                    fieldsOut.add(p, payloadOut.toString());
                }
                if (rnd.nextInt(4) == 0) { // an incoming nearest is replaced
                    fieldsIn.add(rnd.nextInt(fieldsIn.size() + 1), "\"nearest\":{\"stale\":1}");
                }
                String place = toSf <= toLa
                        ? "{\"id\":\"sf\",\"name\":\"San Francisco\""
                        : "{\"id\":\"la\",\"name\":\"Los Angeles\"";
                fieldsOut.add("\"nearest\":" + place + ",\"distance_km\":" + Decimals.distance(km) + "}");
                in.append(i == 0 ? "\n" : ",\n")
                        .append("{ ")
                        .append(String.join(" , ", fieldsIn))
                        .append(" }");
                expected.append(i == 0 ? "\n" : ",\n")
                        .append('{')
                        .append(String.join(",", fieldsOut))
                        .append('}');
            }
            in.append("\n]");
            expected.append("\n]\n");

            var batch = new RecordBatch(4);
            var fields = codec.fields();
            codec.readArray(new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)), batch, fields);
            var m = new Matches();
            m.reset(n, 1);
            new Enricher(set.index()).enrichRange(batch, 0, n, EnrichOptions.NEAREST, m);
            var out = new ByteArrayOutputStream();
            codec.writeArray(out, fields, batch, m, set, false);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .as("seed %d, input %s", seed, in)
                    .isEqualTo(expected.toString());
        }
    }

    @Test
    void emptyArrayAndKNearestAsAnArrayEvenWhenEmpty() throws Exception {
        var set = TwoCities.set();
        var batch = new RecordBatch();
        var fields = codec.fields();
        var out = new ByteArrayOutputStream();
        codec.readArray(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8)), batch, fields);
        codec.writeArray(out, fields, batch, new Matches(), set, true);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[]\n");

        codec.readArray(
                new ByteArrayInputStream("[{\"lat\":0,\"lon\":0,\"payload\":[3]}]".getBytes(StandardCharsets.UTF_8)),
                batch,
                fields);
        var m = new Matches();
        var options = new EnrichOptions(2, 100);
        m.reset(1, 2);
        new Enricher(set.index()).enrichRange(batch, 0, 1, options, m);
        out.reset();
        codec.writeArray(out, fields, batch, m, set, true);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("[\n{\"lat\":0,\"lon\":0,\"payload\":[3.0],\"nearest\":[]}\n]\n");
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
        codec.readArray(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), b, codec.fields());
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
                        codec.fields()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_field");
                    assertThat(e.detail()).containsAllEntriesOf(Map.of("record", 1, "field", "point.lon", "line", 3));
                    assertThat(e.getMessage())
                            .contains("record 1")
                            .contains("point.lon")
                            .contains("line 3");
                });
    }

    @Test
    void aHugeStringWhereANumberBelongsIsQuotedShort() {
        String body = "[{\"id\":1,\"point\":{\"lat\":\"" + "7".repeat(1_000_000) + "\",\"lon\":2}}]";
        assertThatThrownBy(() -> codec.readArray(
                        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                        new RecordBatch(),
                        codec.fields()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .contains("point.lat")
                        .contains("\"7777")
                        .hasSizeLessThan(300));
    }

    @Test
    void aNumberBeyondTheDoublesIsNamedAsSuch() {
        String body = "[{\"id\":1,\"point\":{\"lat\":1,\"lon\":-1e999}}]";
        assertThatThrownBy(() -> codec.readArray(
                        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                        new RecordBatch(),
                        codec.fields()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .contains("point.lon must be a finite number, got -1e999"));
    }
}
