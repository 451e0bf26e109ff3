package com.walkindb.server.metrics;

import com.walkindb.server.instance.InstanceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What the walk-ins and the access log take on disk, counted when scraped: one listing of the
 * walk-ins' directory and one stat per file (a few per walk-in), so a scrape costs in proportion
 * to the walk-ins on disk, on the admin listener's thread, never a caller's.
 * One count serves every gauge of the same scrape (it is kept for a second).
 */
final class DiskUse {
    /** One count: walk-ins not expired, the bytes of all walk-in files, the bytes of the log directory. */
    record Count(long liveWalkins, long walkinBytes, long logBytes) {}

    private static final long KEEP_NANOS = 1_000_000_000L;

    private final InstanceStore store;
    private final Path logs;
    private Count last; // guarded by this
    private long lastAt; // guarded by this

    DiskUse(InstanceStore store, Path logs) {
        this.store = store;
        this.logs = logs;
    }

    synchronized Count count() {
        long now = System.nanoTime();
        if (last == null || now - lastAt > KEEP_NANOS) {
            last = countNow();
            lastAt = now;
        }
        return last;
    }

    private Count countNow() {
        long[] live = {0};
        long[] bytes = {0};
        try {
            store.forEachId(id -> {
                if (!store.isExpired(id)) {
                    live[0]++;
                }
                bytes[0] += bytesIn(store.directory(id));
            });
        } catch (IOException | UncheckedIOException e) {
            // the directory is unreadable right now: report what was counted
        }
        return new Count(live[0], bytes[0], bytesIn(logs));
    }

    /** The bytes of the regular files directly in {@code dir} (0 when it is gone). */
    private static long bytesIn(Path dir) {
        long sum = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        sum += a.size();
                    }
                } catch (NoSuchFileException gone) {
                    // deleted while we looked (the sweeper, a checkpoint removing -wal)
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // gone or unreadable: nothing to count
        }
        return sum;
    }
}
