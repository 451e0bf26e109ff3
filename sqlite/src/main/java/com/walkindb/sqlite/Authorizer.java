package com.walkindb.sqlite;

/**
 * Decides, while SQLite compiles a statement, whether each action it needs is allowed
 * ({@code sqlite3_set_authorizer}). Called on the thread that prepares the statement.
 *
 * <p>An implementation must not throw: the binding turns any throwable into {@link #DENY}, because
 * an exception escaping a native upcall would end the JVM.
 */
@FunctionalInterface
public interface Authorizer {
    int OK = 0;
    int DENY = 1;
    int IGNORE = 2;

    // Action codes (sqlite3.h).
    int CREATE_INDEX = 1, CREATE_TABLE = 2, CREATE_TEMP_INDEX = 3, CREATE_TEMP_TABLE = 4,
            CREATE_TEMP_TRIGGER = 5, CREATE_TEMP_VIEW = 6, CREATE_TRIGGER = 7, CREATE_VIEW = 8,
            DELETE = 9, DROP_INDEX = 10, DROP_TABLE = 11, DROP_TEMP_INDEX = 12, DROP_TEMP_TABLE = 13,
            DROP_TEMP_TRIGGER = 14, DROP_TEMP_VIEW = 15, DROP_TRIGGER = 16, DROP_VIEW = 17,
            INSERT = 18, PRAGMA = 19, READ = 20, SELECT = 21, TRANSACTION = 22, UPDATE = 23,
            ATTACH = 24, DETACH = 25, ALTER_TABLE = 26, REINDEX = 27, ANALYZE = 28,
            CREATE_VTABLE = 29, DROP_VTABLE = 30, FUNCTION = 31, SAVEPOINT = 32, RECURSIVE = 33;

    /**
     * @param action one of the action codes above
     * @param arg1 first detail (table, pragma or function name, ...), may be null
     * @param arg2 second detail (column, pragma argument, ...), may be null
     * @param database the schema name ("main", "temp"), may be null
     * @param trigger the innermost trigger or view responsible, may be null
     * @return {@link #OK}, {@link #DENY} or {@link #IGNORE}
     */
    int authorize(int action, String arg1, String arg2, String database, String trigger);
}
