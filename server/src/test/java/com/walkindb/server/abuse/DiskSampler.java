package com.walkindb.server.abuse;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Polls a walk-in's files every few milliseconds while a call runs; remembers the largest sizes. */
final class DiskSampler implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong maxWal = new AtomicLong();
    private volatile boolean running = true;

    DiskSampler(Path dir) {
        thread = Thread.ofPlatform().daemon().name("abuse-disk-sampler").start(() -> {
            while (running) {
                max.accumulateAndGet(AbuseSuite.onDisk(dir), Math::max);
                maxWal.accumulateAndGet(AbuseSuite.size(dir.resolve("db.sqlite-wal")), Math::max);
                try {
                    Thread.sleep(3); // the sampling interval; nothing waits on it
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Largest db.sqlite + -wal + -shm seen. */
    long max() {
        return max.get();
    }

    long maxWal() {
        return maxWal.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
    }
}
