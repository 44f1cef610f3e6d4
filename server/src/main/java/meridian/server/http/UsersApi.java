package meridian.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.core.aggregate.AggregateSnapshot;
import meridian.core.error.InvalidInputException;
import meridian.server.StoreAccess;
import meridian.server.exec.EnrichService;
import meridian.server.json.EventCodec;
import meridian.server.json.Json;
import meridian.server.refs.RefSetRegistry;
import meridian.store.IngestResult;
import meridian.store.Store;
import meridian.store.User;
import meridian.store.UserDetails;
import meridian.store.UserPage;

/**
 * Users and events over HTTP: plain handlers over the store. Database calls block, which is what
 * the request's virtual thread is for; an event is acknowledged (2xx) only after its transaction committed.
 */
final class UsersApi {
    private static final JsonFactory FACTORY = Json.factory();

    private final StoreAccess store;
    private final RefSetRegistry registry;
    private final EnrichService service;

    UsersApi(StoreAccess store, RefSetRegistry registry, EnrichService service, long maxBodyBytes) {
        this.service = service;
        this.store = store;
        this.registry = registry;
    }

    void create(Exchange ex) throws IOException {
        Map<String, String> body = nameAndEmail(ex);
        User u = store.get().users().create(body.get("name"), body.get("email"));
        ex.status(201);
        ex.header(HttpHeaderNames.LOCATION, "/users/" + u.id());
        send(ex, user(u));
    }

    void get(Exchange ex) {
        UserDetails d = store.get().users().get(id(ex));
        Map<String, Object> m = user(d.user());
        m.put("aggregate", aggregate(d.aggregate()));
        send(ex, m);
    }

    void update(Exchange ex) throws IOException {
        long id = id(ex);
        Map<String, String> body = nameAndEmail(ex);
        send(ex, user(store.get().users().update(id, body.get("name"), body.get("email"))));
    }

    void delete(Exchange ex) {
        long id = id(ex);
        store.get().users().delete(id);
        send(ex, Map.of("deleted", id));
    }

    void list(Exchange ex) {
        int limit = (int) longOption(ex.queryFirst("limit"), "limit", 100, 1, 1000);
        long after = longOption(ex.queryFirst("after"), "after", 0, 0, Long.MAX_VALUE);
        for (String name : ex.queryNames()) {
            if (!name.equals("limit") && !name.equals("after")) {
                throw new InvalidInputException(
                        "invalid_option",
                        "unknown query option '" + name + "' (known: limit, after)",
                        Map.of("field", name));
            }
        }
        UserPage page = store.get().users().list(limit, after);
        List<Object> users = new ArrayList<>();
        for (User u : page.users()) {
            users.add(user(u));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users", users);
        m.put("next_after", page.nextAfter());
        send(ex, m);
    }

    void ingest(Exchange ex) throws IOException {
        var events = EventCodec.read(ex.body());
        Store db = store.get(); // 503 before any CPU is spent when the database is away
        // events are tagged with the service's default reference set, as /enrich is by default, on the CPU pool
        RefSetRegistry.Entry refs = registry.get(null);
        IngestResult r = db.events().ingest(events, service.tag(events, refs.enricher(), refs.set(), ex.deadlineNanos));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", r.accepted());
        m.put("duplicates", r.duplicates());
        send(ex, m);
    }

    private Map<String, String> nameAndEmail(Exchange ex) throws IOException {
        return parseUser(ex.body().readAllBytes());
    }

    /** The {@code name} and {@code email} of a user body; any other input is a 400 (fuzzed in DecoderFuzzTest). */
    static Map<String, String> parseUser(byte[] bytes) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the body must be a JSON object {\"name\": ..., \"email\": ...}", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("name") || field.equals("email")) {
                    if (v != JsonToken.VALUE_STRING) {
                        throw invalid(field + " must be a string", field);
                    }
                    out.put(field, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.io.CharConversionException e) {
            throw Json.inputError(e, "invalid_json");
        }
        for (String field : List.of("name", "email")) {
            if (!out.containsKey(field)) {
                throw invalid(field + " is missing", field);
            }
        }
        return out;
    }

    private static InvalidInputException invalid(String reason, String field) {
        return new InvalidInputException("invalid_user", reason, field == null ? Map.of() : Map.of("field", field));
    }

    private static long id(Exchange ex) {
        String text = ex.param;
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(
                "invalid_id",
                "a user id is a positive integer, got '" + text + "'",
                Map.of("field", "id", "value", text));
    }

    private static long longOption(String text, String name, long dflt, long min, long max) {
        if (text == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(
                "invalid_option",
                "query option " + name + " must be an integer between " + min + " and " + max + ", got '" + text + "'",
                Map.of("field", name, "value", text));
    }

    private static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("name", u.name());
        m.put("email", u.email());
        m.put("created_at", String.valueOf(u.createdAt()));
        m.put("updated_at", String.valueOf(u.updatedAt()));
        return m;
    }

    private static Map<String, Object> aggregate(AggregateSnapshot a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", a.count());
        boolean any = a.count() > 0;
        m.put("sum", a.sum());
        m.put("min", any ? a.min() : null);
        m.put("max", any ? a.max() : null);
        m.put("mean", any ? a.mean() : null);
        m.put("stddev", any ? a.stddev() : null);
        m.put("first_ts", a.firstTs());
        m.put("last_ts", a.lastTs());
        if (any && a.lastPlaceId() != null) {
            Map<String, Object> place = new LinkedHashMap<>();
            place.put("id", a.lastPlaceId());
            place.put("name", a.lastPlaceName());
            place.put("distance_km", a.lastPlaceKm());
            m.put("last_place", place);
        } else {
            m.put("last_place", null);
        }
        return m;
    }

    private static void send(Exchange ex, Object body) {
        ex.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
        ex.send(Json.bytes(body));
    }
}
