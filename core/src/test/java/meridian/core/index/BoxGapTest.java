package meridian.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The search's box gap without {@code Math.max} against the two {@code Math.max} it replaces, bit for bit. */
class BoxGapTest {

    @Test
    void theGapIsExactlyTheLargerOfZeroAndTheTwoDifferences() {
        var rnd = new SplittableRandom(5);
        float[] edges = {-1f, -0.5f, 0f, -0f, 1e-30f, Float.MIN_VALUE, 0.99999994f, 1f};
        for (int i = 0; i < 2_000_000; i++) {
            // a box's bounds as the index stores them (floats, lo <= hi) and a query coordinate (a double)
            float a = i % 10 == 0 ? edges[rnd.nextInt(edges.length)] : (float) (rnd.nextDouble() * 2 - 1);
            float b = i % 7 == 0 ? a : (float) (rnd.nextDouble() * 2 - 1);
            float lo = Math.min(a, b), hi = Math.max(a, b);
            double q =
                    switch (i % 5) {
                        case 0 -> lo;
                        case 1 -> hi;
                        case 2 -> Math.nextUp((double) hi);
                        case 3 -> Math.nextDown((double) lo);
                        default -> rnd.nextDouble() * 2 - 1;
                    };
            double expected = Math.max(0.0, Math.max(lo - q, q - hi));
            double got = Searcher.outside(lo - q, q - hi);
            assertThat(got * got).as("lo %s hi %s q %s", lo, hi, q).isEqualTo(expected * expected);
            assertThat(got).as("lo %s hi %s q %s", lo, hi, q).isEqualTo(Math.abs(expected));
        }
    }
}
