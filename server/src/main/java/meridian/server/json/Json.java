package meridian.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.json.JsonTree;

/**
 * Small JSON documents (errors, reports, health) written from maps, lists and scalars, and the limits every
 * JSON parser of the service applies ({@link #READ_LIMITS}, {@link #inputError}).
 */
public final class Json {
    /**
     * What any JSON input may hold: numbers of at most {@link JsonTree#MAX_NUMBER_LENGTH} characters,
     * nesting at most {@link JsonTree#MAX_DEPTH} deep (the same limits as core's GeoJSON reader), strings
     * and names of at most 1 MiB and 1 KiB. Beyond them the parser stops at once with a
     * {@link StreamConstraintsException}, answered 400 {@code json_limit_exceeded}.
     */
    public static final StreamReadConstraints READ_LIMITS = StreamReadConstraints.builder()
            .maxNumberLength(JsonTree.MAX_NUMBER_LENGTH)
            .maxNestingDepth(JsonTree.MAX_DEPTH)
            .maxStringLength(1 << 20)
            .maxNameLength(1 << 10)
            .build();

    private static final JsonFactory FACTORY =
            JsonFactory.builder().streamReadConstraints(READ_LIMITS).build();

    private Json() {}

    /** A parser factory with {@link #READ_LIMITS}, for small documents (user bodies). */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * The client's mistake in {@code e}, thrown by a parser, as a 400; null when {@code e} is a real I/O
     * failure (the connection), which the caller rethrows. A limit is {@code json_limit_exceeded}, bad syntax
     * or a bad encoding (Jackson's {@link CharConversionException}, an {@code IOException} that a one-byte
     * body raises) is {@code code}.
     */
    public static InvalidInputException inputError(IOException e, String code) {
        return inputError(e, code, false);
    }

    /**
     * As {@link #inputError(IOException, String)} for a document that is one line of a stream ({@code oneLine}):
     * the parser's line is then always 1, so only its column is given, and the caller names the stream's line.
     */
    public static InvalidInputException inputError(IOException e, String code, boolean oneLine) {
        if (e instanceof StreamConstraintsException c) {
            return new InvalidInputException(
                    "json_limit_exceeded",
                    "the JSON is beyond this service's limits" + where(c.getLocation(), oneLine) + ": " + reason(c),
                    location(c.getLocation(), oneLine),
                    e);
        }
        if (e instanceof JsonProcessingException j) {
            return new InvalidInputException(
                    code,
                    "malformed JSON" + where(j.getLocation(), oneLine) + ": " + reason(j),
                    location(j.getLocation(), oneLine),
                    e);
        }
        if (e instanceof CharConversionException) {
            return new InvalidInputException(
                    code, "the body is not JSON in UTF-8, UTF-16 or UTF-32: " + e.getMessage(), Map.of(), e);
        }
        return null;
    }

    /**
     * What the parser found wrong, in words: Jackson's message without a location of its own that some messages
     * carry inside them (an unclosed object's start: "(start marker at [Source: REDACTED
     * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"). That location counts
     * from the start of what the parser was given, one line of NDJSON, so it named line 1 whatever the line;
     * the caller names the place. Compiled per use: it is the error path.
     */
    public static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "";
        }
        return m.contains("[Source: ")
                ? m.replaceAll("\\s*\\([^()]*\\[Source: [^\\]]*\\]\\)", "").replaceAll("\\s*\\[Source: [^\\]]*\\]", "")
                : m;
    }

    private static String where(JsonLocation at, boolean oneLine) {
        if (at == null || at.getLineNr() <= 0) {
            return "";
        }
        return oneLine
                ? " at column " + at.getColumnNr()
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Where the parser was, or nothing when it did not say (its limits' errors do not): never "line 0". */
    private static Map<String, Object> location(JsonLocation at, boolean oneLine) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (at != null && at.getLineNr() > 0) {
            if (!oneLine) {
                m.put("line", at.getLineNr());
            }
            m.put("column", at.getColumnNr());
        }
        return m;
    }

    /** Serializes maps (in iteration order), lists, strings, numbers, booleans and null. */
    public static byte[] bytes(Object value) {
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The error body every endpoint answers with: {@code {"error": code, "message": ..., "detail": {...}}}. */
    public static byte[] error(String code, String message, Map<String, ?> detail) {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("error", code);
        m.put("message", message);
        m.put("detail", detail);
        return bytes(m);
    }

    public static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> {
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    g.writeNull(); // JSON has no NaN or infinity, and a number is never sent as a string
                }
            }
            case Number n -> g.writeNumber(n.toString());
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> it -> {
                g.writeStartArray();
                for (Object o : it) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            default -> g.writeString(v.toString());
        }
    }
}
