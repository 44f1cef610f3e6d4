package meridian.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The body budget is a bound: what it grants never exceeds the limit, except one body alone; in order. */
class BodyBudgetTest {
    private static final long MB = 1 << 20;

    @Test
    void aBurstOfHeadsIsGrantedOnlyWhatFitsAndTheRestInArrivalOrder() {
        BodyBudget b = new BodyBudget(8 * MB);
        List<String> resumed = new ArrayList<>();
        // 64 heads of 3 MB bodies arriving together: two fit, the others wait without reading
        int granted = 0;
        for (int i = 0; i < 64; i++) {
            String name = "c" + i;
            if (b.reserve(n -> resumed.add(name), 3 * MB)) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(2);
        assertThat(b.used()).isEqualTo(6 * MB);
        // a small body behind them does not jump the queue
        assertThat(b.reserve(n -> resumed.add("small"), 1)).isFalse();
        b.give(3 * MB); // c0 parsed: c2 goes in (6 MB), c3 would make 9 > 8
        assertThat(resumed).containsExactly("c2");
        assertThat(b.used()).isEqualTo(6 * MB);
    }

    @Test
    void aBodyLargerThanTheBudgetGoesInAloneOnceNothingIsHeld() {
        BodyBudget b = new BodyBudget(8 * MB);
        List<Long> resumed = new ArrayList<>();
        assertThat(b.reserve(resumed::add, 3 * MB)).isTrue();
        assertThat(b.reserve(resumed::add, 60 * MB)).isFalse();
        b.give(3 * MB);
        assertThat(resumed).containsExactly(60 * MB);
        assertThat(b.used()).isEqualTo(60 * MB);
    }

    @Test
    void randomReservesAndGivesNeverHoldMoreThanTheLimitUnlessOneBodyIsAlone() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        long limit = 8 * MB;
        BodyBudget b = new BodyBudget(limit);
        ArrayDeque<Long> held = new ArrayDeque<>(); // granted reservations, given back oldest first
        for (int step = 0; step < 20_000; step++) {
            if (held.isEmpty() || r.nextInt(3) > 0) {
                long n = 1 + r.nextLong(r.nextInt(20) == 0 ? 20 * MB : 4 * MB);
                if (b.reserve(held::add, n)) {
                    held.add(n);
                }
            } else {
                b.give(held.poll());
            }
            long sum = held.stream().mapToLong(Long::longValue).sum();
            assertThat(b.used()).as("seed %d", seed).isEqualTo(sum);
            assertThat(sum <= limit || held.size() == 1)
                    .as("seed %d: %d bytes in %d bodies", seed, sum, held.size())
                    .isTrue();
        }
    }
}
