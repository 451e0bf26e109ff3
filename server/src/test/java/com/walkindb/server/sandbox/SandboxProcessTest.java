package com.walkindb.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.Main;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.ChildJvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server and a probe, each a child JVM jailed by the production code path (Landlock
 * re-exec, then seccomp), checked from outside (HTTP, exit status, log) and from inside (the
 * probe's attempts to get out).
 */
class SandboxProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SANDBOX_LINE = Pattern.compile("sandbox: landlock [^\\n]*");

    @TempDir Path data;
    @TempDir Path outside;

    @Test
    void jailedServerReportsBothLayersAndServesSql() throws Exception {
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), serverEnv("require"))) {
            String base = listening(server);
            // The jail's details go to the operator's log only; the public probe says "ok" and nothing else.
            assertThat(get(base + "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(sandboxLine(server)).matches("sandbox: landlock abi [0-9]+, [0-9]+ rules; seccomp on, [0-9]+ syscalls");

            HttpResponse<String> created = sql(base, null, "CREATE TABLE t(x INTEGER, s TEXT); "
                    + "INSERT INTO t VALUES (1, 'one'), (2, 'two'); "
                    + "CREATE VIRTUAL TABLE docs USING fts5(body); "
                    + "INSERT INTO docs VALUES ('the jail holds'), ('nothing to see'); "
                    + "SELECT body FROM docs WHERE docs MATCH 'jail'");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(JSON.readTree(created.body()).at("/rows/0/0").asText()).isEqualTo("the jail holds");
            String session = created.headers().firstValue("X-Walkin-Session").orElseThrow();
            HttpResponse<String> read = sql(base, session, "SELECT sum(x), group_concat(s) FROM t");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).at("/rows/0/0").asInt()).isEqualTo(3);
            assertThat(get(base + "/openapi.json").statusCode()).isEqualTo(200);

            assertThat(server.stderr())
                    .contains("sandbox: Landlock abi ", "read+write [" + data.toRealPath(), "re-executed itself")
                    .contains("sandbox: seccomp on: ");
            // The SQLite library was extracted into the private temp directory, inside the jail.
            assertThat(data.resolve("tmp")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("walkindb-native-"));
        }
    }

    @Test
    void jailedServerStillTimesOutFillsUpAndSweeps() throws Exception {
        Map<String, String> env = serverEnv("require");
        env.put("WALKINDB_TTL", "2");
        env.put("WALKINDB_SWEEP_SECONDS", "1");
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env)) {
            String base = listening(server);
            HttpResponse<String> kept = sql(base, null, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
            String session = kept.headers().firstValue("X-Walkin-Session").orElseThrow();
            // The 2 s deadline interrupts SQLite from inside the jail (and the walk-in expires meanwhile).
            HttpResponse<String> endless = sql(base, null,
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c");
            assertThat(endless.statusCode()).as(endless.body()).isEqualTo(408);
            // The 10 MB cap: 507, rolled back.
            HttpResponse<String> full = sql(base, null, "CREATE TABLE b(x); INSERT INTO b SELECT randomblob(900000) "
                    + "FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 13) SELECT x FROM c)");
            assertThat(full.statusCode()).as(full.body()).isEqualTo(507);
            // The sweeper deletes expired walk-ins (directories and files) inside the data directory.
            // TTL 2 s and a sweep a second: 30 s is a bound for a loaded machine, not an expectation.
            Await.until("the sweeper to delete every expired walk-in", Duration.ofSeconds(30),
                    () -> dirs(data.resolve("instances")) == 0);
            assertThat(sql(base, session, "SELECT 1").statusCode()).isEqualTo(404);
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(data.resolve("logs")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("access-"));
            assertThat(server.stderr()).doesNotContain("ERROR");
        }
    }

    @Test
    void probeInsideTheJailIsRefusedEverythingOutside() throws Exception {
        Map<String, String> env = serverEnv("require");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> results = probe(env, listener, "server");
            int port = listener.getLocalPort();

            // 6a, Landlock alone: the filesystem outside the jail, and TCP.
            assertThat(results.get("landlock: read /etc/hostname")).startsWith("refused (AccessDeniedException");
            assertThat(results.get("landlock: list /")).startsWith("refused (AccessDeniedException");
            assertThat(results.get("landlock: write outside the data directory")).startsWith("refused (AccessDeniedException");
            assertThat(Files.exists(outside.resolve("escaped.txt"))).isFalse();
            assertThat(results.get("landlock: write inside the data directory")).isEqualTo("ok");
            assertThat(results.get("landlock: read the secrets")).isEqualTo("ok");
            assertThat(results.get("landlock: read the JDK")).isEqualTo("ok");
            assertThat(results.get("landlock: connect 127.0.0.1:" + port)).contains("Permission denied");
            assertThat(results.get("landlock: bind 127.0.0.1:" + port)).contains("Permission denied");

            // 6b on top: no new programs, no sockets but TCP, no connect at all, threads still fine.
            assertThat(results.get("seccomp: execve java")).isEqualTo("refused (ErrnoException: EPERM)");
            assertThat(results.get("seccomp: run /bin/true")).startsWith("refused (IOException");
            assertThat(results.get("seccomp: connect 127.0.0.1:" + port)).contains("Operation not permitted");
            assertThat(results.get("seccomp: send UDP")).contains("Operation not permitted");
            assertThat(results.get("seccomp: raw socket")).isEqualTo("refused (ErrnoException: EPERM)");
            assertThat(results.get("seccomp: ptrace")).isEqualTo("refused (ErrnoException: EPERM)");
            assertThat(results.get("seccomp: unshare user namespace")).isEqualTo("refused (ErrnoException: EPERM)");
            assertThat(results.get("seccomp: start a thread")).isEqualTo("ok");
            assertThat(results.get("seccomp: start a virtual thread")).isEqualTo("ok");
            assertThat(results.get("seccomp: read /etc/hostname")).startsWith("refused (AccessDeniedException");
            assertThat(results.get("seccomp: read /proc/self/status")).isEqualTo("ok");
        }
    }

    @Test
    void aSqlWorkersJailReachesTheWalkinsAndNothingElseOfTheDataDirectory() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> results = probe(serverEnv("require"), listener, "worker");
            assertThat(results.get("landlock: write a walk-in's directory")).isEqualTo("ok");
            assertThat(results.get("landlock: read the secrets")).startsWith("refused (AccessDeniedException");
            assertThat(results.get("landlock: write inside the data directory"))
                    .startsWith("refused (AccessDeniedException");
            assertThat(Files.exists(data.resolve("inside.txt"))).isFalse();
            assertThat(results.get("landlock: write outside the data directory")).startsWith("refused (AccessDeniedException");
            assertThat(results.get("seccomp: run /bin/true")).startsWith("refused (IOException");
            assertThat(results.get("seccomp: connect 127.0.0.1:" + listener.getLocalPort())).contains("Operation not permitted");
        }
    }

    /** Runs {@link SandboxProbe} jailed as {@code role} ("server" or "worker"); returns attempt → result. */
    private Map<String, String> probe(Map<String, String> env, ServerSocket listener, String role) throws Exception {
        try (ChildJvm probe = ChildJvm.start(SandboxProbe.class.getName(), env,
                Integer.toString(listener.getLocalPort()), outside.toString(), role)) {
            Map<String, String> results = new LinkedHashMap<>();
            String landlock = null;
            String seccomp = null;
            for (String line = probe.nextLine(); line != null && !line.equals("PROBE done"); line = probe.nextLine()) {
                if (line.startsWith("LANDLOCK ")) {
                    landlock = line.substring(9);
                } else if (line.startsWith("SECCOMP ")) {
                    seccomp = line.substring(8);
                } else if (line.startsWith("PROBE ")) {
                    int arrow = line.indexOf(" => ");
                    results.put(line.substring(6, arrow), line.substring(arrow + 4));
                }
            }
            assertThat(probe.exitStatus()).as(probe.stderr()).isZero();
            assertThat(landlock).as("probe stderr:\n" + probe.stderr()).matches("abi [0-9]+, [0-9]+ rules");
            assertThat(seccomp).matches("on, [0-9]+ syscalls");
            return results;
        }
    }

    @Test
    void requireRefusesToStartOnAKernelWithoutLandlock() throws Exception {
        Map<String, String> env = serverEnv("require");
        env.put("WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", "1");
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env)) {
            assertThat(server.exitStatus()).isEqualTo(3);
            assertThat(server.awaitLine("walkindb listening")).isNull();
            assertThat(server.stderr()).contains("walkindb: refusing to start: WALKINDB_SANDBOX=require but the "
                    + "Landlock filesystem jail cannot be applied: kernel without Landlock");
        }
    }

    @Test
    void onWithoutLandlockStillInstallsSeccompAndSaysWhy() throws Exception {
        Map<String, String> env = serverEnv("on");
        env.put("WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", "1");
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env)) {
            assertThat(get(listening(server) + "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(sandboxLine(server)).matches(
                    "sandbox: landlock off: kernel without Landlock \\(simulated.*; seccomp on, [0-9]+ syscalls");
            assertThat(server.stderr()).contains("WARN", "sandbox: Landlock off: kernel without Landlock");
        }
    }

    @Test
    void offAppliesNothingAndTheLogSaysSo() throws Exception {
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), serverEnv("off"))) {
            assertThat(get(listening(server) + "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(sandboxLine(server))
                    .isEqualTo("sandbox: landlock off: WALKINDB_SANDBOX=off; seccomp off: WALKINDB_SANDBOX=off");
            assertThat(server.stderr()).contains("sandbox: off (WALKINDB_SANDBOX=off)");
            assertThat(data.resolve("tmp")).doesNotExist();
        }
    }

    @Test
    void badModeStopsStartUpNamingTheVariable() throws Exception {
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), serverEnv("maybe"))) {
            assertThat(server.exitStatus()).isEqualTo(2);
            assertThat(server.stderr()).contains("WALKINDB_SANDBOX=\"maybe\" is not on, off or require");
        }
    }

    private Map<String, String> serverEnv(String mode) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKINDB_SANDBOX", mode);
        env.put("WALKINDB_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:0"); // never the default port: other suites run alongside
        env.put("WALKINDB_DATA_DIR", data.toString());
        return env;
    }

    private static long dirs(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var list = Files.list(dir)) {
            return list.count();
        }
    }

    private static String listening(ChildJvm server) throws InterruptedException {
        String line = server.awaitLine("walkindb listening on ");
        assertThat(line).as("start-up line; stderr:\n" + server.stderr()).isNotNull();
        return line.substring("walkindb listening on ".length()).split(" ")[0];
    }

    /** The server's one-line summary of its confinement, from its start-up log. */
    private static String sandboxLine(ChildJvm server) throws InterruptedException {
        MatchResult line = server.awaitStderr(SANDBOX_LINE, Duration.ofSeconds(20));
        assertThat(line).as("sandbox line in the start-up log:\n" + server.stderr()).isNotNull();
        return line.group();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> sql(String base, String session, String sql) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/sql")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("sql", sql))));
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
