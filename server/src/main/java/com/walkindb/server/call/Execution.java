package com.walkindb.server.call;

import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import java.util.List;

/**
 * Steps 6 and 7 of the order of checks (docs/API.md): an in-flight slot, the walk-in's gate, then
 * the statements; and what the executor reported, as an {@link Outcome}.
 */
public final class Execution {
    private final InFlightLimit inFlight;
    private final Walkins walkins;

    public Execution(InFlightLimit inFlight, Walkins walkins) {
        this.inFlight = inFlight;
        this.walkins = walkins;
    }

    /** The in-flight slot is held from before the gate until the statements are done. */
    Outcome run(Session session, String sql, CallArgs args) throws InterruptedException {
        return run(() -> walkins.run(session.walkinId(), session.created(), sql, args));
    }

    /** {@link #run}, for a batch's entries: one slot, one gate pass, one transaction. */
    Outcome runBatch(Session session, List<BatchEntry> entries) throws InterruptedException {
        return run(() -> walkins.runBatch(session.walkinId(), session.created(), entries));
    }

    private interface Attempt {
        Walkins.Attempt make() throws InterruptedException;
    }

    private Outcome run(Attempt work) throws InterruptedException {
        if (!inFlight.tryEnter()) {
            return new Outcome.ServerBusy();
        }
        Walkins.Attempt attempt;
        try {
            attempt = work.make();
        } finally {
            // Before the answer goes out: a caller that has its answer must find its slot free.
            inFlight.exit();
        }
        return switch (attempt) {
            case Walkins.Attempt.Busy b -> new Outcome.WalkinBusy();
            case Walkins.Attempt.NoSlot n -> new Outcome.ServerBusy();
            case Walkins.Attempt.Ran ran -> outcome(ran.outcome());
        };
    }

    private Outcome outcome(CallOutcome executed) {
        return switch (executed) {
            case CallOutcome.Success s -> new Outcome.Answered(new Answer(s.body(), s.release(), s.answerMemory()));
            case CallOutcome.InvalidSql e -> new Outcome.InvalidSql(e.message(), e.hint(), e.statement());
            case CallOutcome.Forbidden f -> new Outcome.ForbiddenSql(f.what(), f.statement());
            case CallOutcome.InvalidArgs a -> new Outcome.InvalidArgs(a.why());
            case CallOutcome.RowTooLarge r -> new Outcome.RowTooLarge(r.statement());
            case CallOutcome.Timeout t -> new Outcome.Timeout();
            case CallOutcome.StorageFull f -> new Outcome.StorageQuotaExceeded();
            case CallOutcome.ServerStorageFull f -> new Outcome.ServerStorageFull();
            // SQLite's heap or the answer budget is held by other callers: busy, not broken.
            case CallOutcome.OutOfMemory m -> new Outcome.ServerBusy();
            case CallOutcome.InstanceGone g -> new Outcome.WalkinNotFound();
            // Killed with its worker process: nothing committed, and a retry finds a fresh worker.
            case CallOutcome.WorkerLost w -> new Outcome.ServerBusy();
            case CallOutcome.InEntry e -> new Outcome.InEntry(e.entry(), outcome(e.failure()));
        };
    }
}
