package com.walkindb.server.sql;

import java.util.List;
import java.util.Map;

/** The bound parameters of one call: none, positional (a JSON array) or named (a JSON object). */
public sealed interface CallArgs {
    record None() implements CallArgs {
        public static final None INSTANCE = new None();
    }

    record Positional(List<SqlValue> values) implements CallArgs {}

    /** Keys are parameter names without their prefix: {@code "name"} binds :name, @name and $name. */
    record Named(Map<String, SqlValue> values) implements CallArgs {}
}
