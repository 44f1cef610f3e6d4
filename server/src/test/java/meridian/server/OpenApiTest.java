package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meridian.server.metrics.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /openapi.json} is a valid OpenAPI 3.1 document and matches the live routes: every documented
 * operation is routed and answers with a documented status, every other method on a documented path is 405,
 * and every route the service records metrics for is documented.
 */
class OpenApiTest {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

    @RegisterExtension
    static final LiveServer live = LiveServer.withUsers();

    static String text;
    static OpenAPI api;

    @BeforeAll
    static void start() throws Exception {
        HttpResponse<String> r = live.get("/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        text = r.body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(result.getMessages()).as("validation messages").isEmpty();
        api = result.getOpenAPI();
    }

    @Test
    void isAValidOpenApi31Document() {
        assertThat(api).isNotNull();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getPaths()).isNotEmpty();
        for (var e : api.getPaths().entrySet()) {
            for (var op : e.getValue().readOperationsMap().entrySet()) {
                Operation o = op.getValue();
                assertThat(o.getOperationId())
                        .as(op.getKey() + " " + e.getKey())
                        .isNotBlank();
                assertThat(o.getResponses()).as(op.getKey() + " " + e.getKey()).isNotEmpty();
            }
        }
        // a broken document is refused by the same check: the validator is not a rubber stamp
        String broken = text.replace("\"responses\": {", "\"responsez\": {");
        SwaggerParseResult bad = new OpenAPIV3Parser().readContents(broken, null, new ParseOptions());
        assertThat(bad.getMessages()).isNotEmpty();
    }

    @Test
    void everyDocumentedOperationIsRoutedAndAnswersADocumentedStatus() throws Exception {
        List<String> failures = new ArrayList<>();
        int probed = 0;
        for (var e : api.getPaths().entrySet()) {
            for (var op : e.getValue().readOperationsMap().entrySet()) {
                String method = op.getKey().name();
                String path = e.getKey().replace("{name}", probeName(method)).replace("{id}", "1");
                HttpResponse<String> r = send(method, path, probeBody(e.getKey(), method));
                probed++;
                Set<String> documented = op.getValue().getResponses().keySet();
                if (!documented.contains(String.valueOf(r.statusCode()))) {
                    failures.add(method + " " + path + " answered " + r.statusCode() + " (documented: " + documented
                            + "): "
                            + r.body().substring(0, Math.min(200, r.body().length())));
                }
                if (unrouted(r)) {
                    failures.add(method + " " + path + " is documented but not routed: " + r.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(probed).isGreaterThanOrEqualTo(19);
    }

    @Test
    void everyOtherMethodOnADocumentedPathIs405() throws Exception {
        List<String> failures = new ArrayList<>();
        for (var e : api.getPaths().entrySet()) {
            Set<String> allowed = new java.util.HashSet<>();
            e.getValue().readOperationsMap().keySet().forEach(m -> allowed.add(m.name()));
            for (String method : METHODS) {
                if (allowed.contains(method)) {
                    continue;
                }
                String path = e.getKey().replace("{name}", "x").replace("{id}", "1");
                HttpResponse<String> r = send(method, path, "");
                if (r.statusCode() != 405) {
                    failures.add(method + " " + path + " answered " + r.statusCode() + ", not 405: " + r.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(send("GET", "/no-such-endpoint", "").statusCode()).isEqualTo(404);
    }

    @Test
    void everyRouteWithMetricsIsDocumented() {
        Map<String, PathItem> paths = api.getPaths();
        for (Metrics.Route route : Metrics.Route.values()) {
            if (route != Metrics.Route.OTHER) {
                assertThat(paths).as("route " + route).containsKey(route.label());
            }
        }
    }

    /** A routing miss: the fallback's answers, not a handler's 404 for a missing user or set. */
    private static boolean unrouted(HttpResponse<String> r) {
        return r.statusCode() == 405 || (r.statusCode() == 404 && r.body().contains("\"error\":\"not_found\""));
    }

    private static String probeName(String method) {
        // PUT creates a throw-away set; DELETE targets a set that does not exist (404, documented)
        return method.equals("PUT") ? "probe" : "no-such-set";
    }

    private static String probeBody(String path, String method) {
        return switch (path) {
            case "/enrich" -> "[{\"id\":1,\"point\":{\"lat\":37.7,\"lon\":-122.4}}]";
            case "/refsets/{name}" -> method.equals("PUT") ? "id,name,lat,lon\n1,A,1.0,2.0\n" : "";
            case "/users", "/users/{id}" ->
                method.equals("POST") || method.equals("PUT")
                        ? "{\"name\":\"Probe\",\"email\":\"probe@example.com\"}"
                        : "";
            case "/events" -> "[]";
            default -> "";
        };
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return live.send(
                method,
                path,
                path.startsWith("/refsets/") ? "text/csv" : "application/json",
                body.isEmpty() ? null : body);
    }
}
