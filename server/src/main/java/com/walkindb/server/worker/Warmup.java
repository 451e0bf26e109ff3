package com.walkindb.server.worker;

import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.sandbox.Sandbox;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.sql.SqlValue;
import com.walkindb.server.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Runs a spare worker's code paths before it says READY, so that the first calls it takes over
 * from a killed worker are not its first calls ever. A cold worker JVM loaded the executor's
 * classes and interpreted every method on its first call: about 600 ms from a kill to the next
 * answer, against a few ms once warm.
 *
 * <p>The calls run on a scratch database of the worker's own ({@code <data>/warmup/<pid>}),
 * with the connection opened afresh every round (a replacement worker opens every walk-in it is
 * sent). Each goes the way of a real call: a CALL or BATCH frame decoded, run by the worker's
 * {@link CallRunner}, its RESULT frame read back. Warming {@link LocalCalls} alone left the frame
 * code and the pattern switches around it cold: a spare that took over then spent some 50 ms
 * loading and linking them while the killed worker's callers waited. Best effort: a failure (a
 * full disk, say) is logged by the caller and the worker starts anyway.
 */
final class Warmup {
    /** Stops at this many rounds or this much time, whichever comes first. */
    static final int ROUNDS = 400;

    static final Duration TIME_LIMIT = Duration.ofSeconds(3);

    private static final UUID SCRATCH = new UUID(0, 1);

    private static final List<String> STATEMENTS = List.of(
            "CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, body BLOB)",
            "SELECT 1",
            "SELECT id, title, score FROM notes WHERE id > ? ORDER BY id LIMIT 20",
            "SELECT count(*) AS n, avg(score), max(title) FROM notes",
            "SELECT json_object('id', id, 'title', title) FROM notes ORDER BY id DESC LIMIT 3",
            "UPDATE notes SET score = score + 1 WHERE id % 7 = 0",
            "DELETE FROM notes WHERE id % 50 = 0",
            "SELECT * FROM no_such_table");

    private static final String INSERT = "INSERT INTO notes(title, score, body) VALUES (:title, :score, :body)";

    private Warmup() {}

    /** The scratch directories of every worker live under this one; the supervisor clears it at start. */
    static Path root(Path dataDir) {
        return dataDir.resolve(Sandbox.WORKER_SCRATCH_DIR);
    }

    /** What a warm-up did: rounds run, calls answered with rows, calls refused (one a round is meant to be). */
    record Report(int rounds, int answered, int refused) {}

    /** Runs the rounds. */
    static Report run(Path dataDir, Limits limits, AnswerMemory memory, DiskState disk) throws IOException {
        if (disk.tripped()) {
            return new Report(0, 0, 0); // no room to spare for a scratch database
        }
        Path dir = root(dataDir).resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(dir);
        // Laid out and built as a walk-in's database is (WAL mode), and found the way a walk-in's
        // is, so the warm-up runs the same code and SQLite paths.
        Path db = InstanceStore.databaseFileIn(dir, SCRATCH);
        Files.createDirectories(db.getParent());
        Files.deleteIfExists(db);
        Files.write(db, new DatabaseTemplate(dir).bytes());
        LocalCalls calls = new LocalCalls(id -> InstanceStore.databaseFileIn(dir, id),
                new ConnectionCache(1, Duration.ofMinutes(1), Ticker.SYSTEM), memory, limits, Ticker.SYSTEM);
        Rounds rounds = new Rounds(calls, memory, disk, dataDir);
        long end = System.nanoTime() + TIME_LIMIT.toNanos();
        try {
            while (rounds.done < ROUNDS && System.nanoTime() - end < 0) {
                rounds.next();
                calls.evict(SCRATCH);
            }
        } finally {
            calls.close();
            deleteTree(dir);
        }
        return new Report(rounds.done, rounds.answered, rounds.refused);
    }

    /**
     * The calls of the rounds, each as the worker meets a real one: encoded into a frame as the
     * supervisor does, decoded, run by a {@link CallRunner}, and its RESULT frame read back as
     * the supervisor reads it.
     */
    private static final class Rounds {
        private final CallRunner runner;
        private final AnswerMemory memory;
        private final ByteArrayOutputStream results = new ByteArrayOutputStream();
        private final FrameOut frame = new FrameOut();
        private int done;
        private int answered;
        private int refused;

        Rounds(LocalCalls calls, AnswerMemory memory, DiskState disk, Path dataDir) {
            this.memory = memory;
            this.runner = new CallRunner(calls, memory, disk, dataDir, new WorkerOutput(results));
        }

        void next() throws IOException {
            for (String sql : STATEMENTS) {
                CallArgs args = sql.contains("?") ? new CallArgs.Positional(List.of(new SqlValue.Int(done)))
                        : CallArgs.None.INSTANCE;
                call(f -> Frames.call(f, done, SCRATCH, 0, sql, args));
            }
            CallArgs note = new CallArgs.Named(Map.of("title", new SqlValue.Text("note " + done),
                    "score", new SqlValue.Real(done / 3.0), "body", new SqlValue.Blob(new byte[] {(byte) done, 1, 2})));
            call(f -> Frames.call(f, done, SCRATCH, 0, INSERT, note));
            call(f -> Frames.batch(f, done, SCRATCH, 0, List.of(new BatchEntry(INSERT, note),
                    new BatchEntry("SELECT count(*) FROM notes WHERE score > ?",
                            new CallArgs.Positional(List.of(new SqlValue.Int(1)))))));
            done++;
        }

        private void call(WorkerOutput.Encoder encode) throws IOException {
            encode.encode(frame);
            FrameIn in = FrameIn.of(frame.payload());
            int type = in.u8();
            runner.run(type == Frames.BATCH ? Frames.readBatch(in) : Frames.readCall(in));
            FrameIn answer = new FrameIn(new DataInputStream(new ByteArrayInputStream(results.toByteArray())),
                    Frames.MAX_RESULT_FRAME_BYTES);
            results.reset();
            if (!answer.next() || answer.u8() != Frames.RESULT) {
                throw new IOException("a warm-up call got no result"); // FAILED: a bug, logged by the runner
            }
            answer.i64();
            // A success's share goes back at once, as the supervisor's RELEASE would send it.
            if (Frames.readOutcome(answer, memory::release) instanceof CallOutcome.Success s) {
                s.release().accept(s.answerMemory());
                answered++;
            } else {
                refused++;
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
