package com.walkindb.server.instance;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/**
 * Admits at most N calls into SQLite at once. Native SQLite calls pin the carrier thread of the
 * virtual thread that makes them; with no bound, a handful of CPU-heavy calls took every carrier
 * and froze even {@code /healthz}. N stays below the virtual-thread scheduler's parallelism
 * (8, see scripts/jvm-flags), so carriers are always left for everything else. Calls beyond N
 * wait here, parked (their carrier free); the circuit breaker bounds how many may wait.
 *
 * <p>A semaphore rather than a pool of platform threads: handing each call to another thread
 * and back cost two futex wake-ups per call, about twice the CPU of a cached {@code SELECT 1}.
 */
public final class SqlWorkers {
    private final Semaphore slots;
    private final int capacity;

    public SqlWorkers(int concurrency) {
        this.capacity = concurrency;
        this.slots = new Semaphore(concurrency, true);
    }

    /** Runs the task on the calling thread once a slot is free. */
    public <T> T run(Callable<T> task) throws InterruptedException {
        slots.acquire();
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
    public int busy() {
        return capacity - slots.availablePermits();
    }
}
