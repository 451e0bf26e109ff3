package com.walkindb.server.accesslog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's directory: the day files ({@code <prefix>YYYY-MM-DD<suffix>}), their sizes,
 * and deleting the expired and the oldest. Files that only look like ours are left alone and
 * not counted.
 */
final class LogFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LogFiles.class);
    private static final int TAIL_CHUNK = 4096;

    private final Path dir;
    private final String prefix;
    private final String suffix;
    private final int keepDays;

    LogFiles(Path dir, String prefix, String suffix, int keepDays) {
        this.dir = dir;
        this.prefix = prefix;
        this.suffix = suffix;
        this.keepDays = keepDays;
    }

    void createDirectory() throws IOException {
        Files.createDirectories(dir);
    }

    Path fileOf(long epochDay) {
        return dir.resolve(prefix + LocalDate.ofEpochDay(epochDay) + suffix);
    }

    /** Our files by day, oldest first. */
    private Map<Long, Path> days() throws IOException {
        Map<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String date = name.substring(prefix.length(), name.length() - suffix.length());
                try {
                    out.put(LocalDate.parse(date).toEpochDay(), f);
                } catch (DateTimeParseException notOurs) {
                    // a file that only looks like ours: leave it alone
                }
            }
        }
        return out;
    }

    /** Deletes files of days before {@code today - keepDays + 1}: today and keepDays-1 earlier days stay. */
    void deleteExpired(long today) {
        long oldestKept = today - keepDays + 1;
        try {
            for (var e : days().entrySet()) {
                if (e.getKey() < oldestKept) {
                    Files.deleteIfExists(e.getValue());
                }
            }
        } catch (IOException e) {
            LOG.warn("could not delete old access logs in {}: {}", dir, e.toString());
        }
    }

    /** Total size of our files other than {@code day}'s. */
    long bytesOtherThan(long day) {
        long sum = 0;
        try {
            for (var e : days().entrySet()) {
                if (e.getKey() != day) {
                    sum += size(e.getValue());
                }
            }
        } catch (IOException e) {
            LOG.warn("could not list the access logs in {}: {}", dir, e.toString());
        }
        return sum;
    }

    /** Deletes the oldest of our files other than {@code day}'s; returns its size, or -1 when there is none. */
    long deleteOldestExcept(long day) {
        try {
            for (var e : days().entrySet()) {
                if (e.getKey() != day) {
                    long size = size(e.getValue());
                    Files.deleteIfExists(e.getValue());
                    LOG.info("access log: deleted {} ({} bytes) to stay within WALKINDB_ACCESS_LOG_MAX_MB",
                            e.getValue(), size);
                    return size;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not delete an old access log in {}: {}", dir, e.toString());
        }
        return -1;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException goneMeanwhile) {
            return 0;
        }
    }

    /**
     * Cuts the file back to just after its last newline (or to nothing), so that a line written
     * in part before a crash or a full disk never gets the next line glued to it; returns the new size.
     */
    static long cutToLastNewline(FileChannel file) throws IOException {
        long size = file.size();
        long end = size;
        ByteBuffer chunk = ByteBuffer.allocate(TAIL_CHUNK);
        while (end > 0) {
            long start = Math.max(0, end - TAIL_CHUNK);
            chunk.clear().limit((int) (end - start));
            while (chunk.hasRemaining()) {
                if (file.read(chunk, start + chunk.position()) < 0) {
                    break;
                }
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long keep = start + i + 1;
                    if (keep < size) {
                        file.truncate(keep);
                    }
                    return keep;
                }
            }
            end = start;
        }
        if (size > 0) {
            file.truncate(0);
        }
        return 0;
    }
}
