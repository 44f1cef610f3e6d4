package meridian.server.hostile;

import static meridian.server.hostile.Servers.ADMIN;
import static meridian.server.hostile.Servers.READ;
import static meridian.server.hostile.Servers.WRITE;
import static meridian.server.hostile.Servers.auth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.server.MeridianServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call what: tokens and roles on every route, forged Host, Origin and content types. */
class GateTest {
    @TempDir
    static Path dir;

    static MeridianServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = Servers.start(Map.of(
                "tokens",
                Servers.tokens(dir).toString(),
                "db",
                Servers.h2(dir),
                "allowed-hosts",
                "localhost,meridian.internal",
                "allowed-origins",
                "https://app.example"));
        assertThat(server.store().awaitOpen(60_000)).isTrue();
        port = server.httpPort();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** A route, the body and type it takes, and the least role that may call it. */
    record Route(String method, String path, String type, String body, String role) {}

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/", null, null, "read"),
            new Route("GET", "/metrics", null, null, "read"),
            new Route("GET", "/refsets", null, null, "read"),
            new Route("POST", "/enrich", "application/json", "[{\"id\":1,\"lat\":37.7,\"lon\":-122.4}]", "read"),
            new Route("GET", "/users", null, null, "read"),
            new Route("GET", "/users/1", null, null, "read"),
            new Route("POST", "/users", "application/json", "{\"name\":\"A\",\"email\":\"a@example.com\"}", "write"),
            new Route("PUT", "/users/1", "application/json", "{\"name\":\"B\",\"email\":\"b@example.com\"}", "write"),
            new Route(
                    "POST",
                    "/events",
                    "application/x-ndjson",
                    "{\"id\":1,\"user_id\":1,\"lat\":1,\"lon\":1,\"value\":1,\"ts\":\"2001-01-01T00:00:00Z\"}\n",
                    "write"),
            new Route("PUT", "/refsets/extra", "text/csv", "id,name,lat,lon\na,A,1,2\n", "admin"),
            new Route("POST", "/refsets/sf-la/reset", null, null, "admin"),
            new Route("DELETE", "/refsets/extra", null, null, "admin"),
            new Route("DELETE", "/users/999", null, null, "admin"));

    static Raw.Response call(Route r, String... headers) throws Exception {
        String[] all = new String[headers.length + (r.type() == null ? 0 : 1)];
        System.arraycopy(headers, 0, all, 0, headers.length);
        if (r.type() != null) {
            all[headers.length] = "Content-Type: " + r.type();
        }
        return Raw.request(port, r.method(), r.path(), r.body(), all);
    }

    @Test
    void everyRouteNeedsATokenOfItsRole() throws Exception {
        List<String> roles = List.of("read", "write", "admin");
        Map<String, String> tokens = Map.of("read", READ, "write", WRITE, "admin", ADMIN);
        for (Route r : ROUTES) {
            String what = r.method() + " " + r.path();
            Raw.Response none = call(r);
            assertThat(none.status())
                    .as(what + " without a token: " + none.body())
                    .isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).as(what).startsWith("Bearer");
            assertThat(none.body()).contains("\"error\":\"unauthorized\"");
            Raw.Response wrong = call(r, auth("not-a-token-0123456789abcdef"));
            assertThat(wrong.status()).as(what + " with an unknown token").isEqualTo(401);
            assertThat(call(r, "Authorization: Basic YWRtaW46YWRtaW4=").status())
                    .isEqualTo(401);
            for (String role : roles) {
                Raw.Response res = call(r, auth(tokens.get(role)));
                boolean allowed = roles.indexOf(role) >= roles.indexOf(r.role());
                if (allowed) {
                    assertThat(res.status())
                            .as(what + " as " + role + ": " + res.body())
                            .isNotIn(401, 403, 415);
                } else {
                    assertThat(res.status())
                            .as(what + " as " + role + ": " + res.body())
                            .isEqualTo(403);
                    assertThat(res.body()).contains("\"error\":\"forbidden\"").contains(r.role());
                }
            }
        }
    }

    @Test
    void healthStaysOpenForProbes() throws Exception {
        assertThat(Raw.request(port, "GET", "/health", null).status()).isEqualTo(200);
    }

    @Test
    void tokensNeverAppearInAnswers() throws Exception {
        for (Route r : ROUTES) {
            assertThat(call(r, auth(READ)).body()).doesNotContain(READ);
            assertThat(call(r, auth("guess-" + ADMIN)).body()).doesNotContain(ADMIN);
        }
    }

    @Test
    void foreignHostIsMisdirected() throws Exception {
        Raw.Response r = Raw.request(port, "GET", "/refsets", null, "Host: attacker.example", auth(READ));
        assertThat(r.status()).as(r.body()).isEqualTo(421);
        assertThat(r.body()).contains("misdirected_request");
        // a rebinding page reaches the service under its own name, also with a port
        assertThat(Raw.request(port, "GET", "/health", null, "Host: attacker.example:" + port)
                        .status())
                .isEqualTo(421);
        for (String host :
                List.of("localhost:" + port, "LOCALHOST", "meridian.internal", "127.0.0.1", "[::1]:" + port)) {
            assertThat(Raw.request(port, "GET", "/refsets", null, "Host: " + host, auth(READ))
                            .status())
                    .as(host)
                    .isEqualTo(200);
        }
    }

    @Test
    void theServicesOwnPageMayCallIt() throws Exception {
        // the page at /ui fetches with its own origin: the same host and port as the Host header
        Raw.Response r = Raw.request(
                port,
                "POST",
                "/enrich",
                "[{\"id\":1,\"lat\":37.7,\"lon\":-122.4}]",
                "Origin: http://127.0.0.1:" + port,
                "Content-Type: application/json",
                auth(READ));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // the same origin with another port is another site
        assertThat(Raw.request(
                                port,
                                "POST",
                                "/enrich",
                                "[]",
                                "Origin: http://127.0.0.1:" + (port == 1 ? 2 : port - 1),
                                "Content-Type: application/json",
                                auth(READ))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void foreignOriginIsForbidden() throws Exception {
        Raw.Response r = Raw.request(
                port,
                "POST",
                "/users",
                "{\"name\":\"X\",\"email\":\"x@example.com\"}",
                "Origin: http://evil.example",
                "Content-Type: application/json",
                auth(ADMIN));
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("forbidden_origin");
        assertThat(Raw.request(port, "GET", "/refsets", null, "Origin: null", auth(READ))
                        .status())
                .isEqualTo(403);
        assertThat(Raw.request(port, "GET", "/refsets", null, "Origin: https://app.example", auth(READ))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void bodiesMustCarryTheirRealType() throws Exception {
        record Case(String method, String path, String type, String body) {}
        for (Case c : List.of(
                new Case("POST", "/users", "text/plain", "{\"name\":\"P\",\"email\":\"p@example.com\"}"),
                new Case("POST", "/users", null, "{\"name\":\"P\",\"email\":\"p@example.com\"}"),
                new Case("POST", "/events", "application/x-www-form-urlencoded", "id=1"),
                new Case("POST", "/events", "multipart/form-data; boundary=x", "--x--"),
                new Case("POST", "/enrich", "text/plain", "[]"),
                new Case("PUT", "/users/1", "text/plain", "{}"),
                new Case("PUT", "/refsets/evil", "application/json", "id,name,lat,lon\na,A,1,2\n"),
                new Case("PUT", "/refsets/evil", "text/plain", "id,name,lat,lon\na,A,1,2\n"))) {
            Raw.Response r = c.type() == null
                    ? Raw.request(port, c.method(), c.path(), c.body(), auth(ADMIN))
                    : Raw.request(port, c.method(), c.path(), c.body(), "Content-Type: " + c.type(), auth(ADMIN));
            assertThat(r.status()).as(c + ": " + r.body()).isEqualTo(415);
            assertThat(r.body()).contains("unsupported_media_type");
        }
        assertThat(server.registry().names()).doesNotContain("evil");
        // parameters and case do not matter
        assertThat(Raw.request(
                                port,
                                "POST",
                                "/enrich",
                                "[]",
                                "Content-Type: Application/JSON; charset=utf-8",
                                auth(READ))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void replacedDefaultSetCanBeRestored() throws Exception {
        Raw.Response put = Raw.request(
                port,
                "PUT",
                "/refsets/sf-la",
                "id,name,lat,lon\nx,Nowhere,0,0\n",
                "Content-Type: text/csv",
                auth(ADMIN));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(server.registry().get(null).set().size()).isEqualTo(1);
        Raw.Response reset = Raw.request(port, "POST", "/refsets/sf-la/reset", null, auth(ADMIN));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(server.registry().get(null).set().size()).isEqualTo(2);
    }

    @Test
    void withoutTokensOnlyLoopback() {
        assertThatThrownBy(() -> Servers.start(Map.of("host", "0.0.0.0")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("insecure_bind");
                    assertThat(e.getMessage()).contains("--tokens").contains("--insecure");
                });
    }
}
