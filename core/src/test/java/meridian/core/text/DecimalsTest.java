package meridian.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The byte-level number parser and the distance format, against the JDK on random and edge inputs. */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class DecimalsTest {
    private static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Decimals.parse(b, 0, b.length);
    }

    @Test
    void parsesLikeTheJdkOnRandomCoordinates() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            double v = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(6) - 2);
            String[] texts = {
                Double.toString(v),
                String.format(Locale.ROOT, "%." + rnd.nextInt(12) + "f", v),
                String.format(Locale.ROOT, "%.17g", v),
                String.format(Locale.ROOT, "%e", v),
            };
            for (String t : texts) {
                assertThat(parse(t)).as("%s (seed %d)", t, seed).isEqualTo(Double.parseDouble(t));
            }
        }
    }

    @Test
    void parsesLikeTheJdkOnLongMantissas() {
        // 15 to 19 digits with the point anywhere: mantissas on both sides of 2^53, where the fast path ends
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            int n = 15 + rnd.nextInt(5);
            var t = new StringBuilder(rnd.nextBoolean() ? "-" : "");
            long lead = 1 + rnd.nextInt(9);
            t.append(rnd.nextInt(4) == 0 ? "9007199254740" : Long.toString(lead));
            while (t.length() < n) {
                t.append((char) ('0' + rnd.nextInt(10)));
            }
            t.insert(t.charAt(0) == '-' ? 1 + rnd.nextInt(n) : rnd.nextInt(n + 1), '.');
            String text = t.toString();
            assertThat(parse(text)).as("%s (seed %d)", text, seed).isEqualTo(Double.parseDouble(text));
        }
        assertThat(parse("9007199254740992")).isEqualTo(9007199254740992.0);
        assertThat(parse("9007199254740993")).isEqualTo(9007199254740992.0);
        assertThat(parse("0.9007199254740993")).isEqualTo(Double.parseDouble("0.9007199254740993"));
        assertThat(parse("000000000000000000001.5")).isEqualTo(1.5);
    }

    @Test
    void edgeCases() {
        assertThat(parse("0")).isEqualTo(0.0);
        assertThat(parse("-0.0")).isEqualTo(-0.0);
        assertThat(parse(" 12.5 ")).isEqualTo(12.5);
        assertThat(parse("+1.")).isEqualTo(1.0);
        assertThat(parse(".5")).isEqualTo(0.5);
        assertThat(parse("1e2")).isEqualTo(100.0);
        assertThat(parse("123456789012345678901234")).isEqualTo(123456789012345678901234.0);
        assertThat(parse("0.000000000000000000000000001")).isEqualTo(1e-27);
        for (String bad : new String[] {
            "", " ", "-", ".", "abc", "1,5", "NaN", "Infinity", "0x10", "1d", "1f", "1e", "--1", "1.2.3"
        }) {
            assertThat(parse(bad)).as("'%s'", bad).isNaN();
        }
    }

    @Test
    void distancesHaveAtLeastSixDecimalsAndRoundTrip() {
        assertThat(Decimals.distance(0.0)).isEqualTo("0.000000");
        assertThat(Decimals.distance(192.3334276712751)).isEqualTo("192.3334276712751");
        assertThat(Decimals.distance(1.5)).isEqualTo("1.500000");
        assertThat(Decimals.distance(1e-5)).isEqualTo("0.000010");
        assertThat(Decimals.distance(1.2345e-9)).isEqualTo("0.0000000012345");
        assertThat(Decimals.distance(20015.086796020572)).isEqualTo("20015.086796020572");
        var rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            double km = rnd.nextDouble() * Math.pow(10, rnd.nextInt(12) - 7);
            String s = Decimals.distance(km);
            assertThat(s).matches("\\d+\\.\\d{6,}");
            assertThat(Double.parseDouble(s)).isEqualTo(km);
        }
    }

    /** The in-place format against its string twin (Double.toString, plain notation, padded), one sink reused. */
    @Test
    void distancesMatchTheStringFormat() {
        var rnd = new Random(11);
        var sink = new ByteSink(null);
        for (int i = 0; i < 100_000; i++) {
            double km =
                    switch (i % 4) {
                        case 0 -> rnd.nextDouble() * 20_016;
                        case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(16) - 8);
                        case 2 -> Math.round(rnd.nextDouble() * 1e6) / Math.pow(10, rnd.nextInt(7));
                        default -> Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
                    };
            sink.truncate(0);
            sink.put((byte) 'x');
            Decimals.appendDistance(sink, km);
            String got = new String(sink.array(), 1, sink.size() - 1, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(got).as("%s", km).isEqualTo(twin(km));
        }
        for (double km : new double[] {
            0.0,
            -0.0,
            1e-3,
            9.999999999999998E-4,
            1e7,
            9999999.999999998,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.MIN_VALUE,
            Double.MAX_VALUE
        }) {
            assertThat(Decimals.distance(km)).as("%s", km).isEqualTo(twin(km));
        }
    }

    private static String twin(double km) {
        String s = Double.toString(km);
        if (s.indexOf('E') >= 0) {
            s = new java.math.BigDecimal(s).toPlainString();
        }
        int dot = s.indexOf('.');
        StringBuilder b = new StringBuilder(s);
        if (dot < 0) {
            b.append('.');
        }
        for (int d = dot < 0 ? 0 : s.length() - dot - 1; d < 6; d++) {
            b.append('0');
        }
        return b.toString();
    }
}
