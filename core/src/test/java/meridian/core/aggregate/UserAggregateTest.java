package meridian.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Checks the aggregate against a naive twin: sort the events, then compute each statistic directly. */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class UserAggregateTest {
    record Ev(long id, double value, long micros, String place) {}

    @Test
    void equalsNaiveComputationWhateverTheOrderAndSplit() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        // the places "p0".."p49" also as a set: an event's place is given either way
        var placeList = new ArrayList<Place>();
        for (int k = 0; k < 50; k++) {
            placeList.add(new Place("p" + k, "p" + k, k, k, Map.of()));
        }
        ReferenceSet places = ReferenceSet.of("test", placeList);
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(200);
            var events = new ArrayList<Ev>();
            for (int i = 0; i < n; i++) {
                // few distinct timestamps, so ties on ts are common and the id decides
                // ids unique (as event ids are), in an order unrelated to their timestamps
                events.add(new Ev(i * 7919L % 10007, rnd.nextInt(2001) - 1000, rnd.nextInt(20), "p" + rnd.nextInt(50)));
            }
            Collections.shuffle(events, rnd);
            int parts = 1 + rnd.nextInt(4);
            var partials = new ArrayList<UserAggregate>();
            for (int p = 0; p < parts; p++) {
                partials.add(new UserAggregate());
            }
            // or as a point (the place's index as its latitude), its place set once all events are in
            var byPoint = new HashSet<Long>();
            for (Ev e : events) {
                UserAggregate a = partials.get(rnd.nextInt(parts));
                int place = Integer.parseInt(e.place.substring(1));
                switch (rnd.nextInt(3)) {
                    case 0 -> a.add(e.id, e.value, e.micros, "t" + e.micros, e.place, e.place, 1.0);
                    case 1 -> a.add(e.id, e.value, e.micros, "t" + e.micros, places, place, 1.0);
                    default -> {
                        a.addAt(e.id, e.value, e.micros, "t" + e.micros, place, -place);
                        byPoint.add(e.id);
                    }
                }
            }
            Collections.shuffle(partials, rnd);
            var total = new UserAggregate();
            for (UserAggregate p : partials) {
                total.merge(p);
            }
            String why = "seed " + seed + " round " + round;
            var sorted = new ArrayList<>(events);
            sorted.sort(Comparator.comparingLong(Ev::micros).thenComparingLong(Ev::id));
            if (byPoint.contains(sorted.getLast().id)) {
                assertThat(total.lastPlaceId()).as(why).isNull();
                assertThat(total.lastLon()).as(why).isEqualTo(-total.lastLat());
                total.placeLast(places, (int) total.lastLat(), 1.0);
            } else {
                assertThat(total.lastLat()).as(why).isNaN();
                assertThat(total.lastLon()).as(why).isNaN();
            }
            double sum = 0;
            double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
            for (Ev e : events) {
                sum += e.value;
                min = Math.min(min, e.value);
                max = Math.max(max, e.value);
            }
            double mean = sum / n;
            double ss = 0;
            for (Ev e : events) {
                ss += (e.value - mean) * (e.value - mean);
            }
            assertThat(total.count()).as(why).isEqualTo(n);
            assertThat(total.sum()).as(why).isEqualTo(sum);
            assertThat(total.min()).as(why).isEqualTo(min);
            assertThat(total.max()).as(why).isEqualTo(max);
            assertThat(total.mean()).as(why).isCloseTo(mean, within(1e-9));
            assertThat(total.variance()).as(why).isCloseTo(ss / n, within(1e-6));
            assertThat(total.firstEventId()).as(why).isEqualTo(sorted.getFirst().id);
            assertThat(total.firstTs()).as(why).isEqualTo("t" + sorted.getFirst().micros);
            assertThat(total.lastEventId()).as(why).isEqualTo(sorted.getLast().id);
            assertThat(total.lastPlaceId()).as(why).isEqualTo(sorted.getLast().place);
            assertThat(total.lastPlaceName()).as(why).isEqualTo(sorted.getLast().place);

            var restored = UserAggregate.of(total.snapshot());
            assertThat(restored.snapshot()).as(why).isEqualTo(total.snapshot());
        }
    }

    @Test
    void emptyAggregateHasNoStatistics() {
        var a = new UserAggregate();
        assertThat(a.count()).isZero();
        assertThat(a.mean()).isNaN();
        assertThat(a.snapshot().lastTs()).isNull();
        a.merge(new UserAggregate());
        assertThat(a.count()).isZero();
        var b = new UserAggregate();
        b.add(1, 5, 0, "t", null, null, Double.NaN);
        a.merge(b);
        assertThat(a.count()).isEqualTo(1);
        assertThat(a.stddev()).isZero();
    }

    @Test
    void aggregatorMergesPerKey() {
        var x = new Aggregator();
        var y = new Aggregator();
        x.add("a", 1, 1, 10, "t10", null, null, Double.NaN);
        y.add("a", 2, 3, 5, "t5", null, null, Double.NaN);
        y.add("b", 3, 7, 5, "t5", null, null, Double.NaN);
        x.merge(y);
        assertThat(x.sortedKeys()).containsExactly("a", "b");
        assertThat(x.get("a").sum()).isEqualTo(4);
        assertThat(x.get("a").firstTs()).isEqualTo("t5");
        assertThat(x.get("a").lastTs()).isEqualTo("t10");
        assertThat(List.of(x.get("b").count())).containsExactly(1L);
        assertThat(x.events()).as("the events of both, over both keys").isEqualTo(3);
        assertThat(y.events()).isEqualTo(2);
        assertThat(new Aggregator().events()).isZero();
    }
}
