package meridian.server.security;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import meridian.core.error.RefusedException;

/**
 * The service's {@link RequestGate}: decides from the request head alone, in this order,
 *
 * <ol>
 *   <li>{@code Host}: an IP literal or one of the configured names, else 421 {@code misdirected_request}
 *       (a DNS-rebinding page reaches the service under its own name);
 *   <li>{@code Origin}: absent (not a browser, or a same-origin navigation) or in the allow-list, else 403
 *       {@code forbidden_origin};
 *   <li>{@code Authorization: Bearer TOKEN} when tokens are configured: missing or unknown is 401
 *       {@code unauthorized} (the HTTP layer adds {@code WWW-Authenticate: Bearer}), a role below the
 *       route's is 403 {@code forbidden}; {@code GET /health} is open for probes, and the page's static
 *       files and {@code /openapi.json} (no data; the page asks for a token before it calls anything else);
 *   <li>{@code Content-Type} on routes with a body: the route's real type, else 415
 *       {@code unsupported_media_type} (a browser can send {@code text/plain} and form posts across origins
 *       without asking; it cannot send {@code application/json} without a CORS preflight, which we never
 *       grant).
 * </ol>
 *
 * Framework-free and immutable: any HTTP layer builds a {@link RequestHead} and calls {@link #check}.
 */
public final class HttpGate implements RequestGate {
    /** Types accepted for a JSON body. */
    public static final Set<String> JSON = Set.of("application/json");

    /** Types accepted by {@code POST /events}: a JSON array or one event per line. */
    public static final Set<String> EVENTS = Set.of("application/json", "application/x-ndjson");

    /** Types accepted by {@code PUT /refsets/{name}}. */
    public static final Set<String> REFSET = Set.of("text/csv", "application/geo+json");

    private final Tokens tokens; // null: no authentication
    private final Set<String> hosts;
    private final Set<String> origins;

    /**
     * @param tokens the accepted tokens, or null for none (the service is then confined to loopback)
     * @param hosts host names answered besides IP literals ({@code localhost} belongs here)
     * @param origins browser origins allowed, e.g. {@code https://app.example.com}
     */
    public HttpGate(Tokens tokens, List<String> hosts, List<String> origins) {
        this.tokens = tokens;
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.origins = origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void check(RequestHead head) {
        checkHost(head.host());
        checkOrigin(head.origin(), head.host());
        String method = head.method();
        String path = head.path();
        if (tokens != null && !(method.equals("GET") && isOpen(path))) {
            Role needed = role(method, path);
            Role role = tokens.roleOf(bearer(head.authorization()));
            if (role == null) {
                throw new RefusedException(
                        "unauthorized",
                        head.authorization() == null
                                ? "this service needs a token: send 'Authorization: Bearer TOKEN'"
                                : "the token is not valid",
                        Map.of());
            }
            if (!role.includes(needed)) {
                throw new RefusedException(
                        "forbidden",
                        method + " " + path + " needs the " + needed.label() + " role; the token has " + role.label(),
                        Map.of("needed", needed.label(), "role", role.label()));
            }
        }
        Set<String> types = bodyTypes(method, path);
        String type = mediaType(head.contentType());
        if (types != null && (type == null || !types.contains(type))) { // Set.of(...).contains(null) throws
            throw new RefusedException(
                    "unsupported_media_type",
                    method + " " + path + " takes a body of type "
                            + String.join(" or ", types.stream().sorted().toList())
                            + (head.contentType() == null
                                    ? "; no Content-Type was sent"
                                    : ", not " + head.contentType()),
                    Map.of("accepted", types.stream().sorted().toList()));
        }
    }

    /** The role a route needs. Unknown routes need {@code read}, so that 404 and 405 tell nothing to strangers. */
    public static Role role(String method, String path) {
        if (path.equals("/refsets") || path.startsWith("/refsets/")) {
            return method.equals("GET") ? Role.READ : Role.ADMIN;
        }
        if (path.equals("/users") || path.startsWith("/users/") || path.equals("/events")) {
            return switch (method) {
                case "GET" -> Role.READ;
                case "DELETE" -> Role.ADMIN;
                default -> Role.WRITE;
            };
        }
        return Role.READ;
    }

    /** The body types a route accepts, or null when it takes no body. */
    public static Set<String> bodyTypes(String method, String path) {
        return switch (method) {
            case "POST" -> {
                if (path.equals("/enrich") || path.equals("/users")) {
                    yield JSON;
                }
                yield path.equals("/events") ? EVENTS : null;
            }
            case "PUT" -> {
                if (path.startsWith("/users/")) {
                    yield JSON;
                }
                yield path.startsWith("/refsets/") ? REFSET : null;
            }
            default -> null;
        };
    }

    /** {@code application/json; charset=utf-8 -> application/json}; null stays null. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return a.substring(7).strip();
    }

    private void checkHost(String host) {
        if (host == null) {
            return; // HTTP/1.0 without Host: not a browser, which always sends one
        }
        if (host.equals(lastHost)) {
            return; // clients send the same Host on every request: compared, not parsed again
        }
        String name = hostName(host);
        if (name == null || !(isIpLiteral(name) || hosts.contains(name.toLowerCase(Locale.ROOT)))) {
            throw new RefusedException(
                    "misdirected_request",
                    "this service does not answer for the host '" + host + "'; use its address or a name in"
                            + " allowed-hosts",
                    Map.of("host", host));
        }
        lastHost = host;
    }

    /** The last Host value allowed (any thread's; a stale one is only a slower check). */
    private volatile String lastHost;

    /**
     * An origin is allowed when listed, or when it is the service's own (the page at {@code /ui} calling
     * the API: its origin names the same host and port as the {@code Host} header, which has passed the
     * host check, so a rebinding page cannot pass for it).
     */
    private void checkOrigin(String origin, String host) {
        if (origin == null) {
            return;
        }
        String o = origin.strip().toLowerCase(Locale.ROOT);
        boolean own = host != null && o.equals("http://" + host.strip().toLowerCase(Locale.ROOT));
        if (!own && !origins.contains(o)) {
            throw new RefusedException(
                    "forbidden_origin",
                    "requests from the web origin '" + origin + "' are not allowed (see allowed-origins)",
                    Map.of("origin", origin));
        }
    }

    /** The name part of a Host header: {@code [::1]:8080 -> ::1}, {@code a.example:80 -> a.example}. */
    static String hostName(String host) {
        String h = host.strip();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? null : h.substring(1, close);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0) {
                return null; // a bare IPv6 address must be bracketed in Host
            }
            h = h.substring(0, colon);
        }
        return h.isEmpty() ? null : h;
    }

    /** A dotted-quad IPv4 or an IPv6 literal, decided by syntax alone (no name lookup). */
    static boolean isIpLiteral(String name) {
        // a plain scan: this runs on every request (a split and lambdas here cost ~3% of a GET /, profiled)
        if (name.indexOf(':') >= 0) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            return true;
        }
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || value > 255 || ++parts > 4) {
                    return false;
                }
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    /** Paths any client may GET without a token: the health probe and static, data-free documents. */
    private static boolean isOpen(String path) {
        return switch (path) {
            case "/health", "/openapi.json", "/ui", "/ui/", "/ui/app.js", "/ui/style.css" -> true;
            default -> false;
        };
    }
}
