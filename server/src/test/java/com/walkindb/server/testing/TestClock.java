package com.walkindb.server.testing;

import com.walkindb.server.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand; thread-safe so concurrent tests and the server can read it.
 * {@code new TestClock()} follows real time plus an offset the test moves forward (TTL and
 * budget tests against a running server); {@link #at} stands still at an instant until the test
 * advances or sets it (unit tests that need exact times).
 *
 * <p>As a {@link Ticker} (unit tests of deadlines, waits and idle times) it follows real time
 * plus the same offset. {@link TestServer} does not use it as the server's ticker: there,
 * deadlines stay on real time while a test moves the wall clock past a walk-in's expiry.
 */
public final class TestClock extends Clock implements Ticker {
    private volatile Duration offset = Duration.ZERO;
    /** {@code offset} in nanoseconds, kept apart so {@link #nanoTime} (the deadline check) does no arithmetic on it. */
    private volatile long offsetNanos;
    /** Where the clock stands before the offset; null: it follows real time. */
    private volatile Instant fixed;

    /** A clock that follows real time until the test moves it. */
    public TestClock() {}

    /** A clock that stands still at {@code isoInstant} (e.g. "2025-11-21T09:00:00Z") until moved. */
    public static TestClock at(String isoInstant) {
        TestClock clock = new TestClock();
        clock.set(isoInstant);
        return clock;
    }

    public synchronized void advance(Duration d) {
        offset = offset.plus(d);
        offsetNanos = offset.toNanos();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime() + offsetNanos;
    }

    /** From now on the clock stands still at {@code isoInstant}, until advanced or set again. */
    public void set(String isoInstant) {
        // one write, net of the offset, so a reader never sees half of the change
        fixed = Instant.parse(isoInstant).minus(offset);
    }

    @Override
    public Instant instant() {
        Instant base = fixed;
        return (base == null ? Instant.now() : base).plus(offset);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
