package com.walkindb.server.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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

        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, clock);
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
        DailyFileWriter w = DailyFileWriter.start(dir, "access-", ".jsonl", 7, clock);
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
}
