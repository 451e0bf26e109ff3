package com.walkindb.server.instance;

import com.walkindb.server.ratelimit.LiveInstances;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
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

    public Sweeper(InstanceStore store, Walkins walkins, LiveInstances live, int maxPerRun) {
        this.store = store;
        this.walkins = walkins;
        this.live = live;
        this.maxPerRun = maxPerRun;
    }

    @Override
    public void run() {
        try {
            int deleted = sweep();
            if (deleted > 0) {
                LOG.debug("sweeper deleted {} expired walk-ins", deleted);
            }
        } catch (Throwable t) {
            LOG.error("sweeper run failed; the next run retries", t);
        }
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
        if (deleted.get() > 0) {
            store.disk().refresh(); // space came back: a tripped disk guard may clear now
        }
        return deleted.get();
    }
}
