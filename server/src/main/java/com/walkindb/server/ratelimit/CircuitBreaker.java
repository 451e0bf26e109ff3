package com.walkindb.server.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the SQL calls in flight (WALKINDB_MAX_INFLIGHT): past the bound the server answers
 * 503 at once instead of queueing without limit.
 */
public final class CircuitBreaker {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int max;

    public CircuitBreaker(int max) {
        this.max = max;
    }

    /** True when the call may proceed; it must then call {@link #exit()} exactly once. */
    public boolean tryEnter() {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    public void exit() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
