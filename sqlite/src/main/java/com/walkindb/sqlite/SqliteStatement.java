package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One compiled statement. Parameters and columns are numbered as in SQLite: parameters from 1,
 * columns from 0. Values cross as Java types; text and blobs are copied, never shared.
 */
public final class SqliteStatement implements AutoCloseable {
    /** Column types as reported by {@link #columnType(int)}. */
    public static final int INTEGER = 1, FLOAT = 2, TEXT = 3, BLOB = 4, NULL = 5;

    private final SqliteConnection connection;
    private MemorySegment stmt;

    SqliteStatement(SqliteConnection connection, MemorySegment stmt) {
        this.connection = connection;
        this.stmt = stmt;
    }

    private MemorySegment handle() {
        connection.checkThread();
        if (stmt == null) {
            throw new IllegalStateException("statement is closed");
        }
        return stmt;
    }

    /**
     * Makes the statement ready to run again (its bindings stay until bound anew): one prepared
     * INSERT serves every row of an import.
     */
    public void reset() throws SqliteException {
        MemorySegment s = handle();
        int rc;
        try {
            rc = (int) Sqlite3.reset.invokeExact(s);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != Sqlite3.OK) {
            throw connection.lastError(rc);
        }
    }

    /** Advances to the next row: true for a row, false when done. */
    public boolean step() throws SqliteException {
        MemorySegment s = handle();
        int rc;
        try {
            rc = (int) Sqlite3.step.invokeExact(s);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc == Sqlite3.ROW) {
            return true;
        }
        if (rc == Sqlite3.DONE) {
            return false;
        }
        throw connection.lastError(rc);
    }

    public boolean isReadOnly() {
        try {
            return (int) Sqlite3.stmt_readonly.invokeExact(handle()) != 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * 1 for an {@code EXPLAIN} statement (its rows are the compiled program), 2 for
     * {@code EXPLAIN QUERY PLAN}, 0 for any other statement.
     */
    public int explainMode() {
        try {
            return (int) Sqlite3.stmt_isexplain.invokeExact(handle());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int parameterCount() {
        try {
            return (int) Sqlite3.bind_parameter_count.invokeExact(handle());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The parameter's name with its prefix (":a", "@a", "$a", "?7"), or null for a bare "?". */
    public String parameterName(int index) {
        try {
            return Sqlite3.string((MemorySegment) Sqlite3.bind_parameter_name.invokeExact(handle(), index));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public void bindLong(int index, long value) throws SqliteException {
        int rc;
        try {
            rc = (int) Sqlite3.bind_int64.invokeExact(handle(), index, value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(rc);
    }

    public void bindDouble(int index, double value) throws SqliteException {
        int rc;
        try {
            rc = (int) Sqlite3.bind_double.invokeExact(handle(), index, value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(rc);
    }

    public void bindNull(int index) throws SqliteException {
        int rc;
        try {
            rc = (int) Sqlite3.bind_null.invokeExact(handle(), index);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(rc);
    }

    public void bindText(int index, String value) throws SqliteException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        MemorySegment s = handle();
        int rc;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment copy = tmp.allocate(Math.max(1, utf8.length));
            MemorySegment.copy(utf8, 0, copy, JAVA_BYTE, 0, utf8.length);
            // SQLITE_TRANSIENT: SQLite takes its own copy before this arena is freed.
            rc = (int) Sqlite3.bind_text64.invokeExact(s, index, copy, (long) utf8.length, Sqlite3.TRANSIENT, Sqlite3.UTF8);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(rc);
    }

    public void bindBlob(int index, byte[] value) throws SqliteException {
        MemorySegment s = handle();
        int rc;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment copy = tmp.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, copy, JAVA_BYTE, 0, value.length);
            rc = (int) Sqlite3.bind_blob64.invokeExact(s, index, copy, (long) value.length, Sqlite3.TRANSIENT);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(rc);
    }

    private void check(int rc) throws SqliteException {
        if (rc != Sqlite3.OK) {
            throw connection.lastError(rc);
        }
    }

    public int columnCount() {
        try {
            return (int) Sqlite3.column_count.invokeExact(handle());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public String columnName(int column) {
        try {
            return Sqlite3.string((MemorySegment) Sqlite3.column_name.invokeExact(handle(), column));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int columnType(int column) {
        try {
            return (int) Sqlite3.column_type.invokeExact(handle(), column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public long columnLong(int column) {
        try {
            return (long) Sqlite3.column_int64.invokeExact(handle(), column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public double columnDouble(int column) {
        try {
            return (double) Sqlite3.column_double.invokeExact(handle(), column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The column's value as UTF-8 bytes (text as SQLite stores it; may be invalid UTF-8). */
    public byte[] columnTextBytes(int column) {
        try {
            MemorySegment s = handle();
            MemorySegment p = (MemorySegment) Sqlite3.column_text.invokeExact(s, column);
            return copy(s, p, column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public String columnText(int column) {
        return new String(columnTextBytes(column), StandardCharsets.UTF_8);
    }

    public byte[] columnBlob(int column) {
        try {
            MemorySegment s = handle();
            MemorySegment p = (MemorySegment) Sqlite3.column_blob.invokeExact(s, column);
            return copy(s, p, column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Size in bytes of a text or blob value (call after reading it as that type). */
    public int columnBytes(int column) {
        try {
            return (int) Sqlite3.column_bytes.invokeExact(handle(), column);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static byte[] copy(MemorySegment s, MemorySegment p, int column) throws Throwable {
        // column_bytes must come after column_text/column_blob (it reports the converted size).
        int n = (int) Sqlite3.column_bytes.invokeExact(s, column);
        if (n == 0 || p.equals(MemorySegment.NULL)) {
            return new byte[0];
        }
        byte[] out = new byte[n];
        MemorySegment.copy(p.reinterpret(n), JAVA_BYTE, 0, out, 0, n);
        return out;
    }

    /** Finalizes the statement. Idempotent. */
    @Override
    public void close() {
        if (stmt == null) {
            return;
        }
        connection.checkThread();
        try {
            int unusedRc = (int) Sqlite3.finalize_.invokeExact(stmt); // repeats the last step's error, already seen
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            stmt = null;
        }
    }
}
