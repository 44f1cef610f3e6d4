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

    @Test
    void bundledSetFromTheSnapshotEqualsTheCsv() {
        assertThat(ReferenceSetReader.class.getResource("/meridian/refs/cities.snapshot"))
                .as("the build makes the snapshot")
                .isNotNull();
        assertSameSet(ReferenceSetReader.bundled(), ReferenceSetReader.bundledFromCsv());
    }
}
