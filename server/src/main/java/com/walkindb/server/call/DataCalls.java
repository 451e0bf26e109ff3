package com.walkindb.server.call;

import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.InFlightLimit;

/**
 * POST /import and GET /db through the same steps as a call (docs/API.md, order of checks): the
 * transport runs {@link CallCore#admit} (step 2) and its own step 3, then {@link #reach} (step
 * 5: the session's walk-in, or a new one with the creation budgets), then {@link #run} (step 6:
 * an in-flight slot, the walk-in's gate and a SQL slot) around the data job.
 */
public final class DataCalls {
    private final WalkinResolver walkins;
    private final InFlightLimit inFlight;
    private final Walkins runner;
    private final InstanceStore store;

    public DataCalls(WalkinResolver walkins, InFlightLimit inFlight, Walkins runner, InstanceStore store) {
        this.walkins = walkins;
        this.inFlight = inFlight;
        this.runner = runner;
        this.store = store;
    }

    /** Step 5's verdict: the walk-in reached, or the result that ends the request (with the walk-in, if any). */
    public record Reach(Session session, CallResult stopped) {}

    /** Step 5. {@code token} null or empty provisions a walk-in, as a call without a session does. */
    public Reach reach(Caller caller, String token) {
        return switch (walkins.resolve(caller, token)) {
            case WalkinResolver.Resolution.Stopped s -> new Reach(s.result().session(), s.result());
            case WalkinResolver.Resolution.Reached r -> new Reach(r.session(), null);
        };
    }

    /** Whether the disk guard is tripped now: no upload is taken, no snapshot written. */
    public boolean storageFull() {
        return store.disk().tripped();
    }

    /**
     * Step 6 and the job: an in-flight slot ({@link Walkins.Attempt.NoSlot} when none), then the
     * walk-in's gate, expiry, a SQL slot, and {@code around}.
     */
    public Walkins.Attempt run(Session session, Walkins.JobAround around) throws InterruptedException {
        if (!inFlight.tryEnter()) {
            return new Walkins.Attempt.NoSlot();
        }
        try {
            return runner.runJob(session.walkinId(), session.created(), around);
        } finally {
            inFlight.exit();
        }
    }
}
