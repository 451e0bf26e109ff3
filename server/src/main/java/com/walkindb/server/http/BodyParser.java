package com.walkindb.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.walkindb.server.config.Limits;
import com.walkindb.server.json.JsonFactories;
import com.walkindb.server.json.StrictText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON for POST /sql bodies (docs/API.md, "invalid json"): a UTF-8 object, no repeated
 * key, at most 32 levels deep, no number literal over 100 characters, nothing after the object,
 * and no string or key that SQLite would not get unchanged (malformed UTF-8 bytes, or half of a
 * surrogate pair written as an escape, backslash-u D800 to DFFF). {@code args} is kept as a
 * plain tree (List, Map, String, Long, BigInteger, Double, Boolean, null) for {@link ArgsReader},
 * because the order of checks looks at {@code sql} before the args' shape; so is {@code batch}.
 * A body with both {@code sql} and {@code batch} is not acceptable JSON either.
 */
final class BodyParser {
    /**
     * The body's fields; {@code sql} null when absent or not a string; {@code batch} null when
     * absent or null (then the body is a single call).
     */
    record Body(String sql, boolean argsPresent, Object args, Object batch) {}

    /** The body is not acceptable JSON. */
    static final class InvalidJson extends Exception {
        InvalidJson(String why) {
            super(why, null, false, false);
        }
    }

    private final JsonFactory json;
    private final int maxNumberChars;

    /** A parser for bodies within {@link Limits#maxJsonDepth()} and {@link Limits#maxNumberChars()}. */
    BodyParser(Limits limits) {
        this.maxNumberChars = limits.maxNumberChars();
        this.json = JsonFactories.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .maxNumberLength(maxNumberChars)
                        .maxStringLength(64 * 1024) // a body is far smaller; Jackson needs some bound
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** The body's fields, or why it is not acceptable JSON. */
    Body read(byte[] bytes) throws InvalidJson {
        // Jackson's byte parser decodes leniently (overlong forms, CESU-8 surrogates and code
        // points past U+10FFFF come out as characters), so the bytes are checked first; that also
        // spares decoding the body into a String before parsing it. A byte-order mark, which
        // Jackson would skip, is not JSON text either.
        StrictText.Bytes scan = StrictText.scan(bytes);
        if (scan == StrictText.Bytes.MALFORMED || startsWithByteOrderMark(bytes)) {
            throw new InvalidJson("not UTF-8 JSON text");
        }
        // Well-formed bytes decode to whole surrogate pairs; only an escape can leave half of one.
        boolean escapes = scan == StrictText.Bytes.SURROGATE_ESCAPES;
        try (JsonParser p = json.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidJson("not an object");
            }
            String sql = null;
            boolean sqlPresent = false;
            boolean argsPresent = false;
            Object args = null;
            Object batch = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = exact(p.currentName(), escapes);
                JsonToken value = p.nextToken();
                switch (name) {
                    case "sql" -> {
                        Object v = tree(p, value, escapes);
                        sql = v instanceof String s ? s : null;
                        sqlPresent = v != null;
                    }
                    case "args" -> {
                        args = tree(p, value, escapes);
                        argsPresent = args != null; // null counts as absent
                    }
                    case "batch" -> batch = tree(p, value, escapes);
                    default -> tree(p, value, escapes); // unknown fields are ignored, but must be valid JSON
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InvalidJson("content after the object");
            }
            if (sqlPresent && batch != null) {
                throw new InvalidJson("both sql and batch");
            }
            return new Body(sql, argsPresent, args, batch);
        } catch (IOException e) { // includes Jackson's parse and constraint errors
            throw new InvalidJson(e.getMessage());
        }
    }

    /** The value starting at {@code t}; {@code escapes}: strings may hold a surrogate escape. */
    private Object tree(JsonParser p, JsonToken t, boolean escapes) throws IOException, InvalidJson {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = exact(p.currentName(), escapes);
                    map.put(key, tree(p, p.nextToken(), escapes));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(tree(p, e, escapes));
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
            default -> throw new InvalidJson("unexpected " + t);
        };
    }

    private void checkNumberLength(JsonParser p) throws IOException, InvalidJson {
        if (p.getTextLength() > maxNumberChars) {
            throw new InvalidJson("number literal over " + maxNumberChars + " characters");
        }
    }

    /** A decoded string or key, refused when an escape left half a surrogate pair in it. */
    private static String exact(String s, boolean escapes) throws InvalidJson {
        if (escapes && !StrictText.hasNoLoneSurrogate(s)) {
            throw new InvalidJson("lone surrogate escape");
        }
        return s;
    }

    private static boolean startsWithByteOrderMark(byte[] b) {
        return b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF;
    }
}
