package com.walkindb.server.call;

import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.SqlValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the shape and value types of {@code args} (docs/API.md) and turns them into
 * {@link CallArgs}: an array binds positionally, an object by name (keys without prefix).
 */
final class ArgsReader {
    /** {@code args} is not acceptable; the message says why. */
    static final class InvalidArgs extends Exception {
        InvalidArgs(String why) {
            super(why, null, false, false);
        }
    }

    private ArgsReader() {}

    /** The args, at most {@code maxArgs} values, or why they are not acceptable. */
    static CallArgs read(boolean present, Object tree, int maxArgs) throws InvalidArgs {
        if (!present) {
            return CallArgs.None.INSTANCE;
        }
        if (tree instanceof List<?> list) {
            checkCount(list.size(), maxArgs);
            List<SqlValue> values = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                values.add(value(list.get(i), "args[" + i + "]"));
            }
            return new CallArgs.Positional(List.copyOf(values));
        }
        if (tree instanceof Map<?, ?> map) {
            checkCount(map.size(), maxArgs);
            Map<String, SqlValue> values = new LinkedHashMap<>();
            for (var e : map.entrySet()) {
                String key = (String) e.getKey();
                checkKey(key);
                values.put(key, value(e.getValue(), "args." + key));
            }
            return new CallArgs.Named(Map.copyOf(values));
        }
        throw new InvalidArgs("args must be an array (positional) or an object (named)");
    }

    private static void checkCount(int n, int maxArgs) throws InvalidArgs {
        if (n > maxArgs) {
            throw new InvalidArgs("at most " + maxArgs + " values, got " + n);
        }
    }

    private static void checkKey(String key) throws InvalidArgs {
        if (key.isEmpty()) {
            throw new InvalidArgs("an empty key names no parameter");
        }
        char first = key.charAt(0);
        if (first == ':' || first == '@' || first == '$' || first == '?') {
            throw new InvalidArgs("key \"" + key + "\" must be written without its prefix: \"" + key.substring(1) + "\"");
        }
    }

    private static SqlValue value(Object v, String where) throws InvalidArgs {
        return switch (v) {
            case null -> SqlValue.Null.INSTANCE;
            case Long n -> new SqlValue.Int(n);
            case BigInteger big -> throw new InvalidArgs(where + " is an integer outside the int64 range");
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new InvalidArgs(where + " is not a finite number");
                }
                yield new SqlValue.Real(d);
            }
            case String s -> new SqlValue.Text(s);
            case Boolean b -> new SqlValue.Int(b ? 1 : 0);
            case Map<?, ?> m -> blob(m, where);
            case List<?> l -> throw new InvalidArgs(where + " is an array; values must be scalars or {\"base64\": ...}");
            default -> throw new InvalidArgs(where + " has an unsupported type");
        };
    }

    private static SqlValue blob(Map<?, ?> m, String where) throws InvalidArgs {
        if (m.size() != 1 || !(m.get("base64") instanceof String text)) {
            throw new InvalidArgs(where + " is an object; the only object value is {\"base64\": \"<standard base64>\"}");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgs(where + ".base64 is not standard base64");
        }
        // One spelling only: padded, standard alphabet, no stray bits.
        if (text.length() % 4 != 0 || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new InvalidArgs(where + ".base64 is not standard padded base64");
        }
        return new SqlValue.Blob(bytes);
    }
}
