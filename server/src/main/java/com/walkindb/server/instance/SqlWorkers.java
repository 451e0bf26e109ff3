package com.walkindb.server.instance;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of platform threads that run all SQL. Native SQLite calls pin the carrier of a
 * virtual thread; running them on virtual threads let a handful of CPU-heavy calls take every
 * carrier and freeze even {@code /healthz}. Request threads stay virtual and only wait here
 * (parked, carrier free). The pool's size bounds how many calls execute at once; the circuit
 * breaker bounds how many may wait.
 */
public final class SqlWorkers implements AutoCloseable {
    private final ExecutorService pool;

    public SqlWorkers(int threads) {
        this.pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("walkindb-sql-", 0).daemon().factory());
    }

    /** Runs the task on a worker and waits for it; its exceptions are rethrown as they were. */
    public <T> T run(Callable<T> task) throws InterruptedException {
        Future<T> f = pool.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            // The call keeps running to its own end (its deadline bounds it); only the wait stops.
            throw e;
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
