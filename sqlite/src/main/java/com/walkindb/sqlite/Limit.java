package com.walkindb.sqlite;

/** The run-time limits of {@code sqlite3_limit}, with SQLite's numeric ids. */
public enum Limit {
    LENGTH(0),
    SQL_LENGTH(1),
    COLUMN(2),
    EXPR_DEPTH(3),
    COMPOUND_SELECT(4),
    VDBE_OP(5),
    FUNCTION_ARG(6),
    ATTACHED(7),
    LIKE_PATTERN_LENGTH(8),
    VARIABLE_NUMBER(9),
    TRIGGER_DEPTH(10),
    WORKER_THREADS(11);

    final int id;

    Limit(int id) {
        this.id = id;
    }
}
