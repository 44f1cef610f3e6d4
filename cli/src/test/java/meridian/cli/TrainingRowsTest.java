package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import meridian.cli.io.Format;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The made-up input of the run that records a batch command's cache is valid input for the command it trains, in
 * every format, with every row read (none skipped as bad) and its points near the set's places.
 */
class TrainingRowsTest {
    @TempDir
    Path dir;

    @Test
    void pointsAreReadInEachFormatAndLieNearThePlaces() throws Exception {
        Path refs = Cli.twoCities(dir);
        ReferenceSet set = ReferenceSetReader.load(refs, ErrorPolicy.FAIL_FAST).set();
        for (Format format : Format.values()) {
            byte[] rows = TrainingRows.points(set, format);
            var r = Cli.runWithInput(
                    rows,
                    "process",
                    "-",
                    "--refs",
                    refs.toString(),
                    "-f",
                    format.name().toLowerCase(java.util.Locale.ROOT),
                    "--no-progress");
            assertThat(r.code()).as("%s: %s", format, r.err()).isZero();
            assertThat(r.err())
                    .as(format.toString())
                    .startsWith("meridian: 200,000 rows")
                    .doesNotContain("skipped");
            if (format == Format.CSV) {
                List<String> lines = r.out().lines().toList();
                assertThat(lines).hasSize(TrainingRows.ROWS + 1);
                double farthest = lines.stream()
                        .skip(1)
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)))
                        .max()
                        .orElseThrow();
                // ~10 km from a place, at most a few times that: within 100 km of San Francisco or Los Angeles
                assertThat(farthest).isLessThan(100);
            }
        }
    }

    @Test
    void eventsAreAggregatedWithAndWithoutPlaces() throws Exception {
        Path refs = Cli.twoCities(dir);
        ReferenceSet set = ReferenceSetReader.load(refs, ErrorPolicy.FAIL_FAST).set();
        for (boolean withPlaces : new boolean[] {false, true}) {
            var r = withPlaces
                    ? Cli.runWithInput(TrainingRows.events(set), "aggregate", "-", "--refs", refs.toString())
                    : Cli.runWithInput(TrainingRows.events(null), "aggregate", "-", "--no-places");
            assertThat(r.code()).as(r.err()).isZero();
            List<String> rows = r.out().lines().skip(1).toList();
            long events = 0;
            var keys = new HashSet<String>();
            for (String row : rows) {
                String[] f = row.split(",", -1);
                keys.add(f[0]);
                events += Long.parseLong(f[1]);
                if (withPlaces) {
                    assertThat(Double.parseDouble(f[10])).as(row).isLessThan(100);
                } else {
                    assertThat(f[8]).as(row).isEmpty();
                }
            }
            assertThat(events).isEqualTo(TrainingRows.ROWS);
            assertThat(keys).hasSizeBetween(4_900, 5_000);
        }
    }
}
