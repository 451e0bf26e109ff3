package com.walkindb.server.instance;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One call at a time per walk-in (docs/API.md, order of checks step 6). A gate exists only while someone holds or
 * waits for it, so idle walk-ins cost nothing here; waiting is fair (first come, first served).
 */
public final class InstanceGates {
    private static final class Gate {
        final Semaphore permit = new Semaphore(1, true);
        int users; // guarded by the map's compute lock for this key
    }

    private final ConcurrentHashMap<UUID, Gate> gates = new ConcurrentHashMap<>();

    /** A held gate; closing it lets the next call in. */
    public final class Pass implements AutoCloseable {
        private final UUID id;
        private final Gate gate;
        private boolean closed;

        private Pass(UUID id, Gate gate) {
            this.id = id;
            this.gate = gate;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                gate.permit.release();
                leave(id);
            }
        }
    }

    /** Waits up to {@code wait} for the walk-in's gate; null when it stayed busy that long. */
    public Pass enter(UUID id, Duration wait) throws InterruptedException {
        Gate gate = gates.compute(id, (k, g) -> {
            Gate r = g == null ? new Gate() : g;
            r.users++;
            return r;
        });
        boolean entered = false;
        try {
            entered = wait.isZero() ? gate.permit.tryAcquire()
                    : gate.permit.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            if (!entered) {
                leave(id);
            }
        }
        return entered ? new Pass(id, gate) : null;
    }

    private void leave(UUID id) {
        gates.computeIfPresent(id, (k, g) -> --g.users == 0 ? null : g);
    }
}
