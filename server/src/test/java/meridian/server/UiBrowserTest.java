package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import meridian.core.json.JsonTree;
import meridian.core.refs.ReferenceSetReader;
import meridian.server.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real headless Chromium, driven over the DevTools protocol (a WebSocket from the JDK): it
 * loads with no console errors, a click on the map is answered with the nearest place the service itself
 * gives for the clicked point, typed coordinates and Enter find Paris, and a screenshot is written to
 * {@code target/ui-screenshot.png}. Skipped, saying so, when Debian's {@code chromium} is not installed.
 */
class UiBrowserTest {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final double PARIS_LAT = 48.8566;
    private static final double PARIS_LON = 2.3522;

    @TempDir
    static Path profile;

    static MeridianServer server;
    static Process browser;
    static Cdp page;
    static final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        Path chromium = chromium();
        Assumptions.assumeTrue(
                chromium != null,
                "chromium is not installed (apt-get install chromium): the browser test of the page is skipped");
        server = MeridianServer.start(TestServers.config(2, 64, 30_000, 64L << 20, 60_000)
                .with(ServerConfig.REFS, ReferenceSetReader.BUNDLED_NAME));
        TestServers.await("the bundled cities to load", () -> server.registry().ready());
        browser = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile.toAbsolutePath(),
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--window-size=1400,1000",
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        String browserWs = devtoolsUrl(browser);
        int port = URI.create(browserWs).getPort();
        page = Cdp.connect(pageTarget(port), UiBrowserTest::event);
        page.call("Runtime.enable", Map.of());
        page.call("Log.enable", Map.of());
        page.call("Page.enable", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (page != null) {
            try {
                page.call("Browser.close", Map.of());
            } catch (Exception ignored) {
                // the browser is killed below anyway
            }
            page.close();
        }
        if (browser != null) {
            // Chromium's helper processes (zygote, renderers, crash handler) write into the profile too: they are
            // stopped and waited for as well, else one still writing as the temporary profile is deleted made
            // that deletion fail (DirectoryNotEmptyException). Listed first: once the browser has exited they
            // are no longer its descendants.
            List<ProcessHandle> helpers = browser.descendants().toList();
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly().waitFor();
            }
            for (ProcessHandle h : helpers) {
                h.destroy();
            }
            for (ProcessHandle h : helpers) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    h.destroyForcibly();
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
            }
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theExplorerAnswersClicksAndTypedCoordinates() throws Exception {
        page.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + server.httpPort() + "/ui"));
        awaitTrue("the page to be ready", "!!document.body && document.body.dataset.ready === 'true'");
        // the page searched its initial coordinates (Paris) on load
        assertThat(eval("document.querySelector('#nearest li').dataset.name")).isEqualTo("Paris");
        assertThat(((Number) eval("document.querySelectorAll('#refsets tbody tr').length")).intValue())
                .isEqualTo(1);
        awaitTrue("the live figures", "document.getElementById('m-p50').textContent !== '–'");

        // click the map where Paris is; the answer must be what the service says for the clicked point
        eval("document.getElementById('k').value = '1'; document.getElementById('map').scrollIntoView(); true");
        @SuppressWarnings("unchecked")
        Map<String, Object> rect = (Map<String, Object>) JsonTree.parse(
                (String) eval("JSON.stringify(document.getElementById('map').getBoundingClientRect())"), "rect");
        double left = num(rect.get("left")), top = num(rect.get("top"));
        double width = num(rect.get("width")), height = num(rect.get("height"));
        double x = left + (PARIS_LON + 180) / 360 * width;
        double y = top + (90 - PARIS_LAT) / 180 * height;
        eval("document.getElementById('status').textContent = ''; true");
        for (String type : List.of("mousePressed", "mouseReleased")) {
            page.call(
                    "Input.dispatchMouseEvent",
                    Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
        }
        awaitTrue("an answer to the click", "document.getElementById('status').textContent.startsWith('Nearest to')");
        double lat = Double.parseDouble((String) eval("document.getElementById('lat').value"));
        double lon = Double.parseDouble((String) eval("document.getElementById('lon').value"));
        // one CSS pixel of this map is about a third of a degree
        assertThat(lat).isCloseTo(PARIS_LAT, org.assertj.core.data.Offset.offset(0.5));
        assertThat(lon).isCloseTo(PARIS_LON, org.assertj.core.data.Offset.offset(0.5));
        String shown = (String) eval("document.querySelector('#nearest li').dataset.name");
        assertThat(shown).isEqualTo(nearestFromService(lat, lon));

        // type the coordinates and press Enter in the form
        eval("document.getElementById('status').textContent = '';"
                + "document.getElementById('lat').value = ''; document.getElementById('lon').value = '';"
                + "document.getElementById('k').value = '3'; document.getElementById('lat').focus(); true");
        page.call("Input.insertText", Map.of("text", String.valueOf(PARIS_LAT)));
        eval("document.getElementById('lon').focus(); true");
        page.call("Input.insertText", Map.of("text", String.valueOf(PARIS_LON)));
        for (String type : List.of("keyDown", "keyUp")) {
            page.call(
                    "Input.dispatchKeyEvent",
                    Map.of(
                            "type",
                            type,
                            "key",
                            "Enter",
                            "code",
                            "Enter",
                            "windowsVirtualKeyCode",
                            13,
                            "text",
                            type.equals("keyDown") ? "\r" : ""));
        }
        awaitTrue("an answer to Enter", "document.querySelectorAll('#nearest li').length === 3");
        assertThat(eval("document.querySelector('#nearest li').dataset.name")).isEqualTo("Paris");
        assertThat(eval("document.getElementById('status').textContent"))
                .isEqualTo("Nearest to 48.8566, 2.3522: Paris");

        // a CSV given to the file input comes back as an enriched table, bad rows named by line
        eval("const dt = new DataTransfer();"
                + "dt.items.add(new File(['name,lat,lon\\nhere,48.8566,2.3522\\nthere,51.5072,-0.1276\\nbad,x,1\\n'],"
                + " 'points.csv', {type: 'text/csv'}));"
                + "const input = document.getElementById('csv-file'); input.files = dt.files;"
                + "input.dispatchEvent(new Event('change')); true");
        awaitTrue("the enriched table", "document.querySelectorAll('#csv-table tbody tr').length === 3");
        assertThat(eval("Array.from(document.querySelectorAll('#csv-table tbody tr'))"
                        + ".map(r => r.cells[3].textContent).join(',')"))
                .isEqualTo("Paris,London,—");
        assertThat((String) eval("document.getElementById('csv-status').textContent"))
                .startsWith("Enriched 2 rows; 1 without usable coordinates (lines 4)");

        eval("window.scrollTo(0, 0); true");
        Map<String, Object> shot = page.call("Page.captureScreenshot", Map.of("format", "png"));
        Path png = Path.of("target", "ui-screenshot.png");
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
        assertThat(Files.size(png)).isGreaterThan(10_000);
        assertThat(consoleErrors).as("console errors").isEmpty();
    }

    // --- helpers ---

    private static void event(String method, Map<String, Object> params) {
        switch (method) {
            case "Runtime.exceptionThrown" -> consoleErrors.add(String.valueOf(params.get("exceptionDetails")));
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.get("type")) || "warning".equals(params.get("type"))) {
                    consoleErrors.add(String.valueOf(params.get("args")));
                }
            }
            case "Log.entryAdded" -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) params.get("entry");
                if ("error".equals(entry.get("level"))) {
                    consoleErrors.add(entry.get("text") + " " + entry.get("url"));
                }
            }
            default -> {}
        }
    }

    private static String nearestFromService(double lat, double lon) throws Exception {
        HttpResponse<String> r = TestServers.post(
                TestServers.client(),
                server,
                "/enrich",
                "[{\"id\":1,\"point\":{\"lat\":" + lat + ",\"lon\":" + lon + "}}]");
        assertThat(r.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> nearest = (Map<String, Object>)
                ((Map<String, Object>) ((List<?>) JsonTree.parse(r.body(), "enrich")).get(0)).get("nearest");
        return (String) nearest.get("name");
    }

    private static Object eval(String expression) throws Exception {
        Map<String, Object> r = page.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.containsKey("exceptionDetails")) {
            throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) r.get("result");
        return result.get("value");
    }

    private static void awaitTrue(String what, String expression) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Boolean.TRUE.equals(eval(expression))) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what + "; status: "
                        + eval("document.getElementById('status').textContent") + "; console: " + consoleErrors);
            }
            Thread.sleep(50); // polling interval
        }
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Reads the browser's output until it says where DevTools listens; keeps draining it after that. */
    private static String devtoolsUrl(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    } else if (!url.isDone()) {
                        log.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the browser exited
            }
            url.completeExceptionally(new AssertionError("chromium exited before DevTools started:\n" + log));
        });
        return url.get(60, TimeUnit.SECONDS);
    }

    private static String pageTarget(int port) throws Exception {
        HttpClient c = TestServers.client();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = c.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (Object t : (List<?>) JsonTree.parse(r.body(), "targets")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> target = (Map<String, Object>) t;
                if ("page".equals(target.get("type"))) {
                    return (String) target.get("webSocketDebuggerUrl");
                }
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("no page target in " + r.body());
            }
            Thread.sleep(50); // polling interval
        }
    }

    /** A DevTools protocol session: numbered calls answered by id, events to a listener. */
    static final class Cdp implements WebSocket.Listener {
        interface Events {
            void on(String method, Map<String, Object> params);
        }

        private final Map<Integer, CompletableFuture<Map<String, Object>>> calls = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private final Events events;
        private WebSocket ws;

        private Cdp(Events events) {
            this.events = events;
        }

        static Cdp connect(String url, Events events) throws Exception {
            Cdp cdp = new Cdp(events);
            cdp.ws = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create(url), cdp)
                    .get(30, TimeUnit.SECONDS);
            return cdp;
        }

        Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
            calls.put(id, answer);
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("id", id);
            msg.put("method", method);
            msg.put("params", params);
            synchronized (this) {
                ws.sendText(new String(Json.bytes(msg), StandardCharsets.UTF_8), true)
                        .get(30, TimeUnit.SECONDS);
            }
            return answer.get(60, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                @SuppressWarnings("unchecked")
                Map<String, Object> msg = (Map<String, Object>) JsonTree.parse(text, "devtools");
                if (msg.get("id") instanceof Number n) {
                    CompletableFuture<Map<String, Object>> f = calls.remove(n.intValue());
                    if (f != null) {
                        if (msg.containsKey("error")) {
                            f.completeExceptionally(new AssertionError("devtools error: " + msg.get("error")));
                        } else {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> result = (Map<String, Object>) msg.get("result");
                            f.complete(result == null ? Map.of() : result);
                        }
                    }
                } else if (msg.get("method") instanceof String method) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> params = (Map<String, Object>) msg.get("params");
                    events.on(method, params == null ? Map.of() : params);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            calls.values().forEach(f -> f.completeExceptionally(error));
        }

        void close() {
            ws.abort();
        }
    }
}
