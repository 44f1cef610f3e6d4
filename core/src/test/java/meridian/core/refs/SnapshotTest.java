package meridian.core.refs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    static void assertSameSet(ReferenceSet actual, ReferenceSet expected) {
        assertThat(actual.name()).isEqualTo(expected.name());
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.attributeNames()).isEqualTo(expected.attributeNames());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.place(i)).isEqualTo(expected.place(i));
        }
    }

    @Test
    void roundTripKeepsEveryFieldIncludingNullsAndUnicode() throws IOException {
        ReferenceSet set = ReferenceSet.of(
                "mixed",
                List.of(
                        new Place("1", "São Paulo", -23.5475, -46.63611, Map.of("country", "BR")),
                        new Place("x-2", "Zürich, \"Altstadt\"", 47.37, 8.54, Map.of()),
                        new Place("3", "東京", 35.6895, 139.69171, Map.of("country", "JP", "population", "8336599"))));
        var bytes = new ByteArrayOutputStream();
        Snapshot.write(set, bytes);
        ReferenceSet back = Snapshot.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertSameSet(back, set);
        assertThat(back.attribute(1, 0)).isNull();
        assertThat(back.index().nearest(35.7, 139.7)).isEqualTo(2);
    }

    /** A damaged snapshot is refused as such: a negative count, or a file that ends early. */
    @Test
    void aCorruptOrShortSnapshotIsRefused() throws IOException {
        ReferenceSet set = ReferenceSet.of(
                "mixed", List.of(new Place("1", "A", 1, 2, Map.of()), new Place("2", "B", 3, 4, Map.of("k", "v"))));
        var out = new ByteArrayOutputStream();
        Snapshot.write(set, out);
        byte[] good = out.toByteArray();
        byte[] negative = good.clone();
        int countAt = 8 + 2 + "mixed".length(); // after the magic and the name
        java.nio.ByteBuffer.wrap(negative).putInt(countAt, -5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Snapshot.read(new ByteArrayInputStream(negative)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt snapshot");
        for (int cut : new int[] {good.length / 3, good.length - 1}) {
            byte[] shortened = java.util.Arrays.copyOf(good, cut);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Snapshot.read(new ByteArrayInputStream(shortened)))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void bundledSetFromTheSnapshotEqualsTheCsv() {
        assertThat(ReferenceSetReader.class.getResource("/meridian/refs/cities.snapshot"))
                .as("the build makes the snapshot")
                .isNotNull();
        ReferenceSet fromSnapshot = ReferenceSetReader.bundled();
        ReferenceSet fromCsv = ReferenceSetReader.bundledFromCsv();
        assertSameSet(fromSnapshot, fromCsv);
        // the stored tree is the one a build makes, so every answer is the same
        var stored = fromSnapshot.index().tree();
        var built = fromCsv.index().tree();
        assertThat(stored.rootRef()).isEqualTo(built.rootRef());
        assertThat(stored.order()).isEqualTo(built.order());
        assertThat(stored.nodes()).isEqualTo(built.nodes());
        var random = new java.util.SplittableRandom(7);
        for (int q = 0; q < 10_000; q++) {
            double lat = random.nextDouble(-90, 90);
            double lon = random.nextDouble(-180, 180);
            assertThat(fromSnapshot.index().nearest(lat, lon))
                    .isEqualTo(fromCsv.index().nearest(lat, lon));
        }
    }

    @Test
    void aTreeThatDoesNotFitThePointsIsRefused() {
        double[] lat = new double[40];
        double[] lon = new double[40];
        for (int i = 0; i < 40; i++) {
            lat[i] = i;
            lon[i] = 2 * i;
        }
        var tree = meridian.core.index.NearestIndex.build(lat, lon).tree();
        var restored = meridian.core.index.NearestIndex.restore(lat, lon, tree);
        assertThat(restored.nearest(10.2, 20.1)).isEqualTo(10);
        int[] order = tree.order().clone();
        order[0] = order[1];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> meridian.core.index.NearestIndex.restore(
                        lat, lon, new meridian.core.index.NearestIndex.Tree(order, tree.nodes(), tree.rootRef())))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> meridian.core.index.NearestIndex.restore(
                        java.util.Arrays.copyOf(lat, 39), java.util.Arrays.copyOf(lon, 39), tree))
                .isInstanceOf(IllegalArgumentException.class);
        int[] badAxis = tree.nodes().clone();
        badAxis[2] = 3; // a node's split axis (see NearestIndex's node layout)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> meridian.core.index.NearestIndex.restore(
                        lat, lon, new meridian.core.index.NearestIndex.Tree(tree.order(), badAxis, tree.rootRef())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
