package meridian.core.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import meridian.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class RegionReaderTest {
    private static RegionLocator locator(String geojson) {
        return Regions.withIsoCodes(RegionReader.parse(geojson, "test.geojson", null)) instanceof RegionSource s
                ? RegionIndex.build(s).locator()
                : null;
    }

    private static String feature(String id, String name, String type, String coordinates) {
        return "{\"type\":\"Feature\",\"id\":" + id + ",\"properties\":{\"name\":\"" + name
                + "\"},\"geometry\":{\"type\":\"" + type + "\",\"coordinates\":" + coordinates + "}}";
    }

    private static String collection(String... features) {
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + String.join(",\n", features) + "\n]}";
    }

    @Test
    void aPointOnASharedBorderBelongsToTheUnitEastOrNorthOfIt() {
        // west square [0,1]x[0,1], east square [1,2]x[0,1], north square [0,1]x[1,2]
        RegionLocator l = locator(collection(
                feature("\"W\"", "West", "Polygon", "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]"),
                feature("\"E\"", "East", "Polygon", "[[[1,0],[2,0],[2,1],[1,1],[1,0]]]"),
                feature("\"N\"", "North", "Polygon", "[[[0,1],[1,1],[1,2],[0,2],[0,1]]]")));
        assertThat(l.containing(0.5, 1.0)).as("on the west/east border").isEqualTo(1);
        assertThat(l.containing(1.0, 0.5)).as("on the west/north border").isEqualTo(2);
        assertThat(l.containing(0.5, 0.5)).isEqualTo(0);
        assertThat(l.containing(0.5, 1.5)).isEqualTo(1);
        assertThat(l.containing(1.5, 0.5)).isEqualTo(2);
        assertThat(l.containing(0.5, 2.0))
                .as("the east edge of the east square")
                .isEqualTo(-1);
        assertThat(l.containing(0.5, 0.0))
                .as("the west edge of the west square")
                .isEqualTo(0);
    }

    @Test
    void holesMultiplePartsAndSelfIntersectingRingsByEvenOdd() {
        RegionLocator l = locator(collection(
                feature(
                        "250",
                        "Ring",
                        "MultiPolygon",
                        "[[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[8,2],[8,8],[2,8],[2,2]]],"
                                + "[[[20,0],[22,0],[22,2],[20,2],[20,0]]]]"),
                // a bow tie: two triangles meeting at (31, 1)
                feature("\"B\"", "Bow tie", "Polygon", "[[[30,0],[32,2],[32,0],[30,2],[30,0]]]")));
        assertThat(l.containing(1, 1)).isEqualTo(0);
        assertThat(l.containing(5, 5)).as("in the hole").isEqualTo(-1);
        assertThat(l.containing(1, 21)).as("second part").isEqualTo(0);
        assertThat(l.containing(1, 30.2)).as("left wing").isEqualTo(1);
        assertThat(l.containing(1, 31.8)).as("right wing").isEqualTo(1);
        assertThat(l.containing(0.2, 31)).as("below the crossing").isEqualTo(-1);
        assertThat(l.index().region(0).alpha2())
                .as("ISO codes joined by numeric id")
                .isEqualTo("FR");
    }

    @Test
    void ringsAcrossTheAntimeridianAreUnwrapped() {
        RegionLocator l = locator(collection(
                feature("\"X\"", "Across", "Polygon", "[[[178,-1],[-178,-1],[-178,1],[178,1],[178,-1]]]"),
                feature("\"P\"", "Polar cap", "Polygon", "[[[-180,80],[-60,80],[60,80],[180,80],[-180,80]]]")));
        assertThat(l.containing(0, 179)).isEqualTo(0);
        assertThat(l.containing(0, -179)).isEqualTo(0);
        assertThat(l.containing(0, 180)).isEqualTo(0);
        assertThat(l.containing(0, 0)).as("not across the whole map").isEqualTo(-1);
        assertThat(l.containing(0, 177)).isEqualTo(-1);
        assertThat(l.containing(85, 10)).as("closed through the nearer pole").isEqualTo(1);
        assertThat(l.containing(90, 10)).isEqualTo(1);
        assertThat(l.containing(75, 10)).isEqualTo(-1);
        // at sea: 1° of latitude south of the box is 111.2 km
        assertThat(l.locate(-2, 179)).isEqualTo(-1);
        RegionLocator wide = l.index().locator(200);
        assertThat(wide.locate(-2, 179)).isEqualTo(0);
        assertThat(wide.distanceKm()).isCloseTo(111.195, org.assertj.core.data.Offset.offset(0.01));
        assertThat(wide.locate(-2, -179.5)).isEqualTo(0);
        assertThat(wide.distanceKm()).isCloseTo(111.195, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void badGeometryIsReportedWithFileLineFeatureAndField() {
        String text = collection(
                feature("1", "Good", "Polygon", "[[[0,0],[1,0],[1,1],[0,0]]]"),
                feature("2", "Open", "Polygon", "[[[0,0],[1,0],[1,1],[0,1]]]"));
        assertThatThrownBy(() -> RegionReader.parse(text, "bad.geojson", null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bad.geojson line 3 feature 2 (Open), geometry.coordinates[0]: ring is not closed: its last"
                        + " position differs from its first")
                .satisfies(e -> assertThat(((InvalidInputException) e).detail())
                        .containsEntry("line", 3)
                        .containsEntry("feature", 2)
                        .containsEntry("field", "geometry.coordinates[0]"));
        assertThatThrownBy(() ->
                        RegionReader.parse(collection(feature("1", "Point", "Point", "[0,0]")), "bad.geojson", null))
                .hasMessageContaining(
                        "feature 1 (Point), geometry.type: geometry type must be Polygon or MultiPolygon");
        assertThatThrownBy(() -> RegionReader.parse(
                        collection(feature("1", "Far", "Polygon", "[[[0,0],[1,0],[1,95],[0,0]]]")),
                        "bad.geojson",
                        null))
                .hasMessageContaining("geometry.coordinates[0][2]: position out of range");
        assertThatThrownBy(() -> RegionReader.parse(
                        "{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":"
                                + "\"GeometryCollection\",\"geometries\":[{\"type\":\"Polygon\",\"arcs\":[[0]]},"
                                + "{\"type\":\"Polygon\",\"arcs\":[[7]]}]}},\"arcs\":[[[0,0],[1,0],[1,1],[0,0]]]}",
                        "t.json",
                        null))
                .hasMessageContaining("feature 2, arcs[0][0]: arc 7 does not exist (1 arcs)");
    }

    @Test
    void topoJsonArcsAreDeltaDecodedAndReversed() {
        // one square from two arcs, the second used reversed; quantized with scale 0.5 and a translate
        String topo = "{\"type\":\"Topology\",\"transform\":{\"scale\":[0.5,0.5],\"translate\":[10,20]},"
                + "\"objects\":{\"units\":{\"type\":\"GeometryCollection\",\"geometries\":["
                + "{\"type\":\"Polygon\",\"id\":\"004\",\"properties\":{\"name\":\"Sq\"},\"arcs\":[[0,-2]]}]}},"
                + "\"arcs\":[[[0,0],[4,0],[0,4]],[[0,0],[0,4],[4,0]]]}";
        RegionSource s = RegionReader.parse(topo, "t.json", null);
        assertThat(s.x()).containsExactly(10, 12, 12, 10, 10);
        assertThat(s.y()).containsExactly(20, 20, 22, 22, 20);
        RegionIndex index = RegionIndex.build(Regions.withIsoCodes(s));
        assertThat(index.locator().containing(21, 11)).isEqualTo(0);
        assertThat(index.region(0)).isEqualTo(new Region("004", "Sq", "AF", "AFG"));
    }
}
