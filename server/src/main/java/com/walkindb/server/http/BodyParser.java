package com.walkindb.server.http;

import com.walkindb.server.config.Limits;
import com.walkindb.server.json.JsonTree;

/**
 * Strict JSON for POST /sql bodies (docs/API.md, "invalid json"): a UTF-8 object, no repeated
 * key, at most 32 levels deep, no number literal over 100 characters, nothing after the object,
 * and no string or key that SQLite would not get unchanged (malformed UTF-8 bytes, or half of a
 * surrogate pair written as an escape, backslash-u D800 to DFFF). {@code args} is kept as a
 * plain tree (List, Map, String, Long, BigInteger, Double, Boolean, null) for {@link ArgsReader},
 * because the order of checks looks at {@code sql} before the args' shape; so is {@code batch}.
 * A body with both {@code sql} and {@code batch} is not acceptable JSON either. The strict
 * reading itself is {@link JsonTree}'s, shared with POST /mcp.
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

    private final JsonTree json;

    /** A parser for bodies within {@link Limits#maxJsonDepth()} and {@link Limits#maxNumberChars()}. */
    BodyParser(Limits limits) {
        // A body is far smaller than 64 KiB of string; Jackson needs some bound.
        this.json = new JsonTree(limits.maxJsonDepth(), limits.maxNumberChars(), 64 * 1024);
    }

    /** The body's fields, or why it is not acceptable JSON. */
    Body read(byte[] bytes) throws InvalidJson {
        Fields f = new Fields();
        try {
            json.parseObject(bytes, f);
        } catch (JsonTree.Invalid e) {
            throw new InvalidJson(e.getMessage());
        }
        if (f.sqlPresent && f.batch != null) {
            throw new InvalidJson("both sql and batch");
        }
        return new Body(f.sql, f.argsPresent, f.args, f.batch);
    }

    /** The fields that matter, as they are read; unknown ones are ignored (but must be valid JSON). */
    private static final class Fields implements JsonTree.FieldSink {
        String sql;
        boolean sqlPresent;
        boolean argsPresent;
        Object args;
        Object batch;

        @Override
        public void field(String name, Object value) {
            switch (name) {
                case "sql" -> {
                    sql = value instanceof String s ? s : null;
                    sqlPresent = value != null;
                }
                case "args" -> {
                    args = value;
                    argsPresent = value != null; // null counts as absent
                }
                case "batch" -> batch = value;
                default -> { }
            }
        }
    }
}
