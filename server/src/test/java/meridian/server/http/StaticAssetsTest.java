package meridian.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import org.junit.jupiter.api.Test;

class StaticAssetsTest {
    private final StaticAssets assets = new StaticAssets();

    @Test
    void servesEveryPathWithItsTypeAndARevalidationPolicy() {
        for (String path : StaticAssets.PATHS) {
            StaticAssets.Asset a = assets.get(path).orElseThrow(() -> new AssertionError(path));
            assertThat(a.body()).as(path).isNotEmpty();
            assertThat(a.cacheControl()).isEqualTo("no-cache");
            assertThat(a.etag()).startsWith("\"").endsWith("\"").hasSize(26);
            assertThat(StaticAssets.serves(path)).isTrue();
        }
        assertThat(assets.get("/ui").orElseThrow().contentType()).startsWith("text/html");
        assertThat(assets.get("/ui/app.js").orElseThrow().contentType()).startsWith("text/javascript");
        assertThat(assets.get("/ui/style.css").orElseThrow().contentType()).startsWith("text/css");
        assertThat(assets.get("/openapi.json").orElseThrow().contentType()).isEqualTo("application/json");
        assertThat(assets.get("/ui/../openapi.json")).isEmpty();
        assertThat(assets.get("/ui/missing.js")).isEmpty();
        assertThat(StaticAssets.serves("/ui/missing.js")).isFalse();
        assertThat(StaticAssets.serves(StaticAssets.POINTS_PATH)).isTrue();
    }

    @Test
    void thePageLoadsOnlyFromThisService() {
        String html = new String(assets.get("/ui").orElseThrow().body(), StandardCharsets.UTF_8);
        String js = new String(assets.get("/ui/app.js").orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(html).contains("src=\"/ui/app.js\"").contains("href=\"/ui/style.css\"");
        // no tiles, fonts or scripts from elsewhere: the page must work with no network beyond the service
        assertThat(html + js).doesNotContainPattern("https?://");
    }

    @Test
    void entityTagsMatchTheirOwnVersionOnly() {
        StaticAssets.Asset js = assets.get("/ui/app.js").orElseThrow();
        StaticAssets.Asset css = assets.get("/ui/style.css").orElseThrow();
        assertThat(js.etag()).isNotEqualTo(css.etag());
        assertThat(js.matches(js.etag())).isTrue();
        assertThat(js.matches("W/" + js.etag())).isTrue();
        assertThat(js.matches("\"x\", " + js.etag())).isTrue();
        assertThat(js.matches("*")).isTrue();
        assertThat(js.matches(css.etag())).isFalse();
        assertThat(js.matches(null)).isFalse();
    }

    @Test
    void mapPointsAreAnEvenRoundedSample() {
        List<Place> places = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            places.add(new Place("p" + i, "P" + i, -45.123 + i, 170.004 - i * 0.5, Map.of()));
        }
        ReferenceSet set = ReferenceSet.of("ten", places);
        String all = new String(assets.points(set, null).body(), StandardCharsets.UTF_8);
        assertThat(all)
                .startsWith("{\"refset\":\"ten\",\"places\":10,\"sampled\":10,\"points\":[-45.12,170,-44.12,169.5,");
        String five = new String(assets.points(set, "5").body(), StandardCharsets.UTF_8);
        // every second place: positions 0, 2, 4, 6, 8
        assertThat(five)
                .isEqualTo("{\"refset\":\"ten\",\"places\":10,\"sampled\":5,\"points\":"
                        + "[-45.12,170,-43.12,169,-41.12,168,-39.12,167,-37.12,166]}");
        assertThat(assets.points(set, "5")).isSameAs(assets.points(set, "5"));
        assertThat(assets.points(set.withName("other"), "5")).isNotSameAs(assets.points(set, "5"));
        for (String bad : List.of("0", "-1", "abc", String.valueOf(StaticAssets.MAX_POINTS + 1))) {
            assertThatThrownBy(() -> assets.points(set, bad))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("limit");
        }
    }
}
