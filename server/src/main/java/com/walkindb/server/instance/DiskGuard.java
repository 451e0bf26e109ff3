package com.walkindb.server.instance;

import com.walkindb.server.config.Limits;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global disk guard (docs/SECURITY.md §5): when the data volume's free space falls below the
 * threshold, no walk-in is created and no walk-in grows (503 server storage full), so SQLite
 * never runs out of disk in the middle of a transaction and the server itself keeps room to work.
 *
 * <p>The threshold is the smaller of {@code WALKINDB_DISK_MIN_FREE_MB} and
 * {@code WALKINDB_DISK_MIN_FREE_PERCENT} of the volume; a 0 leaves its half out, and both 0 turn
 * the guard off. Requests read a cached verdict: {@link #refresh()} runs every second on the
 * housekeeping thread and after a write that failed for lack of space, never once per call.
 */
public final class DiskGuard implements DiskState {
    /** Where the figures come from: the data volume, or a test's. */
    public interface Space {
        long usableBytes() throws IOException;

        long totalBytes() throws IOException;

        /** The volume that holds {@code dir}. */
        static Space of(Path dir) throws IOException {
            FileStore store = Files.getFileStore(dir);
            return new Space() {
                @Override
                public long usableBytes() throws IOException {
                    return store.getUsableSpace();
                }

                @Override
                public long totalBytes() throws IOException {
                    return store.getTotalSpace();
                }
            };
        }

        /** Fixed figures (tests). */
        static Space fixed(long usable, long total) {
            return new Space() {
                @Override
                public long usableBytes() {
                    return usable;
                }

                @Override
                public long totalBytes() {
                    return total;
                }
            };
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    private static final long MIB = 1024 * 1024;

    private final Space volume;
    private final long minFreeBytes;
    private final int minFreePercent;
    /** See {@link Limits#nearlyFullBytes()}. */
    private final long nearlyFullBytes;
    private final Object lock = new Object();
    private volatile Space space;
    private volatile boolean tripped;
    private volatile long usable = Long.MAX_VALUE;
    private volatile long threshold;
    private boolean readFailed; // guarded by lock

    /** {@code nearlyFullBytes}: {@link Limits#nearlyFullBytes()}, below which a failed write is the disk's doing. */
    public DiskGuard(Space volume, long minFreeBytes, int minFreePercent, long nearlyFullBytes) {
        this.volume = volume;
        this.nearlyFullBytes = nearlyFullBytes;
        this.space = volume;
        this.minFreeBytes = minFreeBytes;
        this.minFreePercent = minFreePercent;
        refresh();
    }

    /** True while new walk-ins and growing writes are refused (a cached value, no I/O). */
    @Override
    public boolean tripped() {
        return tripped;
    }

    /**
     * Whether a write that just failed for lack of space (SQLITE_FULL, an I/O error, ENOSPC) is the
     * volume's doing: reads the figures afresh, then answers true when the guard is tripped or less
     * than {@link Limits#nearlyFullBytes()} are free. Only on failure paths.
     */
    @Override
    public boolean nearlyFullNow() {
        refresh();
        return nearlyFull();
    }

    /** {@link #nearlyFullNow()} as of the last reading (at most a second old): no I/O. */
    public boolean nearlyFull() {
        return tripped || usable < Math.max(threshold, nearlyFullBytes);
    }

    /** Free bytes on the data volume as of the last reading (no I/O). */
    public long usableBytes() {
        return usable;
    }

    /** Free bytes below which the guard trips, as of the last reading (0: the guard is off). */
    public long thresholdBytes() {
        return threshold;
    }

    /** Replaces where the figures come from (tests simulate a full volume; null: the real one again) and reads them now. */
    public void useSpace(Space source) {
        this.space = source == null ? volume : source;
        refresh();
    }

    /** Reads the free space and updates the verdict; logs when the guard trips and when it clears. */
    public void refresh() {
        synchronized (lock) {
            long free;
            long total;
            try {
                free = space.usableBytes();
                total = space.totalBytes();
            } catch (IOException | RuntimeException e) {
                if (!readFailed) {
                    readFailed = true;
                    LOG.warn("disk guard: cannot read the data volume's free space ({}); keeping the last verdict",
                            e.toString());
                }
                return;
            }
            readFailed = false;
            long limit = threshold(total);
            boolean trip = limit > 0 && free < limit;
            usable = free;
            threshold = limit;
            if (trip != tripped) {
                tripped = trip;
                if (trip) {
                    LOG.warn("disk guard tripped: {} MiB free on the data volume, below {} MiB: new walk-ins and "
                            + "writes that would grow one are refused (503 server storage full); reads still work",
                            mib(free), mib(limit));
                } else {
                    LOG.info("disk guard cleared: {} MiB free on the data volume (guard at {} MiB): walk-ins "
                            + "are created and written again", mib(free), mib(limit));
                }
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) MIB);
    }

    /** The smaller of the two settings that are not 0; 0 when both are (the guard is off). */
    long threshold(long totalBytes) {
        long byPercent = minFreePercent == 0 ? 0 : totalBytes / 100 * minFreePercent;
        if (minFreeBytes == 0) {
            return byPercent;
        }
        return byPercent == 0 ? minFreeBytes : Math.min(minFreeBytes, byPercent);
    }
}
