package com.walkindb.server.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file per UTC day; files older than the retention disappear; a look-alike file stays. */
class DailyFileWriterTest {
    @TempDir Path dir;

    @Test
    void linesGoToTheFileOfTheirUtcDayAndOldFilesAreDeleted() throws Exception {
        for (String day : List.of("2026-11-10", "2026-11-14", "2026-11-15", "2026-11-20")) {
            Files.writeString(dir.resolve("access-" + day + ".jsonl"), "{}\n");
        }
        Files.writeString(dir.resolve("access-notadate.jsonl"), "keep\n");
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, Long.MAX_VALUE, clock, DailyFileWriter.FILES);
        // Kept: 2026-11-15 .. 2026-11-21 (seven days including today); gone: the 10th and 14th.
        assertThat(dir.resolve("access-2026-11-10.jsonl")).doesNotExist();
        assertThat(dir.resolve("access-2026-11-14.jsonl")).doesNotExist();
        assertThat(dir.resolve("access-2026-11-15.jsonl")).exists();
        assertThat(dir.resolve("access-notadate.jsonl")).exists();

        w.write(Instant.parse("2026-11-21T23:59:59.999Z"), "{\"a\":1}");
        w.write(Instant.parse("2026-11-22T00:00:00Z"), "{\"b\":2}");
        w.write(Instant.parse("2026-11-23T08:00:00Z"), "{\"c\":3}");
        w.close();

        assertThat(Files.readAllLines(dir.resolve("access-2026-11-21.jsonl"))).containsExactly("{\"a\":1}");
        assertThat(Files.readAllLines(dir.resolve("access-2026-11-22.jsonl"))).containsExactly("{\"b\":2}");
        assertThat(Files.readAllLines(dir.resolve("access-2026-11-23.jsonl"))).containsExactly("{\"c\":3}");
        // Rolling to the 23rd keeps the 17th..23rd only.
        assertThat(dir.resolve("access-2026-11-15.jsonl")).doesNotExist();
        assertThat(dir.resolve("access-2026-11-20.jsonl")).exists();
    }

    @Test
    void manyLinesFromManyThreadsAreAllWritten() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, Long.MAX_VALUE, clock, DailyFileWriter.FILES);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 5000; i++) {
                    w.write(clock.instant(), id + ":" + i);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        w.close();
        assertThat(Files.readAllLines(dir.resolve("access-2026-11-21.jsonl"))).hasSize(40_000).doesNotHaveDuplicates();
    }

    /** A line of exactly {@code n} bytes with its newline. */
    private static String line(char c, int n) {
        return "{\"" + c + "\":\"" + "x".repeat(n - 9) + "\"}";
    }

    private static final Clock NOV_21 = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void pastTheCapTheOldestFilesGoFirstEvenBeforeTheirSevenDays() throws Exception {
        for (String day : List.of("2026-11-18", "2026-11-19", "2026-11-20")) {
            Files.writeString(dir.resolve("access-" + day + ".jsonl"), (line('o', 100) + "\n").repeat(4));
        }
        Files.writeString(dir.resolve("access-notadate.jsonl"), "x".repeat(5000)); // not ours: not counted
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, 1000, NOV_21, DailyFileWriter.FILES);
        w.write(NOV_21.instant(), line('a', 100));
        w.close();
        // 1200 bytes of old files + 100 today > 1000: the 18th went, the 19th and 20th stay.
        assertThat(dir.resolve("access-2026-11-18.jsonl")).doesNotExist();
        assertThat(dir.resolve("access-2026-11-19.jsonl")).exists();
        assertThat(dir.resolve("access-2026-11-20.jsonl")).exists();
        assertThat(dir.resolve("access-notadate.jsonl")).exists();

        w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, 1000, NOV_21, DailyFileWriter.FILES);
        w.write(NOV_21.instant(), line('b', 100));
        w.write(NOV_21.instant(), line('c', 100));
        w.close();
        // 800 + 300 > 1000: the 19th went too; today's file is whole.
        assertThat(dir.resolve("access-2026-11-19.jsonl")).doesNotExist();
        assertThat(dir.resolve("access-2026-11-20.jsonl")).exists();
        assertThat(Files.readAllLines(dir.resolve("access-2026-11-21.jsonl")))
                .containsExactly(line('a', 100), line('b', 100), line('c', 100));
    }

    @Test
    void whenTodaysFileAloneReachesTheCapNothingMoreIsWrittenThatDay() throws Exception {
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, 250, NOV_21, DailyFileWriter.FILES);
        for (char c : "abcde".toCharArray()) {
            w.write(NOV_21.instant(), line(c, 100));
        }
        w.write(Instant.parse("2026-11-22T00:00:01Z"), line('f', 100));
        w.close();
        // Two lines fit on the 21st; the next day writes again, and the 21st's file made room for it.
        assertThat(dir.resolve("access-2026-11-21.jsonl")).doesNotExist();
        assertThat(Files.readAllLines(dir.resolve("access-2026-11-22.jsonl"))).containsExactly(line('f', 100));
    }

    @Test
    void aWriteCutShortByAFullDiskLeavesNoPartialLine() throws Exception {
        AtomicLong room = new AtomicLong(Long.MAX_VALUE);
        List<FailingChannel> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, Long.MAX_VALUE, NOV_21, f -> {
            FailingChannel c = new FailingChannel(DailyFileWriter.FILES.open(f), room);
            opened.add(c);
            return c;
        });
        Path file = dir.resolve("access-2026-11-21.jsonl");
        w.write(NOV_21.instant(), line('a', 100));
        awaitSize(file, 100);
        room.set(40); // the next line gets 40 of its 100 bytes onto the disk, then ENOSPC
        w.write(NOV_21.instant(), line('b', 100));
        awaitRoomSpent(room);
        room.set(Long.MAX_VALUE); // space came back
        w.write(NOV_21.instant(), line('c', 100));
        w.close();
        assertThat(Files.readAllLines(file)).containsExactly(line('a', 100), line('c', 100));
    }

    @Test
    void aPartialLastLineLeftByACrashIsCutOffBeforeTheNextLine() throws Exception {
        Path file = dir.resolve("access-2026-11-21.jsonl");
        Files.writeString(file, line('a', 100) + "\n{\"timestamp\":\"2026-11-21T11:");
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, Long.MAX_VALUE, NOV_21,
                DailyFileWriter.FILES);
        w.write(NOV_21.instant(), line('b', 100));
        w.close();
        assertThat(Files.readAllLines(file)).containsExactly(line('a', 100), line('b', 100));
    }

    /** The writer writes in the background: wait for what it did to show. */
    private static void awaitSize(Path file, long size) {
        Await.until(file + " to hold " + size + " bytes", Duration.ofSeconds(20), () -> sizeOf(file) == size);
    }

    private static void awaitRoomSpent(AtomicLong room) {
        Await.until("the failing write", Duration.ofSeconds(20), () -> room.get() == 0);
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
