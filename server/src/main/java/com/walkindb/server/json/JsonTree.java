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

    /** The one value in {@code bytes}, or why it is not acceptable JSON. */
    public Object parse(byte[] bytes) throws Invalid {
        StrictText.Bytes scan = StrictText.scan(bytes);
        if (scan == StrictText.Bytes.MALFORMED
                || bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            throw new Invalid("not UTF-8 JSON text");
        }
        boolean escapes = scan == StrictText.Bytes.SURROGATE_ESCAPES;
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
