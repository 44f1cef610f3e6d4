package meridian.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import meridian.core.error.NotFoundException;
import meridian.core.io.Input.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputTest {
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    @Test
    void gzipIsFoundByItsMagicBytesWhateverTheName() throws IOException {
        byte[] csv = "id,lat,lon\n1,2,3\n".getBytes(StandardCharsets.UTF_8);
        for (String name : new String[] {"points.csv.gz", "points.csv", "points", "points.gz"}) {
            Path f = write(name, gzip(csv));
            try (Input in = Input.open(f)) {
                assertThat(in.format()).as(name).isEqualTo(Format.CSV);
                assertThat(in.stream().readAllBytes()).as(name).isEqualTo(csv);
            }
        }
    }

    @Test
    void aByteOrderMarkIsSkippedForEveryFormatAndUnderGzip() throws IOException {
        record Case(String name, String text, Format format) {}
        for (var c : new Case[] {
            new Case("a.csv", "id,lat\n", Format.CSV),
            new Case("a.data", "id,lat\n", Format.CSV),
            new Case("a.json", "[{\"id\":1}]", Format.JSON_ARRAY),
            new Case("a.json", "{\"id\":1}\n", Format.JSON_OBJECTS),
            new Case("a.ndjson", "{\"id\":1}\n", Format.JSON_OBJECTS),
            new Case("a", " \n[1]", Format.JSON_ARRAY)
        }) {
            byte[] body = concat(BOM, c.text().getBytes(StandardCharsets.UTF_8));
            for (byte[] stored : new byte[][] {body, gzip(body)}) {
                try (Input in = Input.of(new ByteArrayInputStream(stored), c.name())) {
                    assertThat(in.format()).as(c.toString()).isEqualTo(c.format());
                    assertThat(new String(in.stream().readAllBytes(), StandardCharsets.UTF_8))
                            .as(c.toString())
                            .isEqualTo(c.text());
                }
            }
        }
    }

    @Test
    void jsonNamesAreDecidedByContentTheSpecificNamesByName() throws IOException {
        assertThat(formatOf("events.json", "\n  [ {\"a\": 1} ]")).isEqualTo(Format.JSON_ARRAY);
        assertThat(formatOf("events.json", "{\"a\": 1}\n{\"a\": 2}\n")).isEqualTo(Format.JSON_OBJECTS);
        assertThat(formatOf("events.json.gz", "[1]")).isEqualTo(Format.JSON_ARRAY);
        assertThat(formatOf("places.geojson", "{\"type\": \"FeatureCollection\"}"))
                .isEqualTo(Format.JSON_OBJECTS);
        // a .json name never falls back to CSV: its parser reports the error with a line
        assertThat(formatOf("broken.json", "id,lat\n")).isEqualTo(Format.JSON_OBJECTS);
        // the specific names win over the content
        assertThat(formatOf("events.ndjson", "[1]")).isEqualTo(Format.JSON_OBJECTS);
        assertThat(formatOf("events.jsonl", "{}")).isEqualTo(Format.JSON_OBJECTS);
        assertThat(formatOf("odd.csv", "{\"a\"}")).isEqualTo(Format.CSV);
        assertThat(formatOf("ODD.CSV", "[")).isEqualTo(Format.CSV);
    }

    @Test
    void unknownExtensionsAndNoExtensionAreDecidedByContent() throws IOException {
        assertThat(formatOf("events.txt", "[1]")).isEqualTo(Format.JSON_ARRAY);
        assertThat(formatOf("events.dat", "\t{\"a\":1}")).isEqualTo(Format.JSON_OBJECTS);
        assertThat(formatOf("events", "id,ts\n")).isEqualTo(Format.CSV);
        assertThat(formatOf("empty", "")).isEqualTo(Format.CSV);
        // the sniffing leaves the stream where it was
        try (Input in = Input.of(new ByteArrayInputStream("  [1]".getBytes(StandardCharsets.UTF_8)), "x")) {
            assertThat(new String(in.stream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("  [1]");
        }
    }

    @Test
    void dashIsStandardInputDecidedByContentAndNeverClosed() throws IOException {
        var closed = new boolean[1];
        InputStream stdin = new ByteArrayInputStream(gzip(concat(BOM, "[{}]".getBytes(StandardCharsets.UTF_8)))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (Input in = Input.open("-", stdin)) {
            assertThat(in.source()).isEqualTo("<stdin>");
            assertThat(in.format()).isEqualTo(Format.JSON_ARRAY);
            assertThat(in.stream().readAllBytes()).isEqualTo("[{}]".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(closed[0]).isFalse();
    }

    @Test
    void aMissingFileOrADirectoryIsNotFoundNamingIt() {
        assertThatThrownBy(() -> Input.open(dir.resolve("nope.csv").toString(), InputStream.nullInputStream()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope.csv");
        assertThatThrownBy(() -> Input.open(dir)).isInstanceOf(NotFoundException.class);
    }

    private static Format formatOf(String name, String text) throws IOException {
        try (Input in = Input.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name)) {
            return in.format();
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
