package com.walkindb.server.ratelimit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many live walk-ins each client holds, as a queue of expiry times per {@link ClientKey}
 * (docs/SECURITY.md, layer 7). Memory is bounded by the number of live walk-ins; a client whose
 * walk-ins all expired disappears. Rebuilt from the data directory at start-up (each walk-in's
 * recorded creator address mapped to today's key) so the cap survives restarts.
 */
public final class LiveInstances {
    private final ConcurrentHashMap<ClientKey, ArrayDeque<Long>> expiries = new ConcurrentHashMap<>();
    private final int maxPerIp;
    private final Clock clock;

    public LiveInstances(int maxPerIp, Clock clock) {
        this.maxPerIp = maxPerIp;
        this.clock = clock;
    }

    /** Reserves a place for a walk-in of {@code client} that expires at {@code expiresAtMillis}. */
    public Verdict tryReserve(ClientKey client, long expiresAtMillis) {
        long now = clock.millis();
        long[] waitMillis = {0};
        expiries.compute(client, (k, q) -> {
            ArrayDeque<Long> queue = q == null ? new ArrayDeque<>() : q;
            dropExpired(queue, now);
            if (queue.size() >= maxPerIp) {
                waitMillis[0] = Math.max(1, queue.peekFirst() - now);
            } else {
                insertSorted(queue, expiresAtMillis);
            }
            return queue.isEmpty() ? null : queue;
        });
        return waitMillis[0] == 0 ? Verdict.ALLOWED : Verdict.refused(waitMillis[0] * 1_000_000L);
    }

    /** Gives back a reservation whose walk-in was never created. */
    public void cancel(ClientKey client, long expiresAtMillis) {
        expiries.computeIfPresent(client, (k, q) -> {
            q.removeLastOccurrence(expiresAtMillis);
            return q.isEmpty() ? null : q;
        });
    }

    /** Records an existing walk-in found at start-up. */
    public void restore(ClientKey client, long expiresAtMillis) {
        if (client == null || expiresAtMillis <= clock.millis()) {
            return;
        }
        expiries.compute(client, (k, q) -> {
            ArrayDeque<Long> queue = q == null ? new ArrayDeque<>() : q;
            insertSorted(queue, expiresAtMillis);
            return queue;
        });
    }

    /** Forgets expired entries of clients that stopped creating (called by the sweeper). */
    public void prune() {
        long now = clock.millis();
        for (ClientKey client : expiries.keySet()) {
            expiries.computeIfPresent(client, (k, q) -> {
                dropExpired(q, now);
                return q.isEmpty() ? null : q;
            });
        }
    }

    private static void dropExpired(ArrayDeque<Long> queue, long now) {
        while (!queue.isEmpty() && queue.peekFirst() <= now) {
            queue.pollFirst();
        }
    }

    /** Expiries arrive almost always in order; keep the queue sorted for the rare exception. */
    private static void insertSorted(ArrayDeque<Long> queue, long expiry) {
        if (queue.isEmpty() || queue.peekLast() <= expiry) {
            queue.addLast(expiry);
            return;
        }
        ArrayDeque<Long> tail = new ArrayDeque<>();
        while (!queue.isEmpty() && queue.peekLast() > expiry) {
            tail.addFirst(queue.pollLast());
        }
        queue.addLast(expiry);
        queue.addAll(tail);
    }
}
