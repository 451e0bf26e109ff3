package com.walkindb.server.accesslog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends lines to one file per UTC day ({@code <prefix>YYYY-MM-DD<suffix>}) from a single
 * background thread. Callers never touch the disk: they enqueue, and wait only if the writer is a
 * full queue behind.
 *
 * <p>Whole lines only. Lines are gathered in a buffer and written when the queue runs dry or the
 * buffer is full, then the writer rests {@value #REST_MILLIS} ms so that lines arriving meanwhile
 * go out in one write; a write that fails (a full disk) is cut back to the last whole line and its
 * lines are dropped, and a file opened again is first cut back to its last newline (a crash
 * mid-write), so a line is never half there or glued to the next.
 *
 * <p>Bounded: files older than the retention go when a day begins (and at start), and all files
 * together stay under {@code maxBytes} ({@link LogFiles}): the oldest go first, even before their
 * time, and when today's file alone would pass the cap, nothing more is written until the next day.
 */
final class DailyFileWriter implements AutoCloseable {
    /** Opens a day's file for writing (tests substitute one that fails). */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    static final Opener FILES = f -> FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    private static final Logger LOG = LoggerFactory.getLogger(DailyFileWriter.class);
    private static final int QUEUE = 16_384;
    private static final int BATCH = 1024;
    private static final int BUFFER = 64 * 1024;
    private static final long WARN_EVERY_MILLIS = 60_000;
    /**
     * After a batch, the writer rests this long before it looks at the queue again, so that
     * under load it wakes about 50 times a second rather than once per request (a wake-up per
     * line cost about 3.6 µs of CPU per call at c32). A line that finds the writer waiting is
     * written at once; one that arrives while it rests waits at most this long.
     */
    static final long REST_MILLIS = 20;

    /** One line in UTF-8, without its newline. */
    private record Entry(long epochDay, byte[] line) {}

    private static final Entry STOP = new Entry(-1, null);

    private final LogFiles files;
    private final long maxBytes;
    private final Clock clock;
    private final Opener opener;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    // The writer thread's state:
    private long openDay = Long.MIN_VALUE;
    private FileChannel out;
    private long whole;          // bytes of whole lines in the open file
    private long others;         // bytes of the other files
    private int buffered;        // lines in the buffer
    private long suspendedDay = Long.MIN_VALUE;
    private long lost;           // lines not written since the last warning
    private long lastWarning = Long.MIN_VALUE;

    private DailyFileWriter(LogFiles files, long maxBytes, Clock clock, Opener opener) {
        this.files = files;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.opener = opener;
        this.thread = Thread.ofPlatform().daemon().name("walkindb-access-log").unstarted(this::run);
    }

    static DailyFileWriter start(Path dir, String prefix, String suffix, int keepDays, long maxBytes, Clock clock,
                                 Opener opener) throws IOException {
        LogFiles files = new LogFiles(dir, prefix, suffix, keepDays);
        files.createDirectory();
        DailyFileWriter w = new DailyFileWriter(files, maxBytes, clock, opener);
        files.deleteExpired(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay());
        w.thread.start();
        return w;
    }

    void write(Instant when, String line) {
        write(when, line.getBytes(StandardCharsets.UTF_8));
    }

    /** Queues {@code line}, UTF-8 without its newline; the array is the queue's from now on. */
    void write(Instant when, byte[] line) {
        Entry e = new Entry(Math.floorDiv(when.getEpochSecond(), 86_400L), line); // the UTC day, as LocalDate counts it
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
                if (queue.isEmpty() || stop) {
                    flush();
                }
                if (stop) {
                    closeFile();
                    return;
                }
                Thread.sleep(REST_MILLIS); // lines gather in the queue meanwhile (see REST_MILLIS)
            } catch (InterruptedException e) {
                flush();
                closeFile();
                return;
            } catch (RuntimeException e) {
                LOG.error("access log writer failed; continuing", e);
                batch.clear();
                dropBuffer();
                closeFile();
            }
        }
    }

    private void append(Entry e) {
        if (e.epochDay() != openDay || out == null) {
            flush();
            if (e.epochDay() == suspendedDay || !open(e.epochDay())) {
                lost++;
                return;
            }
        }
        byte[] line = e.line();
        int size = line.length + 1; // and its newline
        if (size > buffer.remaining()) {
            flush();
            if (out == null || size > buffer.capacity()) {
                lost++;
                return;
            }
        }
        if (!makeRoom(size)) {
            lost++;
            return;
        }
        buffer.put(line).put((byte) '\n');
        buffered++;
    }

    /** Opens the day's file, cutting off a partial last line; false when it cannot be written. */
    private boolean open(long day) {
        closeFile();
        if (day > openDay) {
            files.deleteExpired(day);
        }
        openDay = day;
        Path file = files.fileOf(day);
        try {
            out = opener.open(file);
            whole = LogFiles.cutToLastNewline(out);
            out.position(whole);
            others = files.bytesOtherThan(day);
            return true;
        } catch (IOException e) {
            warn("cannot open " + file + ": " + e);
            closeFile();
            return false;
        }
    }

    /** Keeps all files within the cap with {@code more} bytes added: oldest first, today's never. */
    private boolean makeRoom(long more) {
        long pending = whole + buffer.position() + more;
        while (others > 0 && others + pending > maxBytes) {
            long freed = files.deleteOldestExcept(openDay);
            others = freed < 0 ? 0 : others - freed; // none left: the count was stale
        }
        if (pending > maxBytes) {
            suspendedDay = openDay;
            LOG.warn("access log: today's file {} reached WALKINDB_ACCESS_LOG_MAX_MB ({} bytes) on its own; no more "
                    + "lines are written until the next UTC day", files.fileOf(openDay), maxBytes);
            flush();
            closeFile();
            return false;
        }
        return true;
    }

    /** Writes the buffer; on failure cuts the file back to its last whole line and drops the buffer. */
    private void flush() {
        if (buffer.position() == 0 || out == null) {
            dropBuffer();
            return;
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            whole = out.position();
            buffered = 0;
        } catch (IOException e) {
            lost += buffered;
            buffered = 0;
            warn("write to " + files.fileOf(openDay) + " failed (" + e.getMessage() + "); the partial line was "
                    + "cut off");
            try {
                out.truncate(whole);
                out.position(whole);
            } catch (IOException cutFailed) {
                closeFile(); // opening it again cuts it back to its last newline
            }
        } finally {
            buffer.clear();
        }
    }

    private void dropBuffer() {
        lost += buffered;
        buffered = 0;
        buffer.clear();
    }

    /** At most one warning a minute, with the count of lines lost meanwhile. */
    private void warn(String what) {
        long now = clock.millis();
        if (lastWarning != Long.MIN_VALUE && now - lastWarning < WARN_EVERY_MILLIS) {
            return;
        }
        lastWarning = now;
        LOG.warn("access log: {}; {} line(s) not written since the last warning", what, lost);
        lost = 0;
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
