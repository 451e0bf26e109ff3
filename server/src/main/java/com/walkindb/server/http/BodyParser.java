package com.walkindb.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.walkindb.server.json.JsonFactories;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON for POST /sql bodies (SPEC §2 "invalid json"): a UTF-8 object, no repeated key,
 * at most 32 levels deep, no number literal over 100 characters, nothing after the object.
 * {@code args} is kept as a plain tree (List, Map, String, Long, BigInteger, Double, Boolean,
 * null) for {@link ArgsReader}, because SPEC §1 checks {@code sql} before the args' shape.
 */
final class BodyParser {
    /** The body's two fields; {@code sql} null when absent or not a string. */
    record Body(String sql, boolean argsPresent, Object args) {}

    /** The body is not acceptable JSON. */
    static final class InvalidJson extends Exception {
        InvalidJson(String why) {
            super(why, null, false, false);
        }
    }

    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 100;

    private static final JsonFactory JSON = JsonFactories.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private BodyParser() {}

    static Body parse(byte[] bytes) throws InvalidJson {
        String text = utf8(bytes);
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidJson("not an object");
            }
            String sql = null;
            boolean argsPresent = false;
            Object args = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "sql" -> {
                        Object v = tree(p, value, 1);
                        sql = v instanceof String s ? s : null;
                    }
                    case "args" -> {
                        args = tree(p, value, 1);
                        argsPresent = args != null; // null counts as absent
                    }
                    default -> tree(p, value, 1); // unknown fields are ignored, but must be valid JSON
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InvalidJson("content after the object");
            }
            return new Body(sql, argsPresent, args);
        } catch (IOException e) { // includes Jackson's parse and constraint errors
            throw new InvalidJson(e.getMessage());
        }
    }

    private static Object tree(JsonParser p, JsonToken t, int depth) throws IOException, InvalidJson {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    map.put(key, tree(p, p.nextToken(), depth + 1));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(tree(p, e, depth + 1));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
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

    private static void checkNumberLength(JsonParser p) throws IOException, InvalidJson {
        if (p.getTextLength() > MAX_NUMBER_CHARS) {
            throw new InvalidJson("number literal over " + MAX_NUMBER_CHARS + " characters");
        }
    }

    private static String utf8(byte[] bytes) throws InvalidJson {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidJson("not UTF-8");
        }
    }

}
