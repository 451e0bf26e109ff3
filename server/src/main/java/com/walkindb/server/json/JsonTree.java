package com.walkindb.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain trees (Map, List, String, Long, BigInteger, Double, Boolean, null), for messages
 * whose shape is looked at as a whole (the JSON-RPC of POST /mcp). Reading is as strict as POST
 * /sql's (docs/API.md, "invalid json"): UTF-8 only, no byte-order mark, no repeated key, bounded
 * depth and number literals, no half of a surrogate pair, nothing after the value.
 */
public final class JsonTree {
    /** The text is not acceptable JSON. */
    public static final class Invalid extends Exception {
        public Invalid(String why) {
            super(why, null, false, false);
        }
    }

    /** JSON text already written, put into a tree as it is (e.g. a /sql answer inside an MCP result). */
    public record Raw(String json) {}

    private static final JsonFactory OUT = JsonFactories.plain();

    private final JsonFactory in;
    private final int maxNumberChars;

    public JsonTree(int maxDepth, int maxNumberChars, int maxStringLength) {
        this.maxNumberChars = maxNumberChars;
        this.in = JsonFactories.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(maxNumberChars)
                        .maxStringLength(maxStringLength)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** Receives the fields of an object read by {@link #parseObject}, in order. */
    public interface FieldSink {
        void field(String name, Object value) throws Invalid;
    }

    /** The one value in {@code bytes}, or why it is not acceptable JSON. */
    public Object parse(byte[] bytes) throws Invalid {
        boolean escapes = checkBytes(bytes);
        try (JsonParser p = in.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new Invalid("empty");
            }
            Object value = value(p, first, escapes);
            if (p.nextToken() != null) {
                throw new Invalid("content after the value");
            }
            return value;
        } catch (IOException e) { // Jackson's parse and constraint errors
            throw new Invalid(e.getMessage());
        }
    }

    /**
     * Text that must be one object (a POST /sql body): each field's value goes to {@code sink} as
     * a tree as soon as it is read, with no map of the whole object built per request.
     */
    public void parseObject(byte[] bytes, FieldSink sink) throws Invalid {
        boolean escapes = checkBytes(bytes);
        try (JsonParser p = in.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = exact(p.currentName(), escapes);
                sink.field(name, value(p, p.nextToken(), escapes));
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Invalid("content after the object");
            }
        } catch (IOException e) { // Jackson's parse and constraint errors
            throw new Invalid(e.getMessage());
        }
    }

    /**
     * Refuses bytes that are not UTF-8 or start with a byte-order mark (which Jackson would skip);
     * Jackson's byte parser decodes leniently (overlong forms, CESU-8 surrogates and code points
     * past U+10FFFF come out as characters), so this runs first. True when the text has escapes
     * that may stand for half a surrogate pair: only an escape can leave half of one.
     */
    private static boolean checkBytes(byte[] bytes) throws Invalid {
        StrictText.Bytes scan = StrictText.scan(bytes);
        if (scan == StrictText.Bytes.MALFORMED
                || bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            throw new Invalid("not UTF-8 JSON text");
        }
        return scan == StrictText.Bytes.SURROGATE_ESCAPES;
    }

    private Object value(JsonParser p, JsonToken t, boolean escapes) throws IOException, Invalid {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = exact(p.currentName(), escapes);
                    map.put(key, value(p, p.nextToken(), escapes));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(value(p, e, escapes));
                }
                yield list;
            }
            case VALUE_STRING -> exact(p.getText(), escapes);
            case VALUE_NUMBER_INT -> {
                checkNumberLength(p);
                yield switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> p.getBigIntegerValue();
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                checkNumberLength(p);
                yield p.getDoubleValue();
            }
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new Invalid("unexpected " + t);
        };
    }

    private void checkNumberLength(JsonParser p) throws IOException, Invalid {
        if (p.getTextLength() > maxNumberChars) {
            throw new Invalid("number literal over " + maxNumberChars + " characters");
        }
    }

    private static String exact(String s, boolean escapes) throws Invalid {
        if (escapes && !StrictText.hasNoLoneSurrogate(s)) {
            throw new Invalid("lone surrogate escape");
        }
        return s;
    }

    /** {@code tree} as compact JSON text in UTF-8. */
    public static byte[] write(Object tree) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = OUT.createGenerator(out)) {
            write(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case BigInteger b -> g.writeNumber(b);
            case Double d -> g.writeNumber(d);
            case Raw r -> g.writeRawValue(r.json());
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName((String) e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object e : l) {
                    write(g, e);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }
}
