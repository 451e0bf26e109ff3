package com.walkindb.server.sql;

import java.util.Set;

/**
 * The SQL functions callers may use: SQLite's core, date, aggregate, window, math and JSON
 * families plus the FTS5 auxiliary functions. Anything else (sqlite_compileoption_*, fts5(),
 * fts3_tokenizer, load_extension, readfile, ...) is refused by the authorizer.
 */
final class FunctionAllowlist {
    static final Set<String> FUNCTIONS = Set.of(
            // core scalar
            "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull",
            "iif", "instr", "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim",
            "max", "min", "nullif", "octet_length", "printf", "quote", "random", "randomblob", "replace",
            "round", "rtrim", "sign", "sqlite_source_id", "sqlite_version", "substr", "substring",
            "total_changes", "trim", "typeof", "unhex", "unicode", "unistr", "unistr_quote", "unlikely",
            "upper", "zeroblob", "match",
            // date and time
            "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
            "current_date", "current_time", "current_timestamp",
            // aggregate
            "avg", "count", "group_concat", "string_agg", "sum", "total",
            // window
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
            "first_value", "last_value", "nth_value",
            // math
            "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
            "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
            "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
            // JSON and JSONB
            "json", "jsonb", "json_array", "jsonb_array", "json_array_length", "json_error_position",
            "json_extract", "jsonb_extract", "->", "->>", "json_insert", "jsonb_insert", "json_object",
            "jsonb_object", "json_patch", "jsonb_patch", "json_pretty", "json_quote", "json_remove",
            "jsonb_remove", "json_replace", "jsonb_replace", "json_set", "jsonb_set", "json_type",
            "json_valid", "json_group_array", "jsonb_group_array", "json_group_object", "jsonb_group_object",
            // FTS5 auxiliary
            "bm25", "highlight", "snippet");

    /**
     * SQLite's own helpers for ALTER TABLE. They are internal functions: caller SQL cannot name
     * them (SQLite answers "no such function"), but ALTER TABLE compiles calls to them.
     */
    static final Set<String> INTERNAL = Set.of("sqlite_rename_table", "sqlite_rename_column",
            "sqlite_rename_test", "sqlite_drop_column", "sqlite_rename_quotefix");

    private FunctionAllowlist() {}
}
