package com.walkindb.server.instance;

import com.walkindb.server.config.Limits;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallExecutor;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.ResultCodes;
import com.walkindb.sqlite.SqliteException;
import java.time.Duration;
import java.util.UUID;

/**
 * Runs calls on walk-ins: waits at the walk-in's gate (docs/API.md, order of checks step 6), then, on a SQL worker
 * thread, gets a connection (from the cache or freshly opened), executes, resets the connection
 * and parks it or closes it.
 */
public final class Walkins {
    /** The result of one attempt to run a call: busy, no SQL slot, or the executor's outcome. */
    public sealed interface Attempt {
        /** Another call held the walk-in's gate for the whole wait. */
        record Busy() implements Attempt {}

        /** Every SQL worker slot stayed taken for the rest of the wait. */
        record NoSlot() implements Attempt {}

        record Ran(CallOutcome outcome) implements Attempt {}
    }

    private final InstanceStore store;
    private final InstanceGates gates;
    private final ConnectionCache cache;
    private final SqlWorkers workers;
    private final AnswerMemory answerMemory;
    private final Limits limits;
    private final Ticker ticker;

    /** {@code workers} must measure on the same {@code ticker}: the two waits share one budget. */
    public Walkins(InstanceStore store, InstanceGates gates, ConnectionCache cache, SqlWorkers workers,
                   AnswerMemory answerMemory, Limits limits, Ticker ticker) {
        this.answerMemory = answerMemory;
        this.limits = limits;
        this.ticker = ticker;
        this.store = store;
        this.gates = gates;
        this.cache = cache;
        this.workers = workers;
    }

    /**
     * Waits for the walk-in's gate, then for a SQL slot, then runs the call. Both waits share one
     * budget of {@link Limits#gateWait()}: the gate is held while waiting for a slot, so a call
     * never holds it (and its in-flight slot) longer than that before it runs. The budget is
     * measured on the ticker; the semaphores underneath still block in real time, each for what
     * the ticker says is left of it.
     */
    public Attempt run(UUID id, boolean created, String sql, CallArgs args) throws InterruptedException {
        long waitEnd = ticker.nanoTime() + limits.gateWait().toNanos();
        try (InstanceGates.Pass pass = gates.enter(id, limits.gateWait())) {
            if (pass == null) {
                return new Attempt.Busy();
            }
            // Checked under the gate: the sweeper deletes only while holding it.
            if (!created && store.isExpired(id)) {
                return new Attempt.Ran(new CallOutcome.InstanceGone());
            }
            CallOutcome outcome = workers.runBy(waitEnd, () -> execute(id, sql, args));
            return outcome == null ? new Attempt.NoSlot() : new Attempt.Ran(outcome);
        }
    }

    /** On a SQL worker thread, under the walk-in's gate. */
    private CallOutcome execute(UUID id, String sql, CallArgs args) {
        WalkinConnection connection = cache.take(id);
        if (connection == null) {
            try {
                connection = WalkinConnection.open(store.databaseFile(id), limits, ticker);
                connection.diskCheck(store.disk()::nearlyFullNow);
            } catch (SqliteException e) {
                if (e.primaryCode() != ResultCodes.NOMEM && store.disk().nearlyFullNow()) {
                    return new CallOutcome.ServerStorageFull(); // e.g. no room for the -wal file
                }
                return switch (e.primaryCode()) {
                    case ResultCodes.CANTOPEN -> new CallOutcome.InstanceGone();
                    // Other tenants hold the shared SQLite heap right now: busy, not broken.
                    case ResultCodes.NOMEM -> new CallOutcome.OutOfMemory();
                    default -> throw new IllegalStateException("cannot open walk-in " + id + ": " + e.getMessage(), e);
                };
            }
        }
        if (store.disk().tripped() && !freezeSize(connection)) {
            return new CallOutcome.ServerStorageFull();
        }
        CallOutcome outcome;
        try {
            outcome = CallExecutor.execute(connection, sql, args, answerMemory);
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        if (connection.resetAfterCall()) {
            cache.put(id, connection);
        } else {
            connection.close();
        }
        return outcome;
    }

    /** The disk guard is tripped: this call may read and rewrite pages, not add any (false: closed, refuse it). */
    private static boolean freezeSize(WalkinConnection connection) {
        try {
            connection.freezeSize();
            return true;
        } catch (SqliteException | RuntimeException e) {
            connection.close();
            return false;
        }
    }

    /** Deletes an expired walk-in unless a call holds it right now (then the next sweep does). */
    public boolean tryDelete(UUID id) throws java.io.IOException, InterruptedException {
        try (InstanceGates.Pass pass = gates.enter(id, Duration.ZERO)) {
            if (pass == null) {
                return false;
            }
            cache.evict(id);
            store.delete(id);
            return true;
        }
    }
}
