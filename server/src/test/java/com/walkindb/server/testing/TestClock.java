package com.walkindb.server.testing;

import com.walkindb.server.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that follows real time plus an offset the test moves forward (TTL and budget tests).
 * As a {@link Ticker} (unit tests of deadlines, waits and idle times) it moves by the same
 * offset. {@link TestServer} does not use it as the server's ticker: there, deadlines stay on
 * real time while a test moves the wall clock past a walk-in's expiry.
 */
public final class TestClock extends Clock implements Ticker {
    private volatile Duration offset = Duration.ZERO;
    /** {@code offset} in nanoseconds, kept apart so {@link #nanoTime} (the deadline check) does no arithmetic on it. */
    private volatile long offsetNanos;

    public synchronized void advance(Duration d) {
        offset = offset.plus(d);
        offsetNanos = offset.toNanos();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime() + offsetNanos;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
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
