package com.walkindb.sqlite;

/**
 * A failed SQLite call: the extended result code and SQLite's own message, read right after the
 * failure (before any other call on the connection could overwrite it).
 */
public final class SqliteException extends Exception {
    private final int code;

    public SqliteException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The extended result code, e.g. 13 (SQLITE_FULL) or 9 (SQLITE_INTERRUPT). */
    public int code() {
        return code;
    }

    /** The primary result code (the low byte of the extended code). */
    public int primaryCode() {
        return code & 0xff;
    }
}
