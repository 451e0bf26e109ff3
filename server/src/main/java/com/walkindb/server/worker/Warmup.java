package com.walkindb.server.worker;

import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.sandbox.Sandbox;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.sql.SqlValue;
import com.walkindb.server.time.Ticker;
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
 * through the same {@link LocalCalls} code as a walk-in's, with the connection opened afresh
 * every round (a replacement worker opens every walk-in it is sent). Best effort: a failure
 * (a full disk, say) is logged by the caller and the worker starts anyway.
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
        Path db = dir.resolve("db.sqlite");
        Files.deleteIfExists(db);
        // Built as a walk-in's database is (WAL mode), so the warm-up runs the same SQLite paths.
        Files.write(db, new DatabaseTemplate(dir).bytes());
        LocalCalls calls = new LocalCalls(id -> db, new ConnectionCache(1, Duration.ofMinutes(1), Ticker.SYSTEM),
                memory, limits, Ticker.SYSTEM);
        long end = System.nanoTime() + TIME_LIMIT.toNanos();
        int rounds = 0;
        int[] tally = new int[2];
        try {
            while (rounds < ROUNDS && System.nanoTime() - end < 0) {
                round(calls, disk, rounds, tally);
                calls.evict(SCRATCH);
                rounds++;
            }
        } finally {
            calls.close();
            deleteTree(dir);
        }
        return new Report(rounds, tally[0], tally[1]);
    }

    private static void round(LocalCalls calls, DiskState disk, int round, int[] tally) {
        for (String sql : STATEMENTS) {
            CallArgs args = sql.contains("?") ? new CallArgs.Positional(List.of(new SqlValue.Int(round)))
                    : CallArgs.None.INSTANCE;
            use(calls.execute(SCRATCH, sql, args, disk), tally);
        }
        use(calls.execute(SCRATCH, "INSERT INTO notes(title, score, body) VALUES (:title, :score, :body)",
                new CallArgs.Named(Map.of("title", new SqlValue.Text("note " + round),
                        "score", new SqlValue.Real(round / 3.0),
                        "body", new SqlValue.Blob(new byte[] {(byte) round, 1, 2}))), disk), tally);
    }

    /** Counts the outcome; hands an answer's memory back at once, as the supervisor's RELEASE would. */
    private static void use(CallOutcome outcome, int[] tally) {
        if (outcome instanceof CallOutcome.Success s) {
            s.release().accept(s.answerMemory());
            tally[0]++;
        } else {
            tally[1]++;
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
