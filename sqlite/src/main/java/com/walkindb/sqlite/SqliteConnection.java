package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One open SQLite database connection.
 *
 * <p><b>Thread confinement.</b> SQLite is built with {@code SQLITE_THREADSAFE=2}: a connection and
 * its statements may be used by one thread at a time, and may move between threads in between.
 * The binding enforces it: the connection has an owner thread (the opener, then whoever
 * {@link #claim()}s it after the owner {@link #release()}d it) and every method except
 * {@link #interrupt()} throws {@link IllegalStateException} on any other thread.
 *
 * <p>Native memory never leaves the binding: callers see Java strings, arrays and numbers.
 */
public final class SqliteConnection implements AutoCloseable {
    private final long id;
    private final Object closeLock = new Object();
    private MemorySegment db;
    private volatile Thread owner;
    private volatile Authorizer authorizer;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean deadlineHit;
    /**
     * Native memory for one statement cursor at a time (its SQL text and two out-pointers),
     * kept for the connection's life: an arena per call was a quarter of what a cached
     * SELECT 1 allocated in the binding. Freed by the GC with the connection ({@code ofAuto}:
     * the connection moves between threads, and a shared arena's close stops every thread).
     */
    private MemorySegment scratch;
    private boolean scratchLeased;
    /** What deadlines are measured on; read by the progress handler, so a plain field read and call. */
    private volatile LongSupplier nanoTime = System::nanoTime;

    private SqliteConnection(MemorySegment db) {
        this.db = db;
        this.owner = Thread.currentThread();
        this.id = Callbacks.register(this);
    }

    /** Opens the database file at {@code path}, creating it if missing. */
    public static SqliteConnection open(Path path) throws SqliteException {
        return open(path, true);
    }

    /**
     * Opens the database file at {@code path}; with {@code create} false a missing file fails
     * with SQLITE_CANTOPEN. Symbolic links are refused ({@code SQLITE_OPEN_NOFOLLOW}); URIs are
     * not interpreted.
     */
    public static SqliteConnection open(Path path, boolean create) throws SqliteException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int flags = Sqlite3.OPEN_READWRITE | (create ? Sqlite3.OPEN_CREATE : 0) | Sqlite3.OPEN_NOMUTEX
                    | Sqlite3.OPEN_NOFOLLOW | Sqlite3.OPEN_EXRESCODE;
            int rc = (int) Sqlite3.open_v2.invokeExact(arena.allocateFrom(path.toString()), out, flags,
                    MemorySegment.NULL);
            MemorySegment handle = out.get(ADDRESS, 0);
            if (rc != Sqlite3.OK) {
                String msg = handle.equals(MemorySegment.NULL) ? "out of memory" : Sqlite3.string(
                        (MemorySegment) Sqlite3.errmsg.invokeExact(handle));
                int unusedRc = (int) Sqlite3.close_v2.invokeExact(handle); // the open's error is the one to report
                throw new SqliteException(rc, msg);
            }
            return new SqliteConnection(handle);
        } catch (SqliteException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Makes the current thread the owner; the connection must have been {@link #release()}d. */
    public void claim() {
        Thread me = Thread.currentThread();
        if (owner != null && owner != me) {
            throw new IllegalStateException("connection is owned by " + owner);
        }
        owner = me;
    }

    /** Gives up ownership so that another thread may {@link #claim()} the connection. */
    public void release() {
        checkThread();
        owner = null;
    }

    void checkThread() {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("SQLite connection used by " + Thread.currentThread()
                    + " while owned by " + owner);
        }
        if (db == null) {
            throw new IllegalStateException("connection is closed");
        }
    }

    MemorySegment handle() {
        checkThread();
        return db;
    }

    /** Runs SQL that returns no rows (the server's own settings); the authorizer applies. */
    public void exec(String sql) throws SqliteException {
        MemorySegment h = handle();
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) Sqlite3.exec.invokeExact(h, arena.allocateFrom(sql), MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc != Sqlite3.OK) {
                throw lastError(rc);
            }
        } catch (SqliteException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Bytes of {@link #leaseScratch}: a call's SQL text (8 KB at most by the body cap) fits. */
    static final long SCRATCH_BYTES = 16 * 1024;

    /** The connection's scratch memory if it is free and holds {@code bytes}, else null; give it back with {@link #returnScratch}. */
    MemorySegment leaseScratch(long bytes) {
        checkThread();
        if (scratchLeased || bytes > SCRATCH_BYTES) {
            return null;
        }
        if (scratch == null) {
            scratch = Arena.ofAuto().allocate(SCRATCH_BYTES, 8);
        }
        scratchLeased = true;
        return scratch;
    }

    void returnScratch() {
        scratchLeased = false;
    }

    /** Compiles the statements of {@code sql} one at a time, in order. */
    public StatementCursor compile(String sql) {
        return new StatementCursor(this, sql);
    }

    public int limit(Limit limit, int value) {
        try {
            return (int) Sqlite3.limit.invokeExact(handle(), limit.id, value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Current value of a limit. */
    public int limit(Limit limit) {
        return limit(limit, -1);
    }

    /** Sets an on/off {@code sqlite3_db_config} switch and returns the value now in force. */
    public boolean config(DbConfig option, boolean on) throws SqliteException {
        MemorySegment h = handle();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc = (int) Sqlite3.db_config_int.invokeExact(h, option.op, on ? 1 : 0, out);
            if (rc != Sqlite3.OK) {
                throw lastError(rc);
            }
            return out.get(JAVA_INT, 0) != 0;
        } catch (SqliteException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Switches off query-planner optimizations ({@code SQLITE_TESTCTRL_OPTIMIZATIONS}); the mask
     * holds SQLite's optimization bits, e.g. {@link #QUERY_FLATTENER}. A zero mask enables all.
     */
    public void disableOptimizations(int mask) {
        try {
            int unusedRc = (int) Sqlite3.test_control_db_int.invokeExact(15, handle(), mask); // returns the mask
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The query flattener's bit for {@link #disableOptimizations(int)}. */
    public static final int QUERY_FLATTENER = 0x00000001;

    public void busyTimeout(int millis) {
        try {
            int rc = (int) Sqlite3.busy_timeout.invokeExact(handle(), millis);
            if (rc != Sqlite3.OK) {
                throw new IllegalStateException("sqlite3_busy_timeout failed: " + rc);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Installs (or, with null, removes) the authorizer consulted while statements compile. */
    public void authorizer(Authorizer authorizer) {
        MemorySegment h = handle();
        this.authorizer = authorizer;
        try {
            MemorySegment stub = authorizer == null ? MemorySegment.NULL : Callbacks.AUTHORIZER_STUB;
            int rc = (int) Sqlite3.set_authorizer.invokeExact(h, stub, MemorySegment.ofAddress(id));
            if (rc != Sqlite3.OK) {
                throw new IllegalStateException("sqlite3_set_authorizer failed: " + rc);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Installs the deadline check: every {@code opsBetweenChecks} virtual-machine steps SQLite asks
     * whether {@link #deadline(long)} has passed and, if so, stops with SQLITE_INTERRUPT.
     */
    public void enableDeadline(int opsBetweenChecks) {
        try {
            Sqlite3.progress_handler.invokeExact(handle(), opsBetweenChecks, Callbacks.PROGRESS_STUB,
                    MemorySegment.ofAddress(id));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The monotonic time {@link #deadline(long)} is measured on ({@link System#nanoTime()} unless
     * set): tests pass a clock they move, so a deadline passes without waiting for it.
     */
    public void deadlineClock(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime);
    }

    /** Sets the time, on the {@link #deadlineClock}, after which running statements are interrupted. */
    public void deadline(long nanoTime) {
        deadlineHit = false;
        deadline = nanoTime;
    }

    public void clearDeadline() {
        deadline = Long.MAX_VALUE;
    }

    /** True when the last interruption came from the deadline. */
    public boolean deadlineHit() {
        return deadlineHit;
    }

    /** True once the {@link #deadline(long)} has passed (and remembers it in {@link #deadlineHit()}). */
    public boolean deadlinePassed() {
        if (deadline != Long.MAX_VALUE && nanoTime.getAsLong() - deadline > 0) {
            deadlineHit = true;
            return true;
        }
        return false;
    }

    int authorize(int action, String a1, String a2, String database, String trigger) {
        Authorizer a = authorizer;
        return a == null ? Authorizer.OK : a.authorize(action, a1, a2, database, trigger);
    }

    /** Asks the running statement to stop. Safe from any thread. */
    public void interrupt() {
        synchronized (closeLock) {
            if (db != null) {
                try {
                    Sqlite3.interrupt.invokeExact(db);
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }
        }
    }

    public long changes() {
        try {
            return (long) Sqlite3.changes64.invokeExact(handle());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** True when no transaction is open. */
    public boolean autocommit() {
        try {
            return (int) Sqlite3.get_autocommit.invokeExact(handle()) != 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Checkpoints the WAL into the database and truncates the WAL file to zero bytes. */
    public void checkpointTruncate() throws SqliteException {
        MemorySegment h = handle();
        try {
            int rc = (int) Sqlite3.wal_checkpoint_v2.invokeExact(h, MemorySegment.NULL, 3,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc != Sqlite3.OK) {
                throw lastError(rc);
            }
        } catch (SqliteException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    SqliteException lastError(int rc) {
        try {
            int ext = (int) Sqlite3.extended_errcode.invokeExact(db);
            String msg = Sqlite3.string((MemorySegment) Sqlite3.errmsg.invokeExact(db));
            return new SqliteException((ext & 0xff) == (rc & 0xff) ? ext : rc, msg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public boolean isOpen() {
        return db != null;
    }

    /** Closes the connection; statements still open are finalized by SQLite when they close. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (db == null) {
                return;
            }
            checkThread();
            try {
                int unusedRc = (int) Sqlite3.close_v2.invokeExact(db); // close_v2 defers, it does not fail
            } catch (Throwable t) {
                throw new AssertionError(t);
            } finally {
                db = null;
                Callbacks.unregister(id);
            }
        }
    }
}
