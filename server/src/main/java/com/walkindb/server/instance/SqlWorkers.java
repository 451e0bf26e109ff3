package com.walkindb.server.instance;

import com.walkindb.server.time.Ticker;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Admits at most N calls into SQLite at once. Native SQLite calls pin the carrier thread of the
 * virtual thread that makes them; with no bound, a handful of CPU-heavy calls took every carrier
 * and froze even {@code /healthz}. N stays below the virtual-thread scheduler's parallelism
 * (8, see scripts/jvm-flags), so carriers are always left for everything else. Calls beyond N
 * wait here, parked (their carrier free), but never longer than they are told: a caller that
 * finds every slot taken for that long is answered busy instead of waiting behind slow calls.
 *
 * <p>A semaphore rather than a pool of platform threads: handing each call to another thread
 * and back cost two futex wake-ups per call, about twice the CPU of a cached {@code SELECT 1}.
 */
public final class SqlWorkers {
    private final Semaphore slots;
    private final int capacity;
    private final Ticker ticker;

    /** Wait budgets measured on {@link Ticker#SYSTEM}. */
    public SqlWorkers(int concurrency) {
        this(concurrency, Ticker.SYSTEM);
    }

    /** Wait budgets ({@link #runBy}) measured on {@code ticker}. */
    public SqlWorkers(int concurrency, Ticker ticker) {
        this.capacity = concurrency;
        this.slots = new Semaphore(concurrency, true);
        this.ticker = ticker;
    }

    /**
     * Runs the task on the calling thread once a slot is free, waiting at most {@code wait};
     * null when no slot came free in time (the task must never return null itself).
     */
    public <T> T run(Duration wait, Callable<T> task) throws InterruptedException {
        return runBy(ticker.nanoTime() + wait.toNanos(), task);
    }

    /**
     * {@link #run}, waiting until the ticker reads {@code waitEnd} at most (a budget shared with
     * an earlier wait). The semaphore blocks in real time; only the budget left is read from the
     * ticker, so a ticker moved past {@code waitEnd} leaves no wait at all.
     */
    public <T> T runBy(long waitEnd, Callable<T> task) throws InterruptedException {
        if (!slots.tryAcquire(Math.max(0, waitEnd - ticker.nanoTime()), TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            return task.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            slots.release();
        }
    }

    /** Slots taken now: calls past their walk-in's gate, running in SQLite. */
    /** How many calls may execute SQL at once. */
    public int capacity() {
        return capacity;
    }

    public int busy() {
        return capacity - slots.availablePermits();
    }
}
