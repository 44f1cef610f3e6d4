package meridian.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.core.aggregate.Timestamps;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;
import meridian.store.Event;
import meridian.store.Events;

/**
 * Reads the body of {@code POST /events}: a JSON array of events or newline-delimited events, each
 * {@code {"id", "user_id", "point": {"lat", "lon"} | "lat", "lon", "value", "ts"}}, {@code ts} under core's
 * timestamp rule ({@link Timestamps}: ISO-8601 text or epoch seconds/milliseconds as a number). Unknown fields are
 * ignored. A bad event is reported with its position (0-based index), its line in the body and the field.
 */
public final class EventCodec {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(Json.READ_LIMITS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private EventCodec() {}

    public static List<Event> read(InputStream body) throws IOException {
        List<Event> events = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw error(p, -1, null, "the body is empty: send a JSON array of events or one event per line");
            }
            boolean array = first == JsonToken.START_ARRAY;
            JsonToken t = array ? p.nextToken() : first;
            while (t != null && t != JsonToken.END_ARRAY) {
                if (events.size() == Events.MAX_BATCH) {
                    throw new InvalidInputException(
                            "batch_too_large",
                            "at most " + Events.MAX_BATCH + " events per request",
                            Map.of("limit", Events.MAX_BATCH));
                }
                if (t != JsonToken.START_OBJECT) {
                    throw error(p, events.size(), null, "each event must be a JSON object");
                }
                events.add(event(p, events.size()));
                t = p.nextToken();
            }
            if (array && t == null) {
                throw error(p, events.size(), null, "the JSON array is not closed");
            }
            if (array && p.nextToken() != null) {
                throw error(p, events.size(), null, "unexpected content after the JSON array");
            }
        } catch (java.io.CharConversionException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // the one mapping of a parser's complaint (Json.inputError), with the event it was reading
            InvalidInputException bad = Json.inputError(e, "invalid_json");
            Map<String, Object> detail = new LinkedHashMap<>(bad.detail());
            detail.put("index", events.size());
            throw new InvalidInputException(bad.code(), bad.getMessage(), detail, e);
        }
        return events;
    }

    private static Event event(JsonParser p, int index) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        Long id = null;
        Long userId = null;
        Double lat = null;
        Double lon = null;
        Double value = null;
        String ts = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> id = integer(p, v, index, line, "id");
                case "user_id" -> userId = integer(p, v, index, line, "user_id");
                case "lat" -> lat = number(p, v, index, line, "lat");
                case "lon" -> lon = number(p, v, index, line, "lon");
                case "value" -> value = number(p, v, index, line, "value");
                case "ts" -> {
                    // core's one rule: ISO-8601 text or epoch seconds/milliseconds; a number (any JSON notation)
                    // is stored as its plain digits, a string as sent
                    if (v != JsonToken.VALUE_STRING
                            && v != JsonToken.VALUE_NUMBER_INT
                            && v != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw error(p, index, "ts", "ts " + Timestamps.RULE, line);
                    }
                    ts = v == JsonToken.VALUE_STRING
                            ? p.getText()
                            : p.getDecimalValue().toPlainString();
                    if (Timestamps.tryParseMicros(ts) == Timestamps.INVALID) {
                        throw error(p, index, "ts", "ts " + Timestamps.RULE + ", got '" + Excerpt.of(ts) + "'", line);
                    }
                }
                case "point" -> {
                    if (v != JsonToken.START_OBJECT) {
                        throw error(p, index, "point", "point must be an object {\"lat\": ..., \"lon\": ...}", line);
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken pv = p.nextToken();
                        switch (f) {
                            case "lat" -> lat = number(p, pv, index, line, "point.lat");
                            case "lon" -> lon = number(p, pv, index, line, "point.lon");
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (id == null) {
            throw error(p, index, "id", "id is missing", line);
        }
        if (userId == null) {
            throw error(p, index, "user_id", "user_id is missing", line);
        }
        if (lat == null || lon == null) {
            throw error(
                    p,
                    index,
                    lat == null ? "lat" : "lon",
                    "coordinates are missing: give point.lat and point.lon",
                    line);
        }
        if (value == null) {
            throw error(p, index, "value", "value is missing", line);
        }
        if (ts == null) {
            throw error(p, index, "ts", "ts is missing", line);
        }
        return new Event(id, userId, lat, lon, value, ts);
    }

    private static long integer(JsonParser p, JsonToken v, int index, int line, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw error(p, index, field, field + " must be an integer", line);
        }
        try {
            return p.getLongValue();
        } catch (com.fasterxml.jackson.core.exc.InputCoercionException e) {
            throw error(p, index, field, field + " does not fit in 64 bits", line);
        }
    }

    private static double number(JsonParser p, JsonToken v, int index, int line, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw error(p, index, field, field + " must be a number", line);
        }
        return p.getDoubleValue();
    }

    private static InvalidInputException error(JsonParser p, int index, String field, String reason) {
        return error(p, index, field, reason, p.currentTokenLocation().getLineNr());
    }

    private static InvalidInputException error(JsonParser p, int index, String field, String reason, int line) {
        Map<String, Object> detail = new LinkedHashMap<>();
        if (index >= 0) {
            detail.put("index", index);
        }
        detail.put("line", line);
        if (field != null) {
            detail.put("field", field);
        }
        String where = (index >= 0 ? "event " + index + " (line " + line + ")" : "line " + line)
                + (field == null ? "" : ", field '" + field + "'");
        return new InvalidInputException("invalid_event", where + ": " + reason, detail);
    }
}
