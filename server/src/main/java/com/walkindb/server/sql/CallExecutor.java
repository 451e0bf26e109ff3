package com.walkindb.server.sql;

import com.walkindb.sqlite.ResultCodes;
import com.walkindb.sqlite.Sqlite;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import java.util.Iterator;
import java.util.List;

/**
 * Runs one call's SQL on a walk-in connection as one transaction (docs/API.md, "Every call is
 * atomic"): BEGIN, each statement in order with its args, COMMIT; any failure rolls the whole
 * call back. The caller's BEGIN/COMMIT/END are accepted and skipped; SAVEPOINT, RELEASE and
 * ROLLBACK TO run natively; a plain ROLLBACK discards the call so far and a new transaction
 * starts for the statements after it. After a call that wrote, the WAL is checkpointed and
 * truncated so the walk-in's files stay within the cap at rest.
 *
 * <p>The transaction begins just before the first statement steps. A call whose whole text is
 * one read-only statement with columns (a SELECT, a read-only PRAGMA) runs without BEGIN and
 * COMMIT: SQLite reads it in a transaction of its own, which is all the atomicity one read needs,
 * and the two saved statements are a fifth of the SQL layer's time for a small SELECT.
 *
 * <p>A batch ({@link #executeBatch}) is one such transaction over all its entries: each entry
 * binds its own args and yields its own result ({@link ResultBuilder#forBatch}), and a failure
 * names the entry ({@link CallOutcome.InEntry}) and rolls back every entry.
 */
public final class CallExecutor {
    private CallExecutor() {}

    public static CallOutcome execute(WalkinConnection connection, String sql, CallArgs args, AnswerMemory memory) {
        return new Run(connection, sql, args, null, null, memory).run();
    }

    /**
     * Runs a script (POST /import) given as its statement texts in order, exactly as one call's
     * text: one transaction, the same authorizer and answer; statements are numbered across the
     * texts. Reading them one by one keeps SQLite from copying the rest of a long script at
     * every statement it compiles.
     */
    public static CallOutcome executeScript(WalkinConnection connection, Iterator<String> statements,
                                            AnswerMemory memory) {
        return new Run(connection, null, CallArgs.None.INSTANCE, null, statements, memory).run();
    }

    /** Runs a batch's entries in order as one transaction; the answer has one result per entry. */
    public static CallOutcome executeBatch(WalkinConnection connection, List<BatchEntry> entries, AnswerMemory memory) {
        return new Run(connection, null, null, entries, null, memory).run();
    }

    /** The state of one call. */
    private static final class Run {
        private final WalkinConnection connection;
        private final SqliteConnection db;
        private final CallAuthorizer auth;
        /** A batch's entries; null for a single call. */
        private final List<BatchEntry> batch;
        /** The entry running (1-based), 0 outside a batch's entries. */
        private int entry;
        /** A script's statement texts (POST /import); null otherwise. */
        private final Iterator<String> script;
        private String sql;
        private ArgBinder binder;
        private final ResultBuilder result;
        private final AnswerMemory memory;
        private long rowsAffected;
        private boolean wrote;
        private int statement;
        private boolean compiling;
        private boolean heapStayedFull;
        /** BEGIN ran (the call's transaction is open, or was until a ROLLBACK opened the next). */
        private boolean begun;

        Run(WalkinConnection connection, String sql, CallArgs args, List<BatchEntry> batch, Iterator<String> script,
            AnswerMemory memory) {
            this.batch = batch;
            this.script = script;
            this.result = batch == null ? new ResultBuilder(memory, connection.limits())
                    : ResultBuilder.forBatch(memory, connection.limits(), batch.size());
            this.memory = memory;
            this.connection = connection;
            this.db = connection.sqlite();
            this.auth = connection.authorizer();
            this.sql = sql;
            this.binder = batch == null ? new ArgBinder(args) : null;
        }

        CallOutcome run() {
            connection.startDeadline();
            try {
                CallOutcome failure = batch == null ? runEntry() : runEntries();
                if (failure != null) {
                    return failure;
                }
                statement = 0;
                if (begun) {
                    db.exec("COMMIT");
                }
                byte[] body = batch == null ? result.body(rowsAffected) : result.batchBody();
                return new CallOutcome.Success(body, result.handOver(), memory);
            } catch (SqliteException e) {
                return inEntry(failure(e));
            } finally {
                finish();
            }
        }

        /** The statements of the call, or of the current entry, and then the args they left unused. */
        private CallOutcome runEntry() throws SqliteException {
            CallOutcome failure = script == null ? runStatements() : runScript();
            if (failure != null) {
                return failure;
            }
            String leftover = binder.finish();
            return leftover == null ? null : new CallOutcome.InvalidArgs(leftover);
        }

        /** A script's statements in order, as one text whose statements count on from the last. */
        private CallOutcome runScript() throws SqliteException {
            while (script.hasNext()) {
                sql = script.next();
                CallOutcome failure = runStatements();
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        }

        /** A batch's entries in order, each with its own args, statement count and result. */
        private CallOutcome runEntries() throws SqliteException {
            for (BatchEntry e : batch) {
                entry++;
                sql = e.sql();
                binder = new ArgBinder(e.args());
                statement = 0;
                rowsAffected = 0;
                result.startEntry();
                CallOutcome failure = runEntry();
                if (failure != null) {
                    return inEntry(failure);
                }
                result.finishEntry(rowsAffected);
            }
            entry = 0; // a failure of the COMMIT belongs to no entry
            return null;
        }

        /** A failure that names a statement or the args, with the batch entry it happened in. */
        private CallOutcome inEntry(CallOutcome failure) {
            return switch (failure) {
                case CallOutcome.InvalidSql x when entry > 0 -> new CallOutcome.InEntry(entry, x);
                case CallOutcome.Forbidden x when entry > 0 -> new CallOutcome.InEntry(entry, x);
                case CallOutcome.InvalidArgs x when entry > 0 -> new CallOutcome.InEntry(entry, x);
                case CallOutcome.RowTooLarge x when entry > 0 -> new CallOutcome.InEntry(entry, x);
                default -> failure;
            };
        }

        private CallOutcome runStatements() throws SqliteException {
            try (StatementCursor cursor = db.compile(sql)) {
                while (true) {
                    auth.startStatement();
                    compiling = true;
                    statement++;
                    SqliteStatement st = compileNext(cursor);
                    compiling = false;
                    if (st == null) {
                        statement--;
                        return null;
                    }
                    CallOutcome failure = runStatement(st, cursor);
                    if (failure != null) {
                        return failure;
                    }
                }
            }
        }

        /**
         * Compiles the next statement. SQLite says NOMEM while compiling both for an over-long
         * program (the caller's fault) and for a heap that other calls filled (nobody's). Those
         * calls free their memory the moment they fail themselves, so a look at the heap after
         * the failure cannot tell the two apart. The statement is compiled once more as soon as
         * the heap has room: an over-long program fails again, a statement that met a passing
         * squeeze goes through. A heap that stays full makes the call busy (503).
         */
        private SqliteStatement compileNext(StatementCursor cursor) throws SqliteException {
            try {
                return cursor.next();
            } catch (SqliteException e) {
                if (e.primaryCode() != ResultCodes.NOMEM || auth.timedOut()) {
                    throw e;
                }
                if (!awaitHeapRoom(connection.limits().heapRoomWait().toMillis())) {
                    heapStayedFull = true;
                    throw e;
                }
                auth.startStatement();
                return cursor.next();
            }
        }

        /**
         * Waits up to {@code waitMs} ms for SQLite's heap to be at most half full. Counted in
         * sleeps, not read from a ticker: the wait is for other threads to free real memory.
         */
        private static boolean awaitHeapRoom(long waitMs) {
            long limit = Sqlite.hardHeapLimit();
            for (int waited = 0; limit > 0 && Sqlite.memoryUsed() > limit / 2; waited++) {
                if (waited >= waitMs) {
                    return false;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        /**
         * Opens the call's transaction unless it is open. Compiling BEGIN goes through the
         * authorizer too, so what it recorded of the caller's statement is read before this.
         */
        private void begin() throws SqliteException {
            if (!begun) {
                db.exec("BEGIN");
                begun = true;
            }
        }

        /** The whole call is this one statement, it reads only, and it has columns (not SAVEPOINT or RELEASE). */
        private boolean soleRead(SqliteStatement st, StatementCursor cursor) {
            return batch == null && script == null && statement == 1 && st.columnCount() > 0 && st.isReadOnly()
                    && cursor.atEnd();
        }

        private CallOutcome runStatement(SqliteStatement st, StatementCursor cursor) throws SqliteException {
            if (st.explainMode() == 1) {
                // EXPLAIN lists the compiled program, whose operands hold native heap addresses
                // (a virtual table's "vtab:55BC6D3A3C28"). EXPLAIN QUERY PLAN (mode 2) holds none.
                return new CallOutcome.Forbidden("EXPLAIN", statement);
            }
            // Read what compiling showed before stepping: stepping may compile nested SQL of its
            // own (FTS5 fills its shadow tables when created), which must not count as the caller's.
            boolean direct = auth.writesRows();
            switch (auth.txCommand()) {
                case BEGIN, COMMIT -> {
                    return null; // the call is already one transaction; it commits when the call ends
                }
                case ROLLBACK -> {
                    begin(); // a ROLLBACK with nothing begun would fail in SQLite
                    st.step();
                    rowsAffected = 0;
                    if (batch != null) {
                        result.discardEarlierRowsAffected();
                    }
                    db.exec("BEGIN");
                    return null;
                }
                case NONE -> { }
            }
            if (!soleRead(st, cursor)) {
                begin();
            }
            String argProblem = binder.bind(st, statement);
            if (argProblem != null) {
                return new CallOutcome.InvalidArgs(argProblem);
            }
            int columns = st.columnCount();
            boolean readOnly = st.isReadOnly();
            if (!readOnly) {
                wrote = true; // set before stepping: a failed write can still have grown the WAL
            }
            if (columns > 0) {
                if (!result.start(st, columns)) {
                    return new CallOutcome.RowTooLarge(statement);
                }
                while (st.step()) {
                    ResultBuilder.Added added = result.add(st, columns);
                    if (added == ResultBuilder.Added.ROW_TOO_LARGE) {
                        return new CallOutcome.RowTooLarge(statement);
                    }
                    if (added == ResultBuilder.Added.NO_MEMORY) {
                        return new CallOutcome.OutOfMemory(); // rolled back: nothing of it committed
                    }
                    if (added == ResultBuilder.Added.CAPPED && readOnly) {
                        break; // nothing more to see; a writing statement must still run to its end
                    }
                }
            } else {
                while (st.step()) {
                    // statements without columns return no rows
                }
            }
            if (direct) {
                rowsAffected += db.changes();
            }
            return null;
        }

        private CallOutcome failure(SqliteException e) {
            if (auth.timedOut()) {
                return new CallOutcome.Timeout();
            }
            if (auth.denial() != null) {
                // SQLite reports a refused function as a plain error ("not authorized to use
                // function: x"), not as SQLITE_AUTH: the authorizer's own record decides.
                return new CallOutcome.Forbidden(auth.denial(), statement);
            }
            if ((e.primaryCode() == ResultCodes.FULL || e.primaryCode() == ResultCodes.IOERR)
                    && connection.storageRefused()) {
                return new CallOutcome.ServerStorageFull(); // the volume's, not the caller's 10 MB
            }
            return switch (e.primaryCode()) {
                case ResultCodes.AUTH -> new CallOutcome.Forbidden(
                        auth.denial() != null ? auth.denial() : "not authorized", statement);
                case ResultCodes.INTERRUPT -> db.deadlineHit() ? new CallOutcome.Timeout()
                        : new CallOutcome.InvalidSql("interrupted", null, statement);
                case ResultCodes.FULL -> new CallOutcome.StorageFull();
                case ResultCodes.NOMEM -> compiling && !heapStayedFull && !nearHeapLimit()
                        // NOMEM twice while compiling (see compileNext), the heap not full now: the
                        // program is longer than LIMIT_VDBE_OP, or needs more than the whole heap
                        ? new CallOutcome.InvalidSql("statement too complex", null, statement)
                        : new CallOutcome.OutOfMemory();
                default -> {
                    ErrorHints.Explained x = new ErrorHints(connection.limits()).explain(db, e.getMessage(), sql);
                    yield new CallOutcome.InvalidSql(x.message(), x.hint(), statement);
                }
            };
        }

        private static boolean nearHeapLimit() {
            long limit = Sqlite.hardHeapLimit();
            return limit > 0 && Sqlite.memoryUsed() > limit - limit / 8;
        }

        /** Whatever happened: no transaction outlives the call, and a writing call's WAL is emptied. */
        private void finish() {
            result.releaseHeld(); // nothing after a success: the body took its share along
            try {
                if (!db.autocommit()) {
                    db.exec("ROLLBACK");
                }
            } catch (SqliteException | RuntimeException ignored) {
                // resetAfterCall() checks again and retires the connection if it is still in a transaction
            }
            db.clearDeadline();
            if (wrote) {
                try {
                    db.checkpointTruncate();
                } catch (SqliteException | RuntimeException ignored) {
                    // the next writing call checkpoints again; the WAL is still bounded by the page cap
                }
            }
        }
    }
}
