package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import meridian.core.region.Region;
import meridian.core.region.RegionIndex;
import meridian.core.region.RegionLocator;
import meridian.core.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code process --country}: the three columns (CSV) and the object (NDJSON), on hand-checked points and on a file. */
class ProcessCountryTest {
    @TempDir
    Path dir;

    @Test
    void handCheckedPoints() throws Exception {
        Path refs = Cli.twoCities(dir);
        Path in = Cli.write(dir.resolve("in.csv"), """
                id,lat,lon
                paris,48.8566,2.3522
                brittany,47.55,-3.55
                atlantic,30,-40
                amchitka,51.45,179.1
                """);
        String out = Cli.process(in, refs, "--country", "--quiet");
        List<String[]> rows = out.lines().map(l -> l.split(",", -1)).toList();
        assertThat(String.join(",", rows.get(0)))
                .isEqualTo("id,lat,lon,nearest_id,nearest_name,distance_km,country,country_name,country_km");
        // Paris is inside France: 0 km
        assertThat(List.of(rows.get(1)).subList(6, 9)).containsExactly("FR", "France", "0.000000");
        // south of Lorient, between the coast and the island of Groix: French territorial sea, not inside
        assertThat(rows.get(2)[6]).isEqualTo("FR");
        assertThat(Double.parseDouble(rows.get(2)[8])).isStrictlyBetween(0.5, RegionIndex.TERRITORIAL_SEA_KM);
        // mid-Atlantic: more than 1,000 km from any land, no country
        assertThat(List.of(rows.get(3)).subList(6, 9)).containsExactly("", "", "");
        // Amchitka, Aleutians, east of the antimeridian's far side: the United States, not Russia
        assertThat(rows.get(4)[6]).isEqualTo("US");
        assertThat(Double.parseDouble(rows.get(4)[8])).isEqualTo(0.0);

        var nd = Cli.runWithInput(
                "{\"id\":1,\"lat\":48.8566,\"lon\":2.3522}\n{\"id\":2,\"lat\":30,\"lon\":-40}\n".getBytes(),
                "process",
                "-",
                "--format",
                "ndjson",
                "--refs",
                refs.toString(),
                "--country",
                "--quiet");
        assertThat(nd.code()).as(nd.err()).isZero();
        List<String> lines = nd.out().lines().toList();
        assertThat(lines.get(0))
                .endsWith(",\"country\":{\"alpha2\":\"FR\",\"alpha3\":\"FRA\",\"name\":\"France\",\"km\":0.000000}}");
        assertThat(lines.get(1)).endsWith(",\"country\":null}");
    }

    /** Every row of the sample file against a locator of its own, and the columns before them unchanged. */
    @Test
    void everyRowOfTheSampleFile() throws Exception {
        Path events = Cli.projectRoot().resolve("testdata/events.csv");
        var plain = Cli.run("process", events.toString(), "--quiet");
        var country = Cli.run("process", events.toString(), "--country", "--quiet");
        assertThat(country.code()).as(country.err()).isZero();
        List<String> a = plain.out().lines().toList();
        List<String> b = country.out().lines().toList();
        assertThat(b).hasSameSizeAs(a).hasSize(20001);
        RegionIndex index = Regions.bundled();
        RegionLocator locator = index.locator();
        int inside = 0;
        for (int i = 1; i < b.size(); i++) {
            String[] f = b.get(i).split(",", -1);
            int n = f.length;
            assertThat(String.join(",", List.of(f).subList(0, n - 3))).isEqualTo(a.get(i));
            int u = locator.locate(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
            if (u < 0) {
                assertThat(f[n - 3] + f[n - 2] + f[n - 1]).as(b.get(i)).isEmpty();
                continue;
            }
            Region r = index.region(u);
            assertThat(f[n - 3]).as(b.get(i)).isEqualTo(r.alpha2() == null ? "" : r.alpha2());
            assertThat(Double.parseDouble(f[n - 1])).isCloseTo(locator.distanceKm(), within(1e-6));
            inside += locator.distanceKm() == 0 ? 1 : 0;
        }
        assertThat(inside).as("rows inside a unit").isGreaterThan(19_000);
    }

    /**
     * A custom boundary file: one square unit, 0..1 degrees, with a comma in its name (CSV quoting). A point
     * 0.1 degrees east of its east edge on the equator is 11.12 km out (haversine, R = 6371.0088 km): inside
     * the default sea, outside a 5 km one.
     */
    @Test
    void customRegionsAndSea() throws Exception {
        Path refs = Cli.twoCities(dir);
        Path square = Cli.write(dir.resolve("square.geojson"), """
                {"type":"FeatureCollection","features":[{"type":"Feature","id":"Q",
                 "properties":{"name":"Square, Inc.","ISO_A2":"QS","ISO_A3":"QSQ"},
                 "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}
                """);
        Path in = Cli.write(dir.resolve("in.csv"), "id,lat,lon\ninside,0.5,0.5\nsea,0.5,1.1\nfar,10,10\n");
        String out = Cli.process(in, refs, "--country", "--regions", square.toString(), "--quiet");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).endsWith(",QS,\"Square, Inc.\",0.000000");
        String[] sea = lines.get(2).split(",\"Square, Inc.\",");
        assertThat(sea[0]).endsWith(",QS");
        assertThat(Double.parseDouble(sea[1])).isCloseTo(6371.0088 * Math.toRadians(0.1), within(0.01));
        assertThat(lines.get(3)).endsWith(",,,");

        String narrow = Cli.process(in, refs, "--country", "--regions", square.toString(), "--sea-km", "5", "--quiet");
        assertThat(narrow.lines().toList().get(2)).endsWith(",,,");
    }

    @Test
    void regionsAndSeaOnlyWithCountry() throws Exception {
        Path in = Cli.write(dir.resolve("in.csv"), "id,lat,lon\n1,0,0\n");
        var r = Cli.run("process", in.toString(), "--sea-km", "5", "--quiet");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--country");
    }
}
