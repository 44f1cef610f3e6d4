package meridian.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ShortestDecimal} against {@link Double#toString}, the JDK's shortest digits, text for text. */
class ShortestDecimalTest {
    private final byte[] buf = new byte[64];

    /** The text, or null when the value is left to the caller. */
    private String format(double v) {
        int end = ShortestDecimal.format(v, buf, 3); // not from 0: the offset is honoured
        return end < 0 ? null : new String(buf, 3, end - 3, StandardCharsets.US_ASCII);
    }

    private void check(double v) {
        String s = format(v);
        if (s != null) {
            assertThat(s).as("bits %x", Double.doubleToRawLongBits(v)).isEqualTo(Double.toString(v));
        }
    }

    @Test
    void randomBitPatternsInTheRange() {
        // uniform over the doubles' bit patterns from 0.001 to 32768: every exponent equally often
        long lo = Double.doubleToRawLongBits(1e-3);
        long hi = Double.doubleToRawLongBits(32768.0);
        var random = new SplittableRandom(20261130);
        int handled = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong(lo, hi));
            check(v);
            if (format(v) != null) {
                handled++;
            }
        }
        assertThat(handled).isGreaterThan(1_990_000);
    }

    @Test
    void distancesAsTheHaversineGivesThem() {
        // uniform in value over the km of the Earth, and short decimals with their neighbours
        var random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            check(random.nextDouble(1e-3, 20_038.0));
        }
        for (int i = 1; i < 200_000; i++) {
            double v = i / 1000.0;
            check(v);
            check(Math.nextUp(v));
            check(Math.nextDown(v));
        }
    }

    @Test
    void edgesOfTheRangeAndHandChecked() {
        assertThat(format(1e-3)).isEqualTo("0.001");
        assertThat(format(0.1)).isEqualTo("0.1");
        assertThat(format(0.3)).isEqualTo("0.3");
        assertThat(format(3.0)).isEqualTo("3.0");
        assertThat(format(192.3334276712751)).isEqualTo("192.3334276712751");
        assertThat(format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(format(Math.nextDown(32768.0))).isEqualTo("32767.999999999996");
        assertThat(format(12_345.000000000002)).isEqualTo(Double.toString(12_345.000000000002));
        // left to the caller: outside the range, a power of two, NaN
        assertThat(format(Math.nextDown(1e-3))).isNull();
        assertThat(format(32768.0)).isNull();
        assertThat(format(0.0)).isNull();
        assertThat(format(-1.5)).isNull();
        assertThat(format(1024.0)).isNull();
        assertThat(format(0.5)).isNull();
        assertThat(format(Double.NaN)).isNull();
        for (double v = 1e-3; v < 32768; v *= 1.001) {
            check(v);
            check(Math.nextUp(v));
        }
    }

    @Test
    void theSinkWritesNegativesAndLeavesNothingWhenItDeclines() {
        var sink = new ByteSink(null);
        assertThat(sink.putShortest(-192.3334276712751)).isTrue();
        assertThat(sink.putShortest(-1024.0)).isFalse();
        assertThat(sink.putShortest(1e-4)).isFalse();
        assertThat(sink.putShortest(0.1)).isTrue();
        assertThat(new String(sink.array(), 0, sink.size(), StandardCharsets.US_ASCII))
                .isEqualTo("-192.33342767127510.1");

        // putDouble: the same text whichever way it is written
        var both = new ByteSink(null);
        for (double v : new double[] {-192.3334276712751, -1024.0, 1e-4, 0.1, 1e300, 3.0}) {
            both.putDouble(v);
            both.put((byte) ' ');
        }
        assertThat(new String(both.array(), 0, both.size(), StandardCharsets.US_ASCII))
                .isEqualTo("-192.3334276712751 -1024.0 1.0E-4 0.1 1.0E300 3.0 ");
    }
}
