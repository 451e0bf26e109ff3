package com.walkindb.server.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the SQL calls in flight (WALKINDB_MAX_INFLIGHT): past the bound the server answers
 * 503 at once instead of queueing without limit. A call counts from its walk-in's gate to the end
 * of its execution; step 2 of the order of checks (docs/API.md) only asks {@link #isFull()}, so a
 * client still sending its body (however slowly) holds no slot. (It was called a circuit breaker;
 * it trips on nothing but the count, so it is named for what it is.)
 */
public final class InFlightLimit {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int max;

    public InFlightLimit(int max) {
        this.max = max;
    }

    /** True when calls in flight have reached the bound: new calls are refused. */
    public boolean isFull() {
        return inFlight.get() >= max;
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
