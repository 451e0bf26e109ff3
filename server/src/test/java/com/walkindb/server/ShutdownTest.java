package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.config.Limits;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.ChildJvm;
import com.walkindb.server.testing.StallingServerMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real server processes and SIGTERM (docs/DEPLOY.md, "Stopping"): calls in flight finish and the
 * process exits 0; a call stuck in native code past its deadline does not hold the process, which
 * exits within {@link Limits#stopLimit()}, and the walk-in it was writing is intact on the next start.
 */
class ShutdownTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous on a loaded machine; a stop that waited on the stuck call would take a minute. */
    private static final Duration EXIT_BOUND = Limits.DEFAULTS.stopLimit().plusSeconds(5);
    private static final Duration STALL = Duration.ofSeconds(60);

    @TempDir Path data;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sigtermLetsTheCallInFlightFinishThenExitsZeroAndLeavesNoWalFiles() throws Exception {
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env("on"))) {
            String url = listening(server);
            // About a second of work; the 2 s deadline ends it in any case.
            CompletableFuture<HttpResponse<String>> inFlight = post(url, null, "CREATE TABLE t(x); "
                    + "INSERT INTO t VALUES (1), (2), (3); "
                    + "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1500000) SELECT count(*) FROM c");
            // In flight means inside the handler (a request Jetty has not handed over yet is refused
            // with 503 once the stop begins): its walk-in's directory exists from step 5 on.
            awaitWalkinDirectory();
            server.terminate();
            HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 408);
            assertThat(server.waitFor(EXIT_BOUND)).as("process exits").isTrue();
            assertThat(server.exitDescription()).as(server.stderr()).isEqualTo("exit status 0");
            assertThat(server.stderr()).contains("stopping: no new calls", "stopped").doesNotContain("left behind");
            try (Stream<Path> files = Files.walk(data.resolve("instances"))) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .noneMatch(n -> n.endsWith("-wal") || n.endsWith("-shm") || n.endsWith("-journal"));
            }
        }
    }

    /**
     * The call holds SQLite in a native function for a minute (the test-only {@code random(ms)},
     * see StallingServerMain) after writing 5 MB, which spilled into the WAL uncommitted. SIGTERM
     * must end the process long before the call would, and the next start must find the walk-in
     * as its last committed call left it.
     */
    @Test
    void aCallStuckInNativeCodeDoesNotHoldTheStopAndItsPartialWriteIsGoneAfterRestart() throws Exception {
        String session;
        Map<String, String> inProcess = env("off");
        inProcess.put("WALKINDB_ISOLATION", "inprocess"); // the stall is StallingServerMain's own random()
        try (ChildJvm server = ChildJvm.start(StallingServerMain.class.getName(), inProcess)) {
            String url = listening(server);
            HttpResponse<String> kept = post(url, null, "CREATE TABLE t(x); INSERT INTO t VALUES ('kept')").get();
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
            session = kept.headers().firstValue("X-Walkin-Session").orElseThrow();
            CompletableFuture<HttpResponse<String>> stuck = post(url, session,
                    "INSERT INTO t SELECT randomblob(500000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                            + "SELECT i + 1 FROM c WHERE i < 10) SELECT i FROM c); SELECT random(" + STALL.toMillis() + ")");
            String stall = server.awaitLine("STALL ");
            assertThat(stall).as("the call reached the stall; its answer: %s; stderr:\n%s",
                    stuck.handle((r, e) -> r != null ? r.body() : String.valueOf(e)).getNow("none yet"),
                    server.stderr()).isEqualTo("STALL " + STALL.toMillis());
            Path wal = onlyWalkin().resolve("db.sqlite-wal");
            assertThat(Files.size(wal)).as("uncommitted pages spilled into the WAL").isGreaterThan(1_000_000);

            long start = System.nanoTime();
            server.terminate();
            assertThat(server.waitFor(EXIT_BOUND)).as("exits within %s of SIGTERM", EXIT_BOUND).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(server.exitDescription()).as(server.stderr()).isEqualTo("exit status 0");
            assertThat(took).isLessThan(EXIT_BOUND);
            assertThat(server.stderr()).contains("1 call(s) still in native code after 4 s left behind");
            try {
                assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).as("the stuck call has no answer").isNotEqualTo(200);
            } catch (ExecutionException connectionClosed) {
                // what a client sees: the server went away mid-call
            }
        }
        try (ChildJvm again = ChildJvm.start(Main.class.getName(), env("off"))) {
            String url = listening(again);
            HttpResponse<String> read = post(url, session, "SELECT x FROM t; PRAGMA integrity_check").get();
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).path("rows").toString()).isEqualTo("[[\"ok\"]]");
            HttpResponse<String> rows = post(url, session, "SELECT x FROM t").get();
            assertThat(JSON.readTree(rows.body()).path("rows").toString()).isEqualTo("[[\"kept\"]]");
            again.terminate();
            assertThat(again.waitFor(EXIT_BOUND)).isTrue();
            assertThat(again.exitDescription()).isEqualTo("exit status 0");
        }
    }

    /**
     * With SQL in worker processes, a call stuck in a worker (the workers' test hook, a call that
     * never returns in the middle of a write) holds neither the stop nor the workers: the
     * supervisor exits 0 in time, every worker process is gone with it, and the next start finds
     * the walk-in as its last committed call left it.
     */
    @Test
    void aCallStuckInAWorkerDoesNotHoldTheStopAndTheWorkersEndWithTheServer() throws Exception {
        String session;
        List<ProcessHandle> workers;
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env("on"))) {
            String url = listening(server);
            workers = ProcessHandle.of(server.pid()).orElseThrow().descendants().toList();
            assertThat(workers).as("the workers and the spare start with the server").isNotEmpty();
            HttpResponse<String> kept = post(url, null, "CREATE TABLE t(x); INSERT INTO t VALUES ('kept')").get();
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
            session = kept.headers().firstValue("X-Walkin-Session").orElseThrow();
            CompletableFuture<HttpResponse<String>> stuck = post(url, session,
                    "/*walkindb-test:stall*/ INSERT INTO t SELECT randomblob(500000) FROM (WITH RECURSIVE c(i) AS "
                            + "(SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) SELECT i FROM c)");
            Path wal = onlyWalkin().resolve("db.sqlite-wal");
            Await.until("the stuck call's write to spill into the WAL", Duration.ofSeconds(20),
                    () -> Files.exists(wal) && Files.size(wal) > 1_000_000);

            server.terminate();
            assertThat(server.waitFor(EXIT_BOUND)).as("exits within %s of SIGTERM", EXIT_BOUND).isTrue();
            assertThat(server.exitDescription()).as(server.stderr()).isEqualTo("exit status 0");
            try {
                assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).as("the stuck call").isNotEqualTo(200);
            } catch (ExecutionException connectionClosed) {
                // what a client sees: the server went away mid-call
            }
        }
        for (ProcessHandle w : workers) {
            Await.until("worker " + w.pid() + " to end with the server", EXIT_BOUND, () -> !w.isAlive());
        }
        try (ChildJvm again = ChildJvm.start(Main.class.getName(), env("on"))) {
            String url = listening(again);
            HttpResponse<String> read = post(url, session, "SELECT x FROM t; PRAGMA integrity_check").get();
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).path("rows").toString()).isEqualTo("[[\"ok\"]]");
            HttpResponse<String> rows = post(url, session, "SELECT x FROM t").get();
            assertThat(JSON.readTree(rows.body()).path("rows").toString()).isEqualTo("[[\"kept\"]]");
            again.terminate();
            assertThat(again.waitFor(EXIT_BOUND)).isTrue();
        }
    }

    private Map<String, String> env(String sandbox) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKINDB_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_DATA_DIR", data.toString());
        env.put("WALKINDB_SANDBOX", sandbox);
        env.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:0");
        return env;
    }

    private static String listening(ChildJvm server) throws InterruptedException {
        String line = server.awaitLine("walkindb listening on ");
        assertThat(line).as("start-up line; stderr:\n" + server.stderr()).isNotNull();
        return line.substring("walkindb listening on ".length()).split(" ")[0];
    }

    private CompletableFuture<HttpResponse<String>> post(String url, String session, String sql) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/sql")).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("sql", sql))));
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (up to 20 s) for the first walk-in directory. */
    private void awaitWalkinDirectory() {
        Await.until("a walk-in directory to appear", Duration.ofSeconds(20), () -> !walkins().isEmpty());
    }

    private Path onlyWalkin() throws IOException {
        List<Path> dirs = walkins();
        assertThat(dirs).hasSize(1);
        return dirs.get(0);
    }

    private List<Path> walkins() throws IOException {
        Path instances = data.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(instances)) {
            return s.toList();
        }
    }
}
