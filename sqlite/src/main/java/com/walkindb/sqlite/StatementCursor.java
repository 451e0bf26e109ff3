package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Walks the statements of a multi-statement SQL text: {@link #next()} compiles the next one,
 * skipping whitespace and comments, and returns null at the end. The SQL is copied to native
 * memory once (the connection's scratch memory when it is free, else an arena of the
 * cursor's own); the cursor owns that memory and every statement it handed out, and
 * {@link #close()} gives them all back.
 */
public final class StatementCursor implements AutoCloseable {
    private final SqliteConnection connection;
    /** Null when the connection's scratch memory holds the text; else an arena of the cursor's own. */
    private final Arena arena;
    private final MemorySegment sql;
    private final MemorySegment stmtOut;
    private final MemorySegment tailOut;
    private final long end;
    private long offset;
    private SqliteStatement current;
    private boolean closed;

    StatementCursor(SqliteConnection connection, String text) {
        this.connection = connection;
        connection.checkThread();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment memory = connection.leaseScratch(16L + utf8.length + 1);
        this.arena = memory == null ? Arena.ofConfined() : null;
        if (memory == null) {
            memory = arena.allocate(16L + utf8.length + 1, 8);
        }
        this.stmtOut = memory.asSlice(0, ADDRESS.byteSize());
        this.tailOut = memory.asSlice(8, ADDRESS.byteSize());
        this.sql = memory.asSlice(16, utf8.length + 1L);
        MemorySegment.copy(utf8, 0, sql, JAVA_BYTE, 0, utf8.length);
        sql.set(JAVA_BYTE, utf8.length, (byte) 0);
        this.end = utf8.length; // without the terminating NUL
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
        if (closed) {
            return;
        }
        closed = true;
        closeCurrent();
        if (arena != null) {
            arena.close();
        } else {
            connection.returnScratch();
        }
    }
}
