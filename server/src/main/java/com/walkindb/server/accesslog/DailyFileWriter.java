package com.walkindb.server.accesslog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends lines to one file per UTC day ({@code <prefix>YYYY-MM-DD<suffix>}) from a single
 * background thread, flushing whenever the queue runs dry, and deletes files older than the
 * retention when a day begins (and at start). Callers never touch the disk: they enqueue, and
 * wait only if the writer is a full queue behind.
 */
final class DailyFileWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DailyFileWriter.class);
    private static final int QUEUE = 16_384;
    private static final int BATCH = 1024;

    private record Entry(long epochDay, String line) {}

    private static final Entry STOP = new Entry(-1, null);

    private final Path dir;
    private final String prefix;
    private final String suffix;
    private final int keepDays;
    private final Clock clock;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private long openDay = Long.MIN_VALUE;
    private BufferedWriter out;

    private DailyFileWriter(Path dir, String prefix, String suffix, int keepDays, Clock clock) {
        this.dir = dir;
        this.prefix = prefix;
        this.suffix = suffix;
        this.keepDays = keepDays;
        this.clock = clock;
        this.thread = Thread.ofPlatform().daemon().name("walkindb-access-log").unstarted(this::run);
    }

    static DailyFileWriter start(Path dir, String prefix, String suffix, int keepDays, Clock clock)
            throws IOException {
        Files.createDirectories(dir);
        DailyFileWriter w = new DailyFileWriter(dir, prefix, suffix, keepDays, clock);
        w.deleteExpired(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay());
        w.thread.start();
        return w;
    }

    void write(Instant when, String line) {
        Entry e = new Entry(LocalDate.ofInstant(when, ZoneOffset.UTC).toEpochDay(), line);
        if (!queue.offer(e)) {
            try {
                queue.put(e); // back-pressure rather than losing lines
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                boolean stop = false;
                for (Entry e : batch) {
                    if (e == STOP) {
                        stop = true;
                        break;
                    }
                    append(e);
                }
                batch.clear();
                if (queue.isEmpty() && out != null) {
                    out.flush();
                }
                if (stop) {
                    closeFile();
                    return;
                }
            } catch (InterruptedException e) {
                closeFile();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("access log write failed; continuing", e);
                batch.clear();
                closeFile();
            }
        }
    }

    private void append(Entry e) throws IOException {
        if (e.epochDay() != openDay || out == null) {
            closeFile();
            if (e.epochDay() > openDay) {
                deleteExpired(e.epochDay());
            }
            openDay = e.epochDay();
            Path file = dir.resolve(prefix + LocalDate.ofEpochDay(openDay) + suffix);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        out.write(e.line());
        out.write('\n');
    }

    /** Deletes files of days before {@code today - keepDays + 1}: today and keepDays-1 earlier days stay. */
    void deleteExpired(long today) {
        long oldestKept = today - keepDays + 1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String date = name.substring(prefix.length(), name.length() - suffix.length());
                try {
                    if (LocalDate.parse(date).toEpochDay() < oldestKept) {
                        Files.deleteIfExists(f);
                    }
                } catch (DateTimeParseException notOurs) {
                    // a file that only looks like ours: leave it alone
                }
            }
        } catch (IOException e) {
            LOG.warn("could not delete old access logs in {}: {}", dir, e.toString());
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("closing the access log: {}", e.toString());
            }
            out = null;
        }
    }

    @Override
    public void close() {
        try {
            queue.put(STOP);
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
