package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import meridian.core.json.JsonTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The page's routes over real HTTP: files with revalidation, the map points, and places=full on /enrich. */
class UiRoutesTest {
    @RegisterExtension
    static final LiveServer live = LiveServer.plain();

    @Test
    void pageFilesAreServedAndRevalidated() throws Exception {
        HttpResponse<String> page = live.get("/ui");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<canvas id=\"map\"");
        String etag = page.headers().firstValue("etag").orElseThrow();
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        HttpResponse<String> again = ifNoneMatch("/ui", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> other = ifNoneMatch("/ui/app.js", etag);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(live.get("/ui/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void mapPointsComeFromTheReferenceSet() throws Exception {
        HttpResponse<String> r = live.get("/ui/points");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) JsonTree.parse(r.body(), "points");
        assertThat(body.get("refset")).isEqualTo("sf-la");
        assertThat(((Number) body.get("places")).intValue()).isEqualTo(2);
        // San Francisco 37.7749,-122.4194 and Los Angeles 34.0522,-118.2437, rounded to 0.01
        assertThat(r.body()).endsWith("\"points\":[37.77,-122.42,34.05,-118.24]}");
        assertThat(live.get("/ui/points?refs=nope").statusCode()).isEqualTo(404);
        assertThat(live.get("/ui/points?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void fullPlacesCarryCoordinatesAndColumns() throws Exception {
        String record = "[{\"id\":1,\"point\":{\"lat\":37.7,\"lon\":-122.4}}]";
        HttpResponse<String> brief = live.post("/enrich", record);
        assertThat(brief.body()).contains("\"nearest\":{\"id\":\"sf\",\"name\":\"San Francisco\",\"distance_km\":");
        assertThat(brief.body()).doesNotContain("\"lat\":37.7749");
        HttpResponse<String> full = live.post("/enrich?places=full&k=2", record);
        assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nearest = (List<Map<String, Object>>)
                ((Map<String, Object>) ((List<?>) JsonTree.parse(full.body(), "enrich")).get(0)).get("nearest");
        assertThat(nearest).hasSize(2);
        assertThat(nearest.get(0)).containsEntry("id", "sf").containsEntry("lat", 37.7749);
        assertThat(nearest.get(1)).containsEntry("id", "la").containsEntry("lon", -118.2437);
        HttpResponse<String> bad = live.post("/enrich?places=all", record);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"error\":\"invalid_option\"").contains("places");
    }

    private static HttpResponse<String> ifNoneMatch(String path, String etag) throws Exception {
        return live.http()
                .send(
                        HttpRequest.newBuilder(TestServers.uri(live.server(), path))
                                .header("If-None-Match", etag)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
