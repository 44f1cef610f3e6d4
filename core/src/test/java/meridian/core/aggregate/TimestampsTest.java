package meridian.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import meridian.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    @Test
    void localTimesAreReadAsUtcAndMatchJavaTime() {
        long seed = System.nanoTime();
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
    void rejectsGarbageWithTheValue() {
        for (String bad :
                new String[] {"", "2001", "2001-13-01", "2001-02-29", "2001-01-01T25:00", "2001-01-01X", "abc"}) {
            assertThat(Timestamps.tryParseMicros(bad)).as(bad).isEqualTo(Timestamps.INVALID);
        }
        assertThatThrownBy(() -> Timestamps.parseMicros("yesterday"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("yesterday");
    }
}
