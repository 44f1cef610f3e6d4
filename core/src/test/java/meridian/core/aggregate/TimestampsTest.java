package meridian.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Random;
import meridian.core.error.InvalidInputException;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class TimestampsTest {
    @Test
    void localTimesAreReadAsUtcAndMatchJavaTime() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long epochSecond = rnd.nextLong(-5_000_000_000L, 8_000_000_000L);
            int micros = rnd.nextInt(1_000_000);
            var t = LocalDateTime.ofEpochSecond(epochSecond, micros * 1000, ZoneOffset.UTC);
            String text = t.toString();
            long expected = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
            assertThat(Timestamps.parseMicros(text))
                    .as("seed %d: %s", seed, text)
                    .isEqualTo(expected);

            var offset = ZoneOffset.ofTotalSeconds(rnd.nextInt(-17, 18) * 3600 + (rnd.nextBoolean() ? 1800 : 0));
            var o = OffsetDateTime.of(t, offset).truncatedTo(ChronoUnit.SECONDS);
            assertThat(Timestamps.parseMicros(o.toString()))
                    .as("seed %d: %s", seed, o)
                    .isEqualTo(o.toEpochSecond() * 1_000_000L);
        }
    }

    /**
     * The plain forms' marks: for any instant of the years 0000-9999 the text made from the instant is the
     * text that was read (java.time writes the expected text); every other form keeps its own text.
     */
    @Test
    void plainFormsAreWrittenBackFromTheirInstantExactly() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        var format = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
        long min = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
        long max = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);
        long[] edges = {min, max, 0, -1, 951_782_400L /* 2000-02-29 */, 4_107_542_399L /* 2100-02-28T23:59:59 */};
        for (int i = 0; i < 100_000; i++) {
            long second = i < edges.length ? edges[i] : rnd.nextLong(min, max + 1);
            String plain = format.format(LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC));
            for (String text : new String[] {plain, plain + "Z"}) {
                byte[] b = ("xx" + text + "yy").getBytes(StandardCharsets.US_ASCII);
                long micros = Timestamps.parseMicros(text);
                assertThat(micros).as("seed %d: %s", seed, text).isEqualTo(second * 1_000_000L);
                String mark = Timestamps.plainForm(b, 2, 2 + text.length());
                assertThat(mark)
                        .as("seed %d: %s", seed, text)
                        .isSameAs(text.endsWith("Z") ? Timestamps.UTC_Z : Timestamps.UTC_PLAIN);
                assertThat(Timestamps.text(mark, micros)).as("seed %d", seed).isEqualTo(text);
            }
        }
        for (String other : new String[] {
            "2024-02-29 10:00:00", "2024-02-29t10:00:00", "2024-02-29T10:00:00z", "2024-02-29T10:00+02",
            "2024-02-29T10:00:00.5", "2024-02-29T10:00:00+02:00", "2024-02-29T10:00:00+0200", "2024-02-29T10:00",
            "2024-02-29", "1700000000"
        }) {
            assertThat(Timestamps.tryParseMicros(other)).as(other).isNotEqualTo(Timestamps.INVALID);
            byte[] b = other.getBytes(StandardCharsets.US_ASCII);
            assertThat(Timestamps.plainForm(b, 0, b.length)).as(other).isNull();
        }
        assertThat(Timestamps.text("2024-02-29 10:00:00", 123)).isEqualTo("2024-02-29 10:00:00");
        assertThat(Timestamps.text(null, 0)).isNull();
    }

    @Test
    void acceptsCommonForms() {
        assertThat(Timestamps.parseMicros("1970-01-01")).isZero();
        assertThat(Timestamps.parseMicros("1970-01-01T00:01")).isEqualTo(60_000_000L);
        assertThat(Timestamps.parseMicros("1970-01-01 00:00:01Z")).isEqualTo(1_000_000L);
        assertThat(Timestamps.parseMicros("1970-01-01T01:00:00+01:00")).isZero();
        assertThat(Timestamps.parseMicros("1970-01-01T01:00:00+0100")).isZero();
        assertThat(Timestamps.parseMicros("1970-01-01T00:00:00.5")).isEqualTo(500_000L);
        assertThat(Timestamps.parseMicros("2001-01-01T00:47:00"))
                .isEqualTo(LocalDateTime.parse("2001-01-01T00:47:00").toEpochSecond(ZoneOffset.UTC) * 1_000_000L);
    }

    @Test
    void epochNumbersAreSecondsBelowTenToTheElevenAndMillisecondsAbove() {
        // seconds: the bench/gen_points.sh ts column, and a JSON number
        assertThat(Timestamps.parseMicros("1700000001"))
                .isEqualTo(Instant.parse("2023-11-14T22:13:21Z").toEpochMilli() * 1000);
        assertThat(Timestamps.parseMicros("1700000001.25")).isEqualTo(1_700_000_001_250_000L);
        assertThat(Timestamps.parseMicros("0")).isZero();
        assertThat(Timestamps.parseMicros("-86400")).isEqualTo(-86_400_000_000L);
        assertThat(Timestamps.parseMicros("99999999999")).isEqualTo(99_999_999_999_000_000L); // the last second
        // milliseconds from 10^11 on
        assertThat(Timestamps.parseMicros("100000000000")).isEqualTo(100_000_000_000_000L);
        assertThat(Timestamps.parseMicros("1700000001123"))
                .isEqualTo(Instant.parse("2023-11-14T22:13:21.123Z").toEpochMilli() * 1000);
        assertThat(Timestamps.parseMicros("1700000001123.5")).isEqualTo(1_700_000_001_123_500L);
        assertThat(Timestamps.parseMicros("-1700000001123")).isEqualTo(-1_700_000_001_123_000L);
        // the same instant three ways
        long iso = Timestamps.parseMicros("2023-11-14T23:13:21+01:00");
        assertThat(Timestamps.parseMicros("1700000001")).isEqualTo(iso);
        assertThat(Timestamps.parseMicros("1700000001000")).isEqualTo(iso);
    }

    @Test
    void rejectsGarbageWithTheValue() {
        for (String bad : new String[] {
            "",
            "2001-13-01",
            "2001-02-29",
            "2001-01-01T25:00",
            "2001-01-01X",
            "abc",
            "1.7e9",
            "17000000.",
            "-",
            "1 700",
            "0x10",
            "99999999999999999"
        }) {
            assertThat(Timestamps.tryParseMicros(bad)).as(bad).isEqualTo(Timestamps.INVALID);
        }
        assertThatThrownBy(() -> Timestamps.parseMicros("yesterday"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("yesterday")
                .hasMessageContaining(Timestamps.RULE);
    }
}
