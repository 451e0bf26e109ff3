package com.walkindb.server.drain;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this node is being taken out (docs/DEPLOY.md, "Draining a node"): while it drains,
 * {@code GET /healthz} answers 503 so the proxy sends it no new walk-in, a call that would create
 * one is refused ({@code 503 server draining}), and every walk-in it holds is served until it
 * expires. The operator starts and ends it on the admin listener ({@code POST} and
 * {@code DELETE /drain}); a restart ends it too (nothing of it is written to disk).
 */
public final class Drain {
    private final Clock clock;
    /** When the drain began, or null while the node takes new walk-ins. */
    private final AtomicReference<Instant> since = new AtomicReference<>();

    public Drain(Clock clock) {
        this.clock = clock;
    }

    /** Starts draining; a second call keeps the first start time. */
    public Instant start() {
        since.compareAndSet(null, clock.instant());
        Instant s = since.get();
        return s != null ? s : clock.instant();
    }

    /** Takes new walk-ins again. */
    public void stop() {
        since.set(null);
    }

    public boolean draining() {
        return since.get() != null;
    }

    /** When the drain began, or null. */
    public Instant since() {
        return since.get();
    }
}
