package meridian.core.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.SplittableRandom;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class RegionIndexTest {
    private static RegionIndex countries;
    private static BruteForceRegions brute;

    @BeforeAll
    static void load() {
        countries = Regions.bundled();
        brute = new BruteForceRegions(countries);
    }

    private static long seed() {
        return Seeds.seed();
    }

    private static String alpha2(RegionLocator locator, double lat, double lon) {
        int u = locator.locate(lat, lon);
        return u < 0 ? null : countries.region(u).alpha2();
    }

    @Test
    void agreesWithTheBruteForceTwinOnAMillionPoints() {
        long seed = seed();
        var random = new SplittableRandom(seed);
        RegionLocator locator = countries.locator();
        int n = 1_000_000;
        int inside = 0;
        for (int i = 0; i < n; i++) {
            double lat, lon;
            switch (i % 8) {
                case 0, 1, 2 -> { // uniform on the sphere
                    lat = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
                    lon = 360 * random.nextDouble() - 180;
                }
                case 3 -> { // along the antimeridian
                    lat = 180 * random.nextDouble() - 90;
                    lon = random.nextBoolean() ? 180 - 5 * random.nextDouble() : -180 + 5 * random.nextDouble();
                }
                case 4 -> { // the poles
                    lat = (random.nextBoolean() ? 1 : -1) * (90 - 12 * random.nextDouble());
                    lon = 360 * random.nextDouble() - 180;
                }
                case 5 -> { // Chukotka, Alaska and the Bering Strait
                    lat = 50 + 25 * random.nextDouble();
                    lon = wrap(160 + 50 * random.nextDouble());
                }
                case 6 -> { // Fiji
                    lat = -21 + 9 * random.nextDouble();
                    lon = wrap(176 + 7 * random.nextDouble());
                }
                default -> { // a few metres to a kilometre from a border vertex
                    int v = random.nextInt(countries.vx.length);
                    double r = Math.pow(10, -5 + 3 * random.nextDouble());
                    lat = clamp(countries.vy[v] + r * (2 * random.nextDouble() - 1), -90, 90);
                    lon = clamp(wrap(countries.vx[v] + r * (2 * random.nextDouble() - 1)), -180, 180);
                }
            }
            if (i % 100_000 == 7) { // the edges of the map exactly
                lon = random.nextBoolean() ? 180.0 : -180.0;
            }
            int expected = brute.containing(lat, lon);
            int got = locator.containing(lat, lon);
            if (got != expected) {
                throw new AssertionError(String.format(
                        Locale.ROOT,
                        "seed %d point %d (%s, %s): index %s, brute force %s",
                        seed,
                        i,
                        lat,
                        lon,
                        name(got),
                        name(expected)));
            }
            if (got >= 0) {
                inside++;
            }
        }
        System.out.printf(Locale.ROOT, "twin: %,d points agree, %,d inside a unit%n", n, inside);
        assertThat(inside).isBetween(n / 5, n - n / 10);
    }

    @Test
    void nearestBorderAtSeaAgreesWithADenseScan() {
        long seed = seed();
        var random = new SplittableRandom(seed ^ 0x5eaL);
        RegionLocator locator = countries.locator();
        int checked = 0, found = 0;
        while (checked < 600) {
            int v = random.nextInt(countries.vx.length);
            double lat = clamp(countries.vy[v] + 0.4 * (2 * random.nextDouble() - 1), -90, 90);
            double lon = clamp(wrap(countries.vx[v] + 0.4 * (2 * random.nextDouble() - 1)), -180, 180);
            if (locator.containing(lat, lon) >= 0) {
                continue;
            }
            checked++;
            int unit = locator.locate(lat, lon);
            double km = locator.distanceKm();
            double[] expected = brute.nearestBorder(lat, lon, RegionIndex.TERRITORIAL_SEA_KM + 0.05, 0.005);
            String where = String.format(Locale.ROOT, "seed %d (%s, %s)", seed, lat, lon);
            if (unit < 0) {
                assertThat(Double.isNaN(expected[1]) || expected[1] > RegionIndex.TERRITORIAL_SEA_KM - 0.001)
                        .as(where)
                        .isTrue();
                continue;
            }
            found++;
            // samples 5 m apart: their minimum is at most a few mm above the true one (well under 2 m); the index is
            // at most 0.6 m above it (RegionLocator)
            assertThat(km).as(where).isLessThanOrEqualTo(expected[1] + 0.0006).isGreaterThan(expected[1] - 0.002);
            if ((int) expected[0] != unit) {
                // a tie between two units' borders (shared borders) is the only excuse
                assertThat(Math.abs(km - expected[1])).as(where).isLessThan(0.002);
            }
        }
        System.out.printf(
                Locale.ROOT, "at sea: %d points near coasts, %d within the territorial sea%n", checked, found);
        assertThat(found).isGreaterThan(100);
    }

    @Test
    void theAntimeridianIsRepaired() {
        RegionLocator l = countries.locator();
        assertThat(alpha2(l, 64.84, -147.72)).as("Fairbanks").isEqualTo("US");
        assertThat(alpha2(l, 61.22, -149.90)).as("Anchorage").isEqualTo("US");
        assertThat(alpha2(l, 66.0, -160.0)).as("north-west Alaska").isEqualTo("US");
        assertThat(alpha2(l, 64.73, 177.51)).as("Anadyr").isEqualTo("RU");
        assertThat(alpha2(l, 66.0, -172.0)).as("Chukotka east of 180").isEqualTo("RU");
        assertThat(alpha2(l, 71.25, 179.9)).as("Wrangel Island west half").isEqualTo("RU");
        assertThat(alpha2(l, 71.25, -179.9)).as("Wrangel Island east half").isEqualTo("RU");
        assertThat(alpha2(l, 55.75, 37.62)).as("Moscow").isEqualTo("RU");
        assertThat(alpha2(l, -18.14, 178.44)).as("Suva").isEqualTo("FJ");
        assertThat(alpha2(l, -16.69, -179.88)).as("Vanua Levu east of 180").isEqualTo("FJ");
        assertThat(alpha2(l, -16.69, 179.88)).as("Vanua Levu west of 180").isEqualTo("FJ");
        assertThat(alpha2(l, -90, 0)).as("the South Pole").isEqualTo("AQ");
        assertThat(alpha2(l, -89.5, -123)).as("near the South Pole").isEqualTo("AQ");
        assertThat(l.locate(90, 0)).as("the North Pole is at sea").isEqualTo(-1);
        assertThat(l.distanceKm()).isNaN();
        assertThat(alpha2(l, 40.0, -170.0)).as("mid-Pacific").isNull();
    }

    @Test
    void matchesTheCountryGeoNamesGivesMostCities() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        int country = cities.attributeNames().indexOf("country");
        RegionLocator locator = countries.locator();
        int same = 0, inside = 0, sea = 0, none = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < cities.size(); i++) {
            int u = locator.locate(cities.lat(i), cities.lon(i));
            if (u < 0) {
                none++;
                continue;
            }
            if (locator.distanceKm() == 0) {
                inside++;
            } else {
                sea++;
            }
            if (cities.attribute(i, country).equals(countries.region(u).alpha2())) {
                same++;
            }
        }
        long ns = System.nanoTime() - t0;
        System.out.printf(
                Locale.ROOT,
                "cities: %,d; inside a unit %,d, in its territorial sea %,d, neither %,d; the unit's country is GeoNames'"
                        + " for %,d = %.2f%% (%.0f lookups/s in this test, first pass)%n",
                cities.size(),
                inside,
                sea,
                none,
                same,
                100.0 * same / cities.size(),
                cities.size() / (ns / 1e9));
        assertThat((double) same / cities.size()).isGreaterThan(0.985);
    }

    @Test
    void theSnapshotIsTheSourceBuilt() throws Exception {
        RegionIndex built = Regions.bundledFromSource();
        assertThat(built.regions()).isEqualTo(countries.regions());
        assertThat(built.leafEdges).isEqualTo(countries.leafEdges);
        assertThat(built.vx).isEqualTo(countries.vx);
        assertThat(built.top).isEqualTo(countries.top);
    }

    @Test
    void badCoordinatesAreRefused() {
        assertThatThrownBy(() -> countries.locator().locate(91, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lat must be in [-90, 90]");
        assertThatThrownBy(() -> countries.locator().locate(0, Double.NaN)).isInstanceOf(InvalidInputException.class);
    }

    private static String name(int u) {
        return u < 0 ? "none" : u + " " + countries.region(u).name();
    }

    private static double wrap(double lon) {
        return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
