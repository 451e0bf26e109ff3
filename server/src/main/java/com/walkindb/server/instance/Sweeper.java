package com.walkindb.server.instance;

import com.walkindb.server.ratelimit.LiveInstances;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired walk-ins (docs/API.md, sessions and walk-ins: every 30 s). Each run survives its own failures: an error on
 * one walk-in is logged and the run goes on; an error of the whole run is logged and the next
 * run tries again. A run deletes at most {@code maxPerRun} walk-ins so it never hogs the disk.
 */
public final class Sweeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final InstanceStore store;
    private final Walkins walkins;
    private final LiveInstances live;
    private final int maxPerRun;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    /** Start-up until the first run ends: a sweeper that never runs looks stalled from start-up on. */
    private volatile long lastRunEndMillis = System.currentTimeMillis();
    private volatile long lastRunNanos;

    /** What the metrics show of the sweeper: runs so far, those that failed, walk-ins deleted, time spent. */
    public record Figures(long runs, long failedRuns, long expired, long busyNanos, long lastRunEndMillis,
                          long lastRunNanos) {}

    public Sweeper(InstanceStore store, Walkins walkins, LiveInstances live, int maxPerRun) {
        this.store = store;
        this.walkins = walkins;
        this.live = live;
        this.maxPerRun = maxPerRun;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            int deleted = sweep();
            if (deleted > 0) {
                LOG.debug("sweeper deleted {} expired walk-ins", deleted);
            }
        } catch (Throwable t) {
            failedRuns.incrementAndGet();
            LOG.error("sweeper run failed; the next run retries", t);
        } finally {
            long took = System.nanoTime() - start;
            busyNanos.addAndGet(took);
            lastRunNanos = took;
            lastRunEndMillis = System.currentTimeMillis();
            runs.incrementAndGet();
        }
    }

    public Figures figures() {
        return new Figures(runs.get(), failedRuns.get(), expired.get(), busyNanos.get(), lastRunEndMillis, lastRunNanos);
    }

    /** One pass; returns how many walk-ins it deleted. */
    public int sweep() throws IOException {
        AtomicInteger deleted = new AtomicInteger();
        store.forEachId(id -> {
            if (deleted.get() >= maxPerRun || !store.isExpired(id)) {
                return;
            }
            try {
                if (walkins.tryDelete(id)) {
                    deleted.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete expired walk-in {}: {}", id, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        live.prune();
        expired.addAndGet(deleted.get());
        if (deleted.get() > 0) {
            store.disk().refresh(); // space came back: a tripped disk guard may clear now
        }
        return deleted.get();
    }
}
