package meridian.core.refs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import meridian.core.error.InvalidInputException;
import meridian.core.error.MeridianException;
import meridian.core.error.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceSetReaderTest {
    @TempDir
    Path dir;

    static LoadResult csv(String text, ErrorPolicy policy) throws IOException {
        return ReferenceSetReader.readCsv(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "places.csv", "places", policy);
    }

    @Test
    void readsColumnsByHeaderNameAndKeepsOthersAsAttributes() throws IOException {
        LoadResult r = csv(
                "country,lon,name,id,lat\nFR,2.35,\"Paris, \"\"la ville\"\"\",7,48.85\nDE,13.4,Berlin,8,52.52\n",
                ErrorPolicy.FAIL_FAST);
        ReferenceSet s = r.set();
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.placeName(0)).isEqualTo("Paris, \"la ville\"");
        assertThat(s.id(1)).isEqualTo("8");
        assertThat(s.lat(1)).isEqualTo(52.52);
        assertThat(s.attributeNames()).containsExactly("country");
        assertThat(s.place(0).attributes()).containsEntry("country", "FR");
        assertThat(s.index().nearest(52, 13)).isEqualTo(1);
    }

    @Test
    void failFastReportsFileLineFieldAndReason() {
        String text = "id,name,lat,lon\n1,A,10,10\n2,B,abc,10\n3,C,95,10\n";
        assertThatThrownBy(() -> csv(text, ErrorPolicy.FAIL_FAST))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("places.csv line 3, field 'lat': lat 'abc' is not a number")
                .satisfies(e -> {
                    MeridianException m = (MeridianException) e;
                    assertThat(m.code()).isEqualTo("invalid_reference_row");
                    assertThat(m.detail()).containsEntry("line", 3L).containsEntry("field", "lat");
                });
    }

    @Test
    void skipPolicyCountsAndDescribesEveryKindOfBadRow() throws IOException {
        String text = "id,name,lat,lon\n"
                + "1,A,10,10\n" // line 2 ok
                + "2,B,95,10\n" // 3 lat out of range
                + "3,C,10,-181\n" // 4 lon out of range
                + "4,D,10\n" // 5 missing field
                + "1,E,1,1\n" // 6 duplicate id
                + ",F,1,1\n" // 7 empty id
                + "7,G,NaN,1\n" // 8 not finite
                + "\n" // 9 blank: ignored
                + "8,\"multi\nline\",1,1\n" // 10-11 ok, a quoted newline
                + "9,H,,1\n"; // 12 empty lat
        LoadResult r = csv(text, ErrorPolicy.SKIP);
        assertThat(r.set().size()).isEqualTo(2);
        assertThat(r.skipped()).isEqualTo(7);
        assertThat(r.errors())
                .extracting(RowError::toString)
                .containsExactly(
                        "places.csv line 3, field 'lat': latitude 95.0 is out of range [-90, 90]",
                        "places.csv line 4, field 'lon': longitude -181.0 is out of range [-180, 180]",
                        "places.csv line 5: expected 4 fields as in the header, found 3",
                        "places.csv line 6, field 'id': duplicate id '1' (first seen on line 2)",
                        "places.csv line 7, field 'id': id is empty",
                        "places.csv line 8, field 'lat': lat 'NaN' is not a finite number",
                        "places.csv line 12, field 'lat': lat is empty");
        assertThat(r.set().placeName(1)).isEqualTo("multi\nline");
    }

    @Test
    void missingColumnsAreNamed() {
        assertThatThrownBy(() -> csv("id,title,lat\n1,A,1\n", ErrorPolicy.SKIP))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 1: missing required column(s) name, lon");
    }

    @Test
    void aColumnNamedTwiceIsRefusedNotTakenFirst() throws IOException {
        assertThatThrownBy(() -> csv("id,name,lat,lon,Lat\n1,A,1,2,3\n", ErrorPolicy.SKIP))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 1: the header names column 'lat' twice (columns 3 and 5)");
        // two accepted names of one value are not a clash: the first in the order of preference is taken
        assertThat(csv("id,name,latitude,lat,lon\n1,A,5,1,2\n", ErrorPolicy.SKIP)
                        .set()
                        .lat(0))
                .isEqualTo(1.0);
    }

    @Test
    void allRowsBadIsAnEmptySetError() {
        assertThatThrownBy(() -> csv("id,name,lat,lon\n1,A,100,0\n", ErrorPolicy.SKIP))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty set of places");
    }

    @Test
    void gzipIsDetectedAndNameComesFromTheFile() throws IOException {
        Path f = dir.resolve("towns.csv.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("id,name,lat,lon\n1,A,1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        LoadResult r = ReferenceSetReader.load(f, ErrorPolicy.FAIL_FAST);
        assertThat(r.set().name()).isEqualTo("towns");
        assertThat(r.set().lon(0)).isEqualTo(2.0);
    }

    @Test
    void setNamesDropOnlyKnownExtensions() {
        assertThat(ReferenceSetReader.nameOf(Path.of("/data/airports.csv.gz"))).isEqualTo("airports");
        assertThat(ReferenceSetReader.nameOf(Path.of("my.towns.geojson"))).isEqualTo("my.towns");
        assertThat(ReferenceSetReader.nameOf(Path.of("places.JSON"))).isEqualTo("places");
        assertThat(ReferenceSetReader.nameOf(Path.of("v1.2"))).isEqualTo("v1.2");
    }

    @Test
    void missingFileIsNotFound() {
        assertThatThrownBy(() -> ReferenceSetReader.load(dir.resolve("nope.csv"), ErrorPolicy.FAIL_FAST))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope.csv");
    }

    @Test
    void readsGeoJsonPointFeatures() throws IOException {
        String json = """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "id": 10, "geometry": {"type": "Point", "coordinates": [-0.1276, 51.5072]},
                   "properties": {"name": "London", "country": "GB"}},
                  {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                   "properties": {"id": "x", "name": "Road"}},
                  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                   "properties": {"id": "p", "name": "Paris", "population": 2100000}}
                ]}
                """;
        Path f = dir.resolve("capitals.geojson");
        Files.writeString(f, json);
        LoadResult r = ReferenceSetReader.load(f, ErrorPolicy.SKIP);
        assertThat(r.set().size()).isEqualTo(2);
        assertThat(r.set().id(0)).isEqualTo("10");
        assertThat(r.set().lat(0)).isEqualTo(51.5072);
        assertThat(r.set().place(1).attributes()).containsEntry("population", "2100000");
        assertThat(r.errors())
                .extracting(RowError::toString)
                .containsExactly("" + f + " line 4, field 'geometry': geometry must be a Point");
        assertThatThrownBy(() -> ReferenceSetReader.load(f, ErrorPolicy.FAIL_FAST))
                .hasMessageContaining("line 4");
    }

    @Test
    void malformedGeoJsonPointsAtTheLine() throws IOException {
        Path f = dir.resolve("bad.geojson");
        Files.writeString(f, "{\"type\": \"FeatureCollection\",\n \"features\": [\n {\"type\": }]}");
        assertThatThrownBy(() -> ReferenceSetReader.load(f, ErrorPolicy.FAIL_FAST))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void bundledCitiesSetIsComplete() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        assertThat(cities.name()).isEqualTo("cities");
        assertThat(cities.size()).isEqualTo(199_568);
        assertThat(cities.attributeNames()).containsExactly("country", "population");
        assertThat(cities.id(0)).isEqualTo("3038999");
        assertThat(cities.placeName(0)).isEqualTo("Soldeu");
    }

    @Test
    void bytesOfAGzipStreamAreRecognised() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write("id,name,lat,lon\n5,Z,-90,0\n".getBytes(StandardCharsets.UTF_8));
        }
        LoadResult r = ReferenceSetReader.readCsv(
                new ByteArrayInputStream(bytes.toByteArray()), "s", "s", ErrorPolicy.FAIL_FAST);
        assertThat(r.set().lat(0)).isEqualTo(-90.0);
    }
}
