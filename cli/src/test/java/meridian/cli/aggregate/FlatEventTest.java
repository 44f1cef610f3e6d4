package meridian.cli.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Objects;
import java.util.Random;
import meridian.core.error.InvalidInputException;
import meridian.core.json.JsonTree;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flat reading of an event line against its twin, core's tree parser: every line the flat reading takes is
 * one the tree parser reads too, with the same members an event uses (the last of a member given twice, a
 * point's lat and lon over the event's own when the last point is an object); every other line is left to the
 * tree parser.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class FlatEventTest {
    private static final String[] NAMES = {
        "id", "user_id", "value", "ts", "lat", "lon", "point", "x", "Value", "us\\u0065r_id"
    };
    private static final String[] SCALARS = {
        "1",
        "-1",
        "0",
        "-0",
        "01",
        "1.",
        ".5",
        "-.5",
        "1.5",
        "1e5",
        "1E-5",
        "1e+5",
        "1e",
        "--1",
        "1.5.3",
        "+1",
        "123456789012345678901",
        "9007199254740993",
        "1.7e9",
        "true",
        "false",
        "null",
        "nul",
        "truex",
        "\"u1\"",
        "\"a,b}\"",
        "\"\"",
        "\"with \\\"quote\\\"\"",
        "\"tab\tinside\"",
        "\"2023-11-14T22:13:21Z\"",
        "\"é中😀\"",
        "[1,2]",
        "{}",
        "{\"lat\":1}",
        "\"unterminated",
        "1x"
    };

    @Test
    void takesOnlyWhatTheTreeParserReadsAlike() {
        var rnd = new Random(Seeds.seed());
        var flat = new FlatEvent("user_id");
        int taken = 0;
        for (int i = 0; i < 200_000; i++) {
            String line = i % 3 == 0 ? usual(rnd) : hostile(rnd);
            if (!flat.read(line)) {
                continue;
            }
            taken++;
            Object tree;
            try {
                tree = JsonTree.parse(line, "t");
            } catch (InvalidInputException e) {
                throw new AssertionError("taken flat, refused by the tree parser: " + line, e);
            }
            assertThat(tree).as(line).isInstanceOf(Map.class);
            Map<?, ?> record = (Map<?, ?>) tree;
            Object lat = record.get("lat");
            Object lon = record.get("lon");
            if (record.get("point") instanceof Map<?, ?> point) {
                lat = point.get("lat");
                lon = point.get("lon");
            }
            assertThat(same(flat.id, record.get("id"))).as("id of %s", line).isTrue();
            assertThat(same(flat.key, record.get("user_id")))
                    .as("key of %s", line)
                    .isTrue();
            assertThat(same(flat.value, record.get("value")))
                    .as("value of %s", line)
                    .isTrue();
            assertThat(same(flat.ts, record.get("ts"))).as("ts of %s", line).isTrue();
            assertThat(same(flat.point ? flat.pointLat : flat.lat, lat))
                    .as("lat of %s", line)
                    .isTrue();
            assertThat(same(flat.point ? flat.pointLon : flat.lon, lon))
                    .as("lon of %s", line)
                    .isTrue();
        }
        assertThat(taken).as("lines taken flat").isGreaterThan(60_000);
    }

    private static boolean same(Object a, Object b) {
        return Objects.equals(a, b) && (a == null || a.getClass() == b.getClass());
    }

    /** An event as files hold them, in any member order, sometimes with a point. */
    private static String usual(Random rnd) {
        var b = new StringBuilder("{");
        b.append("\"id\":").append(rnd.nextInt(1_000_000));
        b.append(", \"user_id\":\"u").append(rnd.nextInt(50_000)).append('"');
        if (rnd.nextBoolean()) {
            b.append(",\"point\":{\"lat\":")
                    .append(rnd.nextDouble() * 180 - 90)
                    .append(",\"lon\":")
                    .append(rnd.nextDouble() * 360 - 180)
                    .append('}');
        } else {
            b.append(",\"lat\":").append(rnd.nextInt(90)).append(",\"lon\":").append(-rnd.nextInt(180));
        }
        b.append(",\"value\":").append(rnd.nextInt(1000) / 8.0);
        b.append(",\"ts\":").append(rnd.nextBoolean() ? "\"2023-11-14T22:13:21Z\"" : "1700000000");
        return b.append(rnd.nextBoolean() ? "}" : " } ").toString();
    }

    /** Members drawn from odd names and values, with broken framing now and then. */
    private static String hostile(Random rnd) {
        var b = new StringBuilder(rnd.nextInt(20) == 0 ? "[" : "{");
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(rnd.nextInt(30) == 0 ? ",," : rnd.nextInt(20) == 0 ? " " : ",");
            }
            b.append(rnd.nextInt(4) == 0 ? " " : "");
            b.append('"').append(NAMES[rnd.nextInt(NAMES.length)]).append('"');
            b.append(rnd.nextInt(30) == 0 ? "" : ":");
            b.append(rnd.nextInt(4) == 0 ? "\t" : "");
            if (rnd.nextInt(6) == 0) {
                b.append("{\"lat\":")
                        .append(SCALARS[rnd.nextInt(SCALARS.length)])
                        .append(",\"lon\":")
                        .append(SCALARS[rnd.nextInt(SCALARS.length)])
                        .append(rnd.nextInt(10) == 0 ? "" : "}");
            } else {
                b.append(SCALARS[rnd.nextInt(SCALARS.length)]);
            }
        }
        b.append(rnd.nextInt(20) == 0 ? "" : "}");
        b.append(rnd.nextInt(20) == 0 ? " x" : "");
        return b.toString();
    }
}
