package com.walkindb.server.mcp;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a tool's arguments against its {@code inputSchema} from tools.json, so that the schema the
 * model reads is the rule that is applied. Only the JSON Schema keywords tools.json uses are
 * understood (type, properties, required, additionalProperties, items, minItems, maxItems,
 * minLength, pattern, anyOf, propertyNames); a test keeps tools.json to them.
 */
public final class SchemaCheck {
    /** The keywords understood; descriptive ones ($schema, description) change nothing. */
    static final List<String> KEYWORDS = List.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minLength", "pattern", "anyOf", "propertyNames", "$schema", "description");

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private SchemaCheck() {}

    /** Null when {@code value} fits {@code schema}; else what is wrong, and where. */
    public static String problem(Map<String, Object> schema, Object value) {
        return check(schema, value, "");
    }

    private static String check(Map<String, Object> schema, Object value, String where) {
        Object type = schema.get("type");
        if (type instanceof String t && !hasType(t, value)) {
            return at(where) + "expected " + t + ", received " + typeOf(value);
        }
        if (schema.get("anyOf") instanceof List<?> options) {
            List<String> problems = new ArrayList<>();
            for (Object o : options) {
                String p = check(McpTools.map(o), value, where);
                if (p == null) {
                    problems = null;
                    break;
                }
                problems.add(p);
            }
            if (problems != null) {
                return problems.size() == 1 ? problems.getFirst()
                        : at(where) + "matches none of the allowed forms (" + String.join("; ", problems) + ")";
            }
        }
        if (value instanceof String s) {
            if (schema.get("minLength") instanceof Number n && s.codePointCount(0, s.length()) < n.intValue()) {
                return at(where) + "must have at least " + n + " character" + (n.intValue() == 1 ? "" : "s");
            }
            if (schema.get("pattern") instanceof String p
                    && !PATTERNS.computeIfAbsent(p, SchemaCheck::compile).matcher(s).find()) {
                return at(where) + "does not match the pattern " + p;
            }
        }
        if (value instanceof List<?> list) {
            if (schema.get("minItems") instanceof Number n && list.size() < n.intValue()) {
                return at(where) + "must have at least " + n + " item" + (n.intValue() == 1 ? "" : "s");
            }
            if (schema.get("maxItems") instanceof Number n && list.size() > n.intValue()) {
                return at(where) + "must have at most " + n + " items";
            }
            if (schema.get("items") instanceof Map<?, ?> items) {
                for (int i = 0; i < list.size(); i++) {
                    String p = check(McpTools.map(items), list.get(i), where + "[" + i + "]");
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        if (value instanceof Map<?, ?> object) {
            return checkObject(schema, McpTools.map(object), where);
        }
        return null;
    }

    private static String checkObject(Map<String, Object> schema, Map<String, Object> object, String where) {
        Map<String, Object> properties = schema.get("properties") instanceof Map<?, ?> m ? McpTools.map(m) : Map.of();
        if (schema.get("required") instanceof List<?> required) {
            for (Object name : required) {
                if (!object.containsKey((String) name)) {
                    return at(where.isEmpty() ? (String) name : where + "." + name) + "is required";
                }
            }
        }
        for (Map.Entry<String, Object> e : object.entrySet()) {
            String path = where.isEmpty() ? e.getKey() : where + "." + e.getKey();
            Object sub = properties.get(e.getKey());
            if (sub == null) {
                Object extra = schema.get("additionalProperties");
                if (Boolean.FALSE.equals(extra)) {
                    return at(path) + "is not a known field";
                }
                sub = extra instanceof Map<?, ?> ? extra : null;
            }
            if (sub != null) {
                String p = check(McpTools.map(sub), e.getValue(), path);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /** A JSON Schema (ECMAScript) pattern in Java: its final $ is the end of the text, never before a last newline. */
    private static Pattern compile(String pattern) {
        boolean dollar = pattern.endsWith("$") && !pattern.endsWith("\\$");
        return Pattern.compile(dollar ? pattern.substring(0, pattern.length() - 1) + "\\z" : pattern);
    }

    private static boolean hasType(String type, Object v) {
        return switch (type) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "number" -> v instanceof Long || v instanceof BigInteger || v instanceof Double;
            case "integer" -> v instanceof Long || v instanceof BigInteger
                    || v instanceof Double d && d == Math.rint(d) && !d.isInfinite();
            case "boolean" -> v instanceof Boolean;
            case "null" -> v == null;
            default -> false;
        };
    }

    private static String typeOf(Object v) {
        return switch (v) {
            case null -> "null";
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            case String s -> "string";
            case Boolean b -> "boolean";
            default -> "number";
        };
    }

    private static String at(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }
}
