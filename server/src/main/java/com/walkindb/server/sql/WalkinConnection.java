package com.walkindb.server.sql;

import com.walkindb.server.config.Limits;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.DbConfig;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A SQLite connection to one walk-in's file with the server's settings in force (docs/API.md, sessions and walk-ins):
 * WAL, 10 MB page cap, busy timeout, the sqlite3_limit caps, DEFENSIVE, no double-quoted
 * strings, untrusted schema, the deadline check and, installed last, the authorizer.
 *
 * <p>Between calls the connection may sit in a cache; {@link #resetAfterCall()} closes any
 * transaction (and re-applies the limits and switches after a call that compiled a PRAGMA), so
 * every call starts from the same state.
 */
public final class WalkinConnection implements AutoCloseable {

    private final SqliteConnection sqlite;
    private final CallAuthorizer authorizer;
    private final Limits limits;
    private final Ticker ticker;
    private BooleanSupplier diskNearlyFull = () -> false;
    private boolean sizeFrozen;

    private WalkinConnection(SqliteConnection sqlite, Limits limits, Ticker ticker) {
        this.sqlite = sqlite;
        this.limits = limits;
        this.ticker = ticker;
        this.authorizer = new CallAuthorizer(sqlite::deadlinePassed);
    }

    /**
     * Opens the walk-in's database, which must exist (a copy of {@link DatabaseTemplate}, already
     * in WAL mode): a deleted walk-in is never silently recreated. Its deadlines are measured
     * on {@code ticker}, its caps are those of {@code limits}.
     */
    public static WalkinConnection open(Path file, Limits limits, Ticker ticker) throws SqliteException {
        SqliteConnection c = SqliteConnection.open(file, false);
        try {
            c.busyTimeout(limits.busyTimeoutMs());
            // A walk-in never has two connections at once (its gate and the cache's take/put see
            // to that), so the connection may hold the file exclusively: SQLite then keeps the WAL
            // index in memory (no -shm file) and takes no file locks per transaction.
            c.exec("PRAGMA locking_mode=EXCLUSIVE");
            c.exec("PRAGMA max_page_count=" + limits.maxPageCount());
            // The flattener's work inside sqlite3_prepare can grow with 2^depth of nested views
            // (seconds, out of reach of the deadline); without it the program grows instead and
            // the VDBE_OP limit stops it within a fraction of a second.
            c.disableOptimizations(SqliteConnection.QUERY_FLATTENER);
            WalkinConnection w = new WalkinConnection(c, limits, ticker);
            w.applyLimitsAndSwitches();
            c.deadlineClock(ticker::nanoTime); // one method reference per connection, none per check
            c.enableDeadline(limits.opsBetweenDeadlineChecks());
            c.authorizer(w.authorizer); // last: the server's own pragmas above must not be refused
            return w;
        } catch (SqliteException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void applyLimitsAndSwitches() throws SqliteException {
        for (var e : limits.sqliteLimits().entrySet()) {
            sqlite.limit(e.getKey(), e.getValue());
        }
        sqlite.config(DbConfig.DEFENSIVE, true);
        sqlite.config(DbConfig.DQS_DML, false);
        sqlite.config(DbConfig.DQS_DDL, false);
        sqlite.config(DbConfig.TRUSTED_SCHEMA, false);
        sqlite.config(DbConfig.WRITABLE_SCHEMA, false);
        sqlite.config(DbConfig.ENABLE_FKEY, true);
    }

    public SqliteConnection sqlite() {
        return sqlite;
    }

    public Limits limits() {
        return limits;
    }

    /** Starts the call's deadline: {@link Limits#queryDeadline()} from now, on the connection's ticker. */
    public void startDeadline() {
        sqlite.deadline(ticker.nanoTime() + limits.queryDeadline().toNanos());
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
    public boolean storageRefused() {
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
     * as on open (re-applied only after a PRAGMA: {@link CallAuthorizer#takePragmaSeen()}).
     * Returns false when that cannot be guaranteed (the caller must close it).
     */
    public boolean resetAfterCall() {
        try {
            if (!sqlite.autocommit()) {
                sqlite.exec("ROLLBACK");
            }
            sqlite.clearDeadline();
            if (authorizer.takePragmaSeen()) {
                applyLimitsAndSwitches(); // see CallAuthorizer.takePragmaSeen: else nothing changed them
            }
            if (sizeFrozen) {
                serverPragma("PRAGMA max_page_count=" + limits.maxPageCount());
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
