package com.walkindb.server.instance;

import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.server.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the open connections of recently used walk-ins so a hot walk-in skips the ~300 µs of
 * open + settings + close per call (docs/ARCHITECTURE.md). Only idle connections live here: a call
 * {@link #take}s its walk-in's connection out (under the walk-in's gate) and {@link #put}s it
 * back after resetting it, so no two threads ever hold one. Bounded in count; connections idle
 * longer than the idle time are closed by {@link #closeIdle()}, so idle walk-ins hold no memory.
 */
public final class ConnectionCache {
    private record Idle(WalkinConnection connection, long since) {}

    /** What the metrics show: calls that found their connection here, calls that opened one, connections parked now. */
    public record Figures(long hits, long misses, int size) {}

    private final ConcurrentHashMap<UUID, Idle> idle = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long idleNanos;
    /** Stamps and ages idle connections: tests move it to age them without waiting. */
    private final Ticker ticker;
    private volatile boolean closed;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public ConnectionCache(int capacity, Duration idleTime, Ticker ticker) {
        this.capacity = capacity;
        this.idleNanos = idleTime.toNanos();
        this.ticker = ticker;
    }

    /** Removes and returns the walk-in's idle connection for a call, claimed by the calling thread; or null. */
    public WalkinConnection take(UUID id) {
        WalkinConnection c = remove(id);
        (c != null ? hits : misses).increment();
        return c;
    }

    /** {@link #take} without counting a hit or a miss (evictions are not lookups). */
    private WalkinConnection remove(UUID id) {
        Idle i = idle.remove(id);
        if (i == null) {
            return null;
        }
        size.decrementAndGet();
        i.connection().claim();
        return i.connection();
    }

    /**
     * Parks a reset connection for the walk-in's next call. When the cache is full the connection
     * idle the longest is closed to make room: the walk-in just used is the likeliest to be next.
     */
    public void put(UUID id, WalkinConnection connection) {
        if (closed || capacity == 0) {
            connection.close();
            return;
        }
        while (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            if (!evictOldest()) {
                connection.close(); // everything cached is being taken right now: nothing to gain
                return;
            }
        }
        connection.release();
        Idle previous = idle.put(id, new Idle(connection, ticker.nanoTime()));
        if (previous != null) { // cannot happen under the gate; never leak if it does
            size.decrementAndGet();
            previous.connection().claim();
            previous.connection().close();
        }
    }

    private boolean evictOldest() {
        Map.Entry<UUID, Idle> oldest = null;
        for (Map.Entry<UUID, Idle> e : idle.entrySet()) {
            if (oldest == null || e.getValue().since() < oldest.getValue().since()) {
                oldest = e;
            }
        }
        if (oldest == null || !idle.remove(oldest.getKey(), oldest.getValue())) {
            return oldest != null; // lost a race for it: try again
        }
        size.decrementAndGet();
        oldest.getValue().connection().claim();
        oldest.getValue().connection().close();
        return true;
    }

    /** Closes the walk-in's idle connection, if any (before its files are deleted). */
    public void evict(UUID id) {
        WalkinConnection c = remove(id);
        if (c != null) {
            c.close();
        }
    }

    /** Closes connections idle past the idle time; returns how many. */
    public int closeIdle() {
        long now = ticker.nanoTime();
        int closed = 0;
        for (var e : idle.entrySet()) {
            if (now - e.getValue().since() > idleNanos && idle.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
                e.getValue().connection().claim();
                e.getValue().connection().close();
                closed++;
            }
        }
        return closed;
    }

    /** Closes everything and parks nothing from now on (shutdown). */
    public void closeAll() {
        closed = true;
        for (UUID id : idle.keySet()) {
            evict(id);
        }
    }

    public int size() {
        return size.get();
    }

    public Figures figures() {
        return new Figures(hits.sum(), misses.sum(), size.get());
    }
}
