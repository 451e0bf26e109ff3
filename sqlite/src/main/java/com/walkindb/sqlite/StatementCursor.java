package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Walks the statements of a multi-statement SQL text: {@link #next()} compiles the next one,
 * skipping whitespace and comments, and returns null at the end. The SQL is copied to native
 * memory once; the cursor owns that memory and every statement it handed out, and
 * {@link #close()} frees them all.
 */
public final class StatementCursor implements AutoCloseable {
    private final SqliteConnection connection;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment sql;
    private final MemorySegment stmtOut;
    private final MemorySegment tailOut;
    private final long end;
    private long offset;
    private SqliteStatement current;

    StatementCursor(SqliteConnection connection, String text) {
        this.connection = connection;
        connection.checkThread();
        this.sql = arena.allocateFrom(text);
        this.end = sql.byteSize() - 1; // without the terminating NUL
        this.stmtOut = arena.allocate(ADDRESS);
        this.tailOut = arena.allocate(ADDRESS);
    }

    /**
     * Compiles the next statement. The previous statement returned by this cursor is finalized
     * first. Returns null when only whitespace and comments remain.
     */
    public SqliteStatement next() throws SqliteException {
        MemorySegment db = connection.handle();
        closeCurrent();
        while (offset < end) {
            MemorySegment start = sql.asSlice(offset);
            int rc;
            try {
                rc = (int) Sqlite3.prepare_v3.invokeExact(db, start, (int) (end - offset), 0, stmtOut, tailOut);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (rc != Sqlite3.OK) {
                throw connection.lastError(rc);
            }
            MemorySegment stmt = stmtOut.get(ADDRESS, 0);
            long tail = tailOut.get(ADDRESS, 0).address() - sql.address();
            offset = tail <= offset ? end : tail;
            if (!stmt.equals(MemorySegment.NULL)) {
                current = new SqliteStatement(connection, stmt);
                return current;
            }
        }
        return null;
    }

    /**
     * Whether nothing but whitespace and semicolons follows the statement returned last: then it
     * was the text's last statement. A comment after its semicolon answers false (the cursor
     * has not looked into it); one before the semicolon or the end is part of the statement.
     */
    public boolean atEnd() {
        for (long i = offset; i < end; i++) {
            byte b = sql.get(JAVA_BYTE, i);
            if (b != ' ' && b != ';' && b != '\n' && b != '\r' && b != '\t' && b != '\f') {
                return false;
            }
        }
        return true;
    }

    /** Byte offset just past the statement returned last (useful for error positions). */
    public long offset() {
        return offset;
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
        arena.close();
    }
}
