package com.walkindb.server.sql;

import com.walkindb.server.config.Config;
import com.walkindb.sqlite.DbConfig;
import com.walkindb.sqlite.Limit;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A SQLite connection to one walk-in's file with the server's settings in force (docs/API.md, sessions and walk-ins):
 * WAL, 10 MB page cap, busy timeout, the sqlite3_limit caps, DEFENSIVE, no double-quoted
 * strings, untrusted schema, the deadline check and, installed last, the authorizer.
 *
 * <p>Between calls the connection may sit in a cache; {@link #resetAfterCall()} closes any
 * transaction and re-applies the limits and switches, so every call starts from the same state.
 */
public final class WalkinConnection implements AutoCloseable {
    /** The limits of docs/API.md, applied on open and again after every call. */
    static final Map<Limit, Integer> LIMITS = Map.ofEntries(
            Map.entry(Limit.SQL_LENGTH, 8192), Map.entry(Limit.LENGTH, 1_000_000), Map.entry(Limit.COLUMN, 100),
            Map.entry(Limit.EXPR_DEPTH, 50), Map.entry(Limit.COMPOUND_SELECT, 10),
            Map.entry(Limit.VDBE_OP, 500_000), Map.entry(Limit.FUNCTION_ARG, 16), Map.entry(Limit.ATTACHED, 0),
            Map.entry(Limit.LIKE_PATTERN_LENGTH, 100), Map.entry(Limit.VARIABLE_NUMBER, 100),
            Map.entry(Limit.TRIGGER_DEPTH, 5), Map.entry(Limit.WORKER_THREADS, 0));
    private static final int OPS_BETWEEN_DEADLINE_CHECKS = 1000;

    private final SqliteConnection sqlite;
    private final CallAuthorizer authorizer;
    private BooleanSupplier diskNearlyFull = () -> false;
    private boolean sizeFrozen;

    private WalkinConnection(SqliteConnection sqlite) {
        this.sqlite = sqlite;
        this.authorizer = new CallAuthorizer(sqlite::deadlinePassed);
    }

    /**
     * Opens the walk-in's database, which must exist (a copy of {@link DatabaseTemplate}, already
     * in WAL mode): a deleted walk-in is never silently recreated.
     */
    public static WalkinConnection open(Path file) throws SqliteException {
        SqliteConnection c = SqliteConnection.open(file, false);
        try {
            c.busyTimeout(Config.BUSY_TIMEOUT_MS);
            // A walk-in never has two connections at once (its gate and the cache's take/put see
            // to that), so the connection may hold the file exclusively: SQLite then keeps the WAL
            // index in memory (no -shm file) and takes no file locks per transaction.
            c.exec("PRAGMA locking_mode=EXCLUSIVE");
            c.exec("PRAGMA max_page_count=" + Config.MAX_PAGE_COUNT);
            // The flattener's work inside sqlite3_prepare can grow with 2^depth of nested views
            // (seconds, out of reach of the deadline); without it the program grows instead and
            // the VDBE_OP limit stops it within a fraction of a second.
            c.disableOptimizations(SqliteConnection.QUERY_FLATTENER);
            WalkinConnection w = new WalkinConnection(c);
            w.applyLimitsAndSwitches();
            c.enableDeadline(OPS_BETWEEN_DEADLINE_CHECKS);
            c.authorizer(w.authorizer); // last: the server's own pragmas above must not be refused
            return w;
        } catch (SqliteException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void applyLimitsAndSwitches() throws SqliteException {
        for (var e : LIMITS.entrySet()) {
            sqlite.limit(e.getKey(), e.getValue());
        }
        sqlite.config(DbConfig.DEFENSIVE, true);
        sqlite.config(DbConfig.DQS_DML, false);
        sqlite.config(DbConfig.DQS_DDL, false);
        sqlite.config(DbConfig.TRUSTED_SCHEMA, false);
        sqlite.config(DbConfig.WRITABLE_SCHEMA, false);
        sqlite.config(DbConfig.ENABLE_FKEY, true);
    }

    SqliteConnection sqlite() {
        return sqlite;
    }

    /**
     * For the next call only (the disk guard is tripped): no page beyond those the database has,
     * so a write that would grow it fails with SQLITE_FULL before touching the disk.
     * {@code PRAGMA max_page_count} never goes below the current page count, so 1 means "as now".
     * {@link #resetAfterCall()} puts the 10 MB cap back.
     */
    public void freezeSize() throws SqliteException {
        sizeFrozen = true;
        serverPragma("PRAGMA max_page_count=1");
    }

    /** How a failed write learns whether the volume ran out of space (see {@link #storageRefused()}). */
    public void diskCheck(BooleanSupplier nearlyFull) {
        this.diskNearlyFull = nearlyFull;
    }

    /**
     * Whether a write that failed with SQLITE_FULL or an I/O error this call is the server's
     * storage (503), not the caller's 10 MB cap: the size was frozen, or the volume is (nearly) full.
     */
    boolean storageRefused() {
        return sizeFrozen || diskNearlyFull.getAsBoolean();
    }

    /** The server's own setting, past the authorizer (which refuses max_page_count to callers). */
    private void serverPragma(String sql) throws SqliteException {
        sqlite.authorizer(null);
        try {
            sqlite.exec(sql);
        } finally {
            sqlite.authorizer(authorizer);
        }
    }

    CallAuthorizer authorizer() {
        return authorizer;
    }

    /**
     * Makes the connection ready for the next call: no transaction open, limits and switches
     * as on open. Returns false when that cannot be guaranteed (the caller must close it).
     */
    public boolean resetAfterCall() {
        try {
            if (!sqlite.autocommit()) {
                sqlite.exec("ROLLBACK");
            }
            sqlite.clearDeadline();
            applyLimitsAndSwitches();
            if (sizeFrozen) {
                serverPragma("PRAGMA max_page_count=" + Config.MAX_PAGE_COUNT);
                sizeFrozen = false;
            }
            return sqlite.autocommit();
        } catch (SqliteException | RuntimeException e) {
            return false;
        }
    }

    /** Hands the connection to another thread: see {@link SqliteConnection#release()}. */
    public void release() {
        sqlite.release();
    }

    public void claim() {
        sqlite.claim();
    }

    @Override
    public void close() {
        sqlite.close();
    }
}
