package com.walkindb.sqlite;

/** The on/off switches of {@code sqlite3_db_config} that walkindb sets, with SQLite's op codes. */
public enum DbConfig {
    ENABLE_FKEY(1002),
    ENABLE_TRIGGER(1003),
    ENABLE_LOAD_EXTENSION(1005),
    DEFENSIVE(1010),
    WRITABLE_SCHEMA(1011),
    DQS_DML(1013),
    DQS_DDL(1014),
    ENABLE_VIEW(1015),
    TRUSTED_SCHEMA(1017);

    final int op;

    DbConfig(int op) {
        this.op = op;
    }
}
