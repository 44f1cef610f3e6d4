package meridian.server.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.ReferenceSet;
import meridian.testkit.Seeds;
import meridian.testkit.TwoCities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The record scanner against its twin, the Jackson path of the same codec: on random bodies (good records in
 * every shape the contract allows, and bodies broken on purpose) the scanner either declines, or gives the
 * same batch (coordinates and payload bit for bit) and the same written answer, byte for byte. Bodies drawn
 * inside the scanner's subset must not be declined.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class RecordScannerTest {
    private static final ReferenceSet SET = TwoCities.set();
    private static final Enricher ENRICHER = new Enricher(SET.index());
    private final RecordCodec codec = new RecordCodec();

    @Test
    void randomBodiesReadAsJacksonReadsThem() throws IOException {
        Random rnd = new Random(Seeds.seed());
        int scanned = 0;
        int broken = 0;
        for (int round = 0; round < 3000; round++) {
            Body body = new Body(rnd, rnd.nextInt(4) == 0);
            int records = 1 + rnd.nextInt(12);
            body.text.append(body.space()).append('[');
            for (int i = 0; i < records; i++) {
                body.text.append(i == 0 ? "" : ",").append(body.space());
                body.record();
                body.text.append(body.space());
            }
            body.text.append(']').append(body.space());
            byte[] bytes = body.text.toString().getBytes(StandardCharsets.UTF_8);
            boolean wasBroken = rnd.nextInt(5) == 0;
            if (wasBroken) {
                bytes = body.breakSomething(bytes);
                broken++;
            }
            boolean country = rnd.nextBoolean();
            boolean fast = compareArray(bytes, country);
            if (fast) {
                scanned++;
            } else if (body.inSubset && !wasBroken) {
                fail("the scanner declined a body inside its subset:\n" + body.text);
            }
        }
        assertThat(scanned).as("bodies scanned (of 3000, %d broken)", broken).isGreaterThan(1000);
    }

    @Test
    void randomLinesReadAsJacksonReadsThem() throws IOException {
        Random rnd = new Random(Seeds.seed() + 1);
        int scanned = 0;
        for (int round = 0; round < 5000; round++) {
            Body body = new Body(rnd, rnd.nextInt(4) == 0);
            body.text.append(rnd.nextBoolean() ? " " : "");
            body.record();
            byte[] bytes = body.text.toString().getBytes(StandardCharsets.UTF_8);
            boolean wasBroken = rnd.nextInt(5) == 0;
            if (wasBroken) {
                bytes = body.breakSomething(bytes);
            }
            if (compareOne(bytes)) {
                scanned++;
            } else if (body.inSubset && !wasBroken) {
                fail("the scanner declined a line inside its subset:\n" + body.text);
            }
        }
        assertThat(scanned).isGreaterThan(2000);
    }

    @Test
    void handPickedEdges() throws IOException {
        String[] inSubset = {
            "[]",
            " [ ] ",
            "[{\"lat\":0,\"lon\":-0}]",
            "[{\"lat\":-0.0,\"lon\":180,\"payload\":null}]",
            "[{\"point\":{\"lon\":1e2,\"x\":[],\"lat\":-9E-1},\"payload\":[]}]",
            "[{\"lat\":1.5,\"lon\":2,\"payload\":[1e400,-1e-400,12345678901234567890,0.1234567890123456789]}]",
            "[{\"lat\":1,\"lon\":2,\"lat\":3,\"nearest\":{\"a\":[1,{\"b\":null}]},\"country\":\"FR\"}]",
            "[{\"lat\":1,\"lon\":2,\"s\":\"é中𝄞\",\"t\":true,\"f\":false,\"n\":null,\"o\":{}}]",
            "[{\"lat\":1,\"lon\":2,\"payload\":[1],\"payload\":null}]",
            "[{\"point\":{\"lat\":1,\"lon\":2},\"lat\":100,\"lon\":500}]",
        };
        for (String body : inSubset) {
            for (boolean country : new boolean[] {false, true}) {
                assertThat(compareArray(body.getBytes(StandardCharsets.UTF_8), country))
                        .as(body)
                        .isTrue();
            }
        }
        String[] declined = {
            "\uFEFF[{\"lat\":1,\"lon\":2}]", // a byte-order mark: Jackson's
            "[{\"lat\":1,\"lon\":2,\"s\":\"a\\\"b\"}]", // an escape
            "[{\"lat\":1,\"lon\":2}", // not closed
            "[{\"lat\":1,\"lon\":2}]x",
            "[{\"lat\":01,\"lon\":2}]",
            "[{\"lat\":1.,\"lon\":2}]",
            "[{\"lat\":.5,\"lon\":2}]",
            "[{\"lat\":1e,\"lon\":2}]",
            "[{\"lat\":-,\"lon\":2}]",
            "[{\"lat\":1,\"lon\":2,}]",
            "[{\"lat\":1,\"lon\":2},]",
            "[{\"lat\":91,\"lon\":2}]",
            "[{\"lat\":1e400,\"lon\":2}]",
            "[{\"lat\":\"1\",\"lon\":2}]",
            "[{\"lon\":2}]",
            "[{\"point\":{\"lat\":1}}]",
            "[{\"point\":[1,2]}]",
            "[{\"lat\":1,\"lon\":2,\"payload\":[\"1\"]}]",
            "[{\"lat\":1,\"lon\":2,\"payload\":3}]",
            "[{\"lat\":1,\"lon\":2,\"x\":tru}]",
            "[{\"lat\":1,\"lon\":2,\"x\":nul}]",
            "[{\"lat\":1,\"lon\":2,\"x\":NaN}]",
            "[{}]",
            "[1]",
            "{\"lat\":1,\"lon\":2}",
            "[{\"lat\":1,\"lon\":2,\"x\":\"\u0001\"}]",
            "[{\"lat\":1,\"lon\":2,\"x\":" + "[".repeat(40) + "]".repeat(40) + "}]",
            "[{\"lat\":1,\"lon\":2,\"x\":1" + "0".repeat(120) + "}]",
        };
        for (String body : declined) {
            assertThat(compareArray(body.getBytes(StandardCharsets.UTF_8), false))
                    .as(body)
                    .isFalse();
        }
        // invalid UTF-8 in a string: overlong, a surrogate, a lone continuation byte, a cut sequence
        for (byte[] bad : new byte[][] {
            {(byte) 0xc0, (byte) 0xaf},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0x80},
            {(byte) 0xe4, (byte) 0xb8}
        }) {
            byte[] head = "[{\"lat\":1,\"lon\":2,\"s\":\"".getBytes(StandardCharsets.US_ASCII);
            byte[] tail = "\"}]".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bad, 0, body, head.length, bad.length);
            System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
            assertThat(compareArray(body, false)).isFalse();
        }
    }

    /** Reads {@code bytes} both ways; asserts the same outcome; true when the scanner took the body. */
    private boolean compareArray(byte[] bytes, boolean country) throws IOException {
        RecordCodec.Fields fast = codec.fields();
        fast.replaceCountry(country);
        RecordBatch fastBatch = new RecordBatch(16);
        boolean scanned = fast.scanner().array(bytes, 0, bytes.length, fastBatch);

        RecordCodec.Fields slow = codec.fields();
        slow.replaceCountry(country);
        RecordBatch slowBatch = new RecordBatch(16);
        String slowError = null;
        try {
            codec.readArray(new ByteArrayInputStream(bytes), slowBatch, slow);
        } catch (IOException | RuntimeException e) {
            slowError = e.getMessage();
        }
        if (!scanned) {
            // the codec's own entry falls back to the Jackson path: same records or the same error
            RecordCodec.Fields viaCodec = codec.fields();
            viaCodec.replaceCountry(country);
            RecordBatch viaBatch = new RecordBatch(16);
            String viaError = null;
            try {
                codec.readArray(bytes, 0, bytes.length, viaBatch, viaCodec);
            } catch (IOException | RuntimeException e) {
                viaError = e.getMessage();
            }
            assertThat(viaError).isEqualTo(slowError);
            if (slowError == null) {
                assertSame(bytes, viaBatch, viaCodec, slowBatch, slow);
            }
            return false;
        }
        return tookAsJackson(bytes, fastBatch, fast, slowBatch, slow, slowError);
    }

    private boolean compareOne(byte[] bytes) throws IOException {
        RecordCodec.Fields fast = codec.fields();
        RecordBatch fastBatch = new RecordBatch(4);
        boolean scanned = fast.scanner().one(bytes, 0, bytes.length, fastBatch);
        RecordCodec.Fields slow = codec.fields();
        RecordBatch slowBatch = new RecordBatch(4);
        String slowError = null;
        try {
            codec.readOne(bytes, 0, bytes.length, slowBatch, slow, 0);
        } catch (IOException | RuntimeException e) {
            slowError = e.getMessage();
        }
        if (!scanned) {
            assertThat(fastBatch.size()).isZero();
            return false;
        }
        return tookAsJackson(bytes, fastBatch, fast, slowBatch, slow, slowError);
    }

    /** The scanner took the bytes: Jackson must take them too, with the same result. */
    private static boolean tookAsJackson(
            byte[] bytes,
            RecordBatch fastBatch,
            RecordCodec.Fields fast,
            RecordBatch slowBatch,
            RecordCodec.Fields slow,
            String slowError)
            throws IOException {
        assertThat(slowError)
                .as("Jackson refused what the scanner took: %s", text(bytes))
                .isNull();
        assertSame(bytes, fastBatch, fast, slowBatch, slow);
        return true;
    }

    private static void assertSame(
            byte[] bytes, RecordBatch aBatch, RecordCodec.Fields a, RecordBatch bBatch, RecordCodec.Fields b)
            throws IOException {
        assertThat(aBatch.size()).as(text(bytes)).isEqualTo(bBatch.size());
        for (int i = 0; i < aBatch.size(); i++) {
            assertThat(Double.doubleToRawLongBits(aBatch.lat(i))).isEqualTo(Double.doubleToRawLongBits(bBatch.lat(i)));
            assertThat(Double.doubleToRawLongBits(aBatch.lon(i))).isEqualTo(Double.doubleToRawLongBits(bBatch.lon(i)));
            assertThat(aBatch.payloadEnd(i) - aBatch.payloadStart(i))
                    .isEqualTo(bBatch.payloadEnd(i) - bBatch.payloadStart(i));
        }
        assertThat(written(aBatch, a)).as(text(bytes)).isEqualTo(written(bBatch, b));
    }

    private static String written(RecordBatch batch, RecordCodec.Fields fields) throws IOException {
        Matches matches = new Matches();
        matches.reset(batch.size(), 1);
        ENRICHER.enrichRange(batch, 0, batch.size(), EnrichOptions.NEAREST, matches);
        var out = new ByteArrayOutputStream();
        new RecordCodec().writeArray(out, fields, batch, matches, SET, false);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A random body's text, and whether everything drawn so far is inside the scanner's subset. */
    private static final class Body {
        final Random rnd;
        final boolean wild; // draws escapes, deep values and bad fields too
        final StringBuilder text = new StringBuilder();
        boolean inSubset = true;

        Body(Random rnd, boolean wild) {
            this.rnd = rnd;
            this.wild = wild;
        }

        String space() {
            return switch (rnd.nextInt(8)) {
                case 0 -> " ";
                case 1 -> "\n";
                case 2 -> " \r\n\t ";
                default -> "";
            };
        }

        void record() {
            text.append('{').append(space());
            boolean point = rnd.nextBoolean();
            int extras = rnd.nextInt(5);
            int coordinatesAt = rnd.nextInt(extras + 1);
            boolean first = true;
            for (int f = 0; f <= extras; f++) {
                text.append(first ? "" : ",").append(space());
                first = false;
                if (f == coordinatesAt) {
                    if (point) {
                        text.append("\"point\"").append(space()).append(':').append(space());
                        text.append("{\"lat\":")
                                .append(coordinate(90))
                                .append(space())
                                .append(",")
                                .append(space())
                                .append("\"lon\":")
                                .append(coordinate(180));
                        if (rnd.nextInt(4) == 0) {
                            text.append(",\"alt\":").append(number());
                        }
                        text.append('}');
                    } else {
                        text.append("\"lat\":")
                                .append(coordinate(90))
                                .append(',')
                                .append(space())
                                .append("\"lon\":")
                                .append(space())
                                .append(coordinate(180));
                    }
                } else {
                    extraField();
                }
            }
            text.append(space()).append('}');
        }

        private String coordinate(int bound) {
            double v = (rnd.nextDouble() * 2 - 1) * bound;
            return switch (rnd.nextInt(6)) {
                case 0 -> Long.toString(Math.round(v));
                case 1 -> String.format(Locale.ROOT, "%.6f", v);
                case 2 -> Double.toString(v);
                case 3 -> String.format(Locale.ROOT, "%.3e", v);
                case 4 -> new BigDecimal(v).toPlainString(); // many digits
                default -> String.format(Locale.ROOT, "%.1f", v);
            };
        }

        private void extraField() {
            switch (rnd.nextInt(10)) {
                case 0 -> payload();
                case 1 -> text.append("\"nearest\":").append(value(0));
                case 2 -> text.append("\"country\":").append(value(0));
                case 3 -> text.append("\"payload\":null");
                default ->
                    text.append(extraName())
                            .append(space())
                            .append(':')
                            .append(space())
                            .append(value(0));
            }
        }

        /**
         * A field name other than the record's own fields, which hold numbers, an object or an array (a drawn
         * {@code "lon"} with the value {@code true} is not a record of the subset: seed 7826532621360).
         */
        private String extraName() {
            String name = string();
            while (name.equals("\"lat\"")
                    || name.equals("\"lon\"")
                    || name.equals("\"point\"")
                    || name.equals("\"payload\"")) {
                name = string();
            }
            return name;
        }

        private void payload() {
            text.append("\"payload\":[").append(space());
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                text.append(i == 0 ? "" : ",").append(space()).append(number());
            }
            text.append(space()).append(']');
        }

        private String value(int depth) {
            int kind = rnd.nextInt(depth > 3 && !wild ? 5 : 7);
            return switch (kind) {
                case 0 -> string();
                case 1 -> number();
                case 2 -> "true";
                case 3 -> rnd.nextBoolean() ? "false" : "null";
                case 4 -> string();
                case 5 -> {
                    var b = new StringBuilder("{").append(space());
                    int n = rnd.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        b.append(i == 0 ? "" : ",")
                                .append(string())
                                .append(space())
                                .append(':')
                                .append(value(depth + 1));
                    }
                    yield depth > 30 ? deep(b) : b.append(space()).append('}').toString();
                }
                default -> {
                    var b = new StringBuilder("[").append(space());
                    int n = rnd.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        b.append(i == 0 ? "" : ",").append(space()).append(value(depth + 1));
                    }
                    yield b.append(space()).append(']').toString();
                }
            };
        }

        private String deep(StringBuilder b) {
            inSubset = false; // nesting beyond the scanner's depth
            return b.append('}').toString();
        }

        private String number() {
            return switch (rnd.nextInt(9)) {
                case 0 -> "0";
                case 1 -> "-0.0";
                case 2 -> Integer.toString(rnd.nextInt());
                case 3 -> Long.toString(rnd.nextLong()) + "0123";
                case 4 -> Double.toString(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20));
                case 5 -> (rnd.nextBoolean() ? "1e" : "-2.5E+") + rnd.nextInt(400);
                case 6 -> "1.0";
                case 7 -> String.format(Locale.ROOT, "%.4f", rnd.nextDouble() * 100);
                default -> "0." + "0".repeat(rnd.nextInt(20)) + (1 + rnd.nextInt(9));
            };
        }

        private String string() {
            var b = new StringBuilder("\"");
            int n = rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(wild ? 12 : 9);
                switch (kind) {
                    case 0, 1, 2, 3 -> b.append((char) ('a' + rnd.nextInt(26)));
                    case 4 -> b.append(" /_-.:");
                    case 5 -> b.append('é');
                    case 6 -> b.append('中');
                    case 7 -> b.appendCodePoint(0x1D11E); // four bytes in UTF-8
                    case 8 -> b.append('\u2028');
                    case 9 -> {
                        b.append("\\\"");
                        inSubset = false;
                    }
                    case 10 -> {
                        b.append("\\u00e9\\n\\/");
                        inSubset = false;
                    }
                    default -> {
                        b.append("\\\\");
                        inSubset = false;
                    }
                }
            }
            return b.append('"').toString();
        }

        /** A copy with a byte changed, removed or the end cut off. */
        byte[] breakSomething(byte[] bytes) {
            if (bytes.length < 2) {
                return bytes;
            }
            int at = rnd.nextInt(bytes.length);
            return switch (rnd.nextInt(3)) {
                case 0 -> {
                    byte[] copy = bytes.clone();
                    copy[at] = (byte) "{}[],:\"\\-.e0x \u0001".charAt(rnd.nextInt(15));
                    yield copy;
                }
                case 1 -> {
                    byte[] copy = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, copy, 0, at);
                    System.arraycopy(bytes, at + 1, copy, at, bytes.length - at - 1);
                    yield copy;
                }
                default -> Arrays.copyOf(bytes, at);
            };
        }
    }
}
