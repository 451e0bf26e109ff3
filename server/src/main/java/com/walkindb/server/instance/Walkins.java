package com.walkindb.server.instance;

import com.walkindb.server.config.Limits;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs calls on walk-ins: waits at the walk-in's gate (docs/API.md, order of checks step 6), then
 * for a SQL slot, then hands the call to {@link WalkinCalls} (this process, or a SQL worker
 * process). The gate, the slots and the expiry check stay here, in the process that owns the
 * walk-ins' lifetimes: a worker killed mid-call can neither leave a gate held nor skip one.
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
    private final WalkinCalls calls;
    private final SqlWorkers workers;
    private final Limits limits;
    private final Ticker ticker;

    /** {@code workers} must measure on the same {@code ticker}: the two waits share one budget. */
    public Walkins(InstanceStore store, InstanceGates gates, WalkinCalls calls, SqlWorkers workers,
                   Limits limits, Ticker ticker) {
        this.limits = limits;
        this.ticker = ticker;
        this.store = store;
        this.gates = gates;
        this.calls = calls;
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
        return run(id, created, disk -> calls.execute(id, sql, args, disk));
    }

    /** {@link #run}, for a batch's entries (one transaction, one gate pass, one SQL slot). */
    public Attempt runBatch(UUID id, boolean created, List<BatchEntry> entries) throws InterruptedException {
        return run(id, created, disk -> calls.executeBatch(id, entries, disk));
    }

    /** Runs a data job on the walk-in, inside what the caller does with its files (see {@link JobAround}). */
    public interface JobCall {
        CallOutcome run(DataJob job) throws InterruptedException;
    }

    /**
     * What the transport does under the walk-in's gate around a data job: moves an upload into
     * the walk-in's directory before it, takes an export out after, and deletes both on every
     * path. Holding the gate, nothing else (no call, no sweep) touches the walk-in meanwhile.
     */
    public interface JobAround {
        CallOutcome run(Path walkinDir, JobCall job) throws Exception;
    }

    /** {@link #run}'s waits and checks, then {@code around} with the walk-in's directory and its jobs. */
    public Attempt runJob(UUID id, boolean created, JobAround around) throws InterruptedException {
        return run(id, created, disk -> {
            Path dir = store.directory(id);
            if (!Files.isDirectory(dir)) {
                return new CallOutcome.InstanceGone(); // an upload would be moved into nothing
            }
            try {
                return around.run(dir, job -> calls.job(id, job, disk));
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e); // a file the job needed could not be moved or opened
            }
        });
    }

    /** What runs once the gate and a slot are held, given the server's view of the disk. */
    private interface Work {
        CallOutcome on(DiskState disk) throws InterruptedException;
    }

    private Attempt run(UUID id, boolean created, Work work) throws InterruptedException {
        long waitEnd = ticker.nanoTime() + limits.gateWait().toNanos();
        try (InstanceGates.Pass pass = gates.enter(id, limits.gateWait())) {
            if (pass == null) {
                return new Attempt.Busy();
            }
            // Checked under the gate: the sweeper deletes only while holding it.
            if (!created && store.isExpired(id)) {
                return new Attempt.Ran(new CallOutcome.InstanceGone());
            }
            CallOutcome outcome = workers.runBy(waitEnd, () -> work.on(store.disk()));
            return outcome == null ? new Attempt.NoSlot() : new Attempt.Ran(outcome);
        }
    }

    /** Deletes an expired walk-in unless a call holds it right now (then the next sweep does). */
    public boolean tryDelete(UUID id) throws java.io.IOException, InterruptedException {
        try (InstanceGates.Pass pass = gates.enter(id, Duration.ZERO)) {
            if (pass == null) {
                return false;
            }
            calls.evict(id);
            store.delete(id);
            return true;
        }
    }
}
