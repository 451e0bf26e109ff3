package com.walkindb.server.time;

/**
 * The server's monotonic time, in nanoseconds, for everything measured as an interval: the query
 * deadline, the wait for a walk-in's gate and a SQL slot, the idle time of cached connections.
 * Wall time (expiry, budgets, log dates) comes from a {@link java.time.Clock} instead. Tests pass
 * a ticker they move forward, so a 2 s deadline passes without waiting 2 s.
 */
@FunctionalInterface
public interface Ticker {
    /** {@link System#nanoTime()}: what production runs on. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
