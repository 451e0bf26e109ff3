package com.walkindb.server.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for state a test can observe (a file, a counter, a log line) with a generous deadline,
 * so that a test never sleeps a fixed time and hopes. Polling backs off from 1 ms to 50 ms: a
 * state that comes quickly is seen quickly, and a slow machine is not kept busier by the wait.
 */
public final class Await {
    private Await() {}

    /** A check that may read files or the server; an exception it throws fails the wait at once. */
    @FunctionalInterface
    public interface Check {
        boolean done() throws Exception;
    }

    /**
     * Reads {@code state} until {@code settled} holds for it or {@code timeout} passes, and
     * returns the last reading either way: for checks that judge the state themselves.
     */
    public static <T> T settle(Duration timeout, java.util.function.Supplier<T> state,
                               java.util.function.Predicate<T> settled) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            until("a settled state", timeout, () -> {
                last.set(state.get());
                return settled.test(last.get());
            });
        } catch (AssertionError timedOut) {
            // the caller judges the last reading
        }
        return last.get();
    }

    /** Returns once {@code check} is true; fails with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 1;
        try {
            while (!check.done()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what);
                }
                TimeUnit.MILLISECONDS.sleep(pauseMs); // the poll's back-off, not a synchronisation
                pauseMs = Math.min(50, pauseMs * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (AssertionError | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("could not check " + what, e);
        }
    }
}
