package com.walkindb.server.bench;

import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.LocalCalls;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one single call costs inside the process that runs SQL, without HTTP: a cached walk-in
 * connection, the executor, the answer encoded (instance.LocalCalls, as a worker or the
 * in-process server runs it). Kept to compare the single-call path before and after a change to
 * the executor or the result encoding: {@code bench/jmh.sh SingleCall}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SingleCallBenchmark {
    private static final DiskState DISK = new DiskState() {
        @Override
        public boolean tripped() {
            return false;
        }

        @Override
        public boolean nearlyFullNow() {
            return false;
        }
    };
    private final UUID id = UUID.randomUUID();
    private final AnswerMemory memory = new AnswerMemory(64L << 20);
    private final CallArgs oneArg = new CallArgs.Positional(List.of(new SqlValue.Int(5)));
    private Path dir;
    private LocalCalls calls;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("walkindb-bench");
        Path db = dir.resolve("db.sqlite");
        Files.write(db, new DatabaseTemplate(Files.createDirectories(dir.resolve("scratch"))).bytes());
        calls = new LocalCalls(walkin -> db, new ConnectionCache(8, Duration.ofMinutes(10), Ticker.SYSTEM), memory,
                Limits.DEFAULTS, Ticker.SYSTEM);
        body(calls.execute(id, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); "
                + "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20) "
                + "INSERT INTO notes(body) SELECT 'note ' || i FROM c", CallArgs.None.INSTANCE, DISK));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        calls.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private byte[] body(CallOutcome outcome) {
        if (!(outcome instanceof CallOutcome.Success s)) {
            throw new IllegalStateException(outcome.toString());
        }
        s.release().accept(s.answerMemory());
        return s.body();
    }

    @Benchmark
    public byte[] selectOne() {
        return body(calls.execute(id, "SELECT 1", CallArgs.None.INSTANCE, DISK));
    }

    @Benchmark
    public byte[] twentyRowsWithAnArg() {
        return body(calls.execute(id, "SELECT id, body FROM notes WHERE id > ? - 5 ORDER BY id", oneArg, DISK));
    }
}
