package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The harness every abuse class runs on: one real server per class (port 0, temporary data
 * directory, rate limits lifted unless the class says otherwise), a second tenant — the victim —
 * created before any attack with rows the suite knows, and a canary directory outside the data
 * directory that no attack may touch. The server runs inside the test JVM, or — with
 * {@code -Dwalkindb.test.jailed=true} — jailed in a child JVM ({@link TestServer}); the host
 * checks below then look at that child process.
 *
 * <p>After <em>every</em> case it checks, whatever the case itself asserted:
 * <ul>
 *   <li>no answer of the case was a 500, and no body spelled the data directory or the
 *       server's working directory (server paths never reach a client); no 200 body holds
 *       something shaped like a native heap address ({@link #NATIVE_ADDRESS});</li>
 *   <li>GET /healthz still answers 200 {"status":"ok"};</li>
 *   <li>the victim's walk-in still returns exactly its rows;</li>
 *   <li>on disk, only the directories of walk-ins the case used or created, {@code logs/} and
 *       {@code secrets/} changed; the canary directory is unchanged; no file named with the
 *       case's marker exists in the canary, the data directory, the working directory, /tmp,
 *       / or the home directory;</li>
 *   <li>every walk-in's db.sqlite + -wal + -shm is at most 10 MiB (2560 pages of 4 KiB) +
 *       64 KiB;</li>
 *   <li>the resident set of every process a server of the case runs in (the test JVM, or each
 *       jailed child) is under 1.5 GiB; the case left at most 300 more file descriptors open in
 *       those processes than it found, 10 s at most after the case ended (a server closes the
 *       sockets its clients dropped a moment later; a jailed child's own start-up descriptors
 *       are not counted), and none is a temporary file on disk;</li>
 *   <li>the access log gained no 500 line and never holds a session token.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbuseSuite {
    static final long PAGE_CAP_BYTES = 2560L * 4096;
    static final long ON_DISK_CAP = PAGE_CAP_BYTES + 64 * 1024;
    static final long RSS_CEILING = 1536L * 1024 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();
    /** How a heap address looks in SQLite's output ("vtab:55BC6D3A3C28") or in C's (0x7f...). */
    static final Pattern NATIVE_ADDRESS = Pattern.compile("(?i)(?:vtab:|0x)[0-9a-f]{8,16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The victim: another tenant's walk-in with rows only it knows. */
    record Victim(String token, UUID id, String table, JsonNode rows, String secret) {}

    protected TestServer server;
    protected Http http;
    /** What {@link #http} and {@link #raw} sent and got in the current case. */
    protected final CaseRecord record = new CaseRecord();
    protected RawHttp raw;
    protected Path dataDir;
    protected Path canary;
    protected Victim victim;
    /** Part of every file name an attack tries to create; none may ever exist. */
    protected final String marker = "abusepwn" + hex(6);

    private Http probe;
    private DiskSnapshot before;
    private DiskSnapshot canaryBefore;
    private AccessLogWatch accessLog;
    private final List<OwnServer> ownServers = new ArrayList<>();
    private final Set<String> reportedMarkers = new java.util.HashSet<>();
    private long caseStart;
    private int fdsBefore;

    /** Extra environment for this class's server (limits are lifted by default). */
    protected Map<String, String> serverEnv() {
        return Map.of();
    }

    @BeforeAll
    final void startServer() throws Exception {
        server = TestServer.start(serverEnv());
        dataDir = server.dataDir();
        canary = Files.createTempDirectory("walkindb-abuse-canary");
        Files.writeString(canary.resolve("sentinel.txt"), "the canary sings");
        http = CaseRecord.client(server.baseUrl(), record);
        raw = new RawHttp(http, record);
        probe = CaseRecord.client(server.baseUrl(), new CaseRecord()); // the harness's own calls: not the case's
        accessLog = new AccessLogWatch(dataDir);
        createVictim();
    }

    /** A fresh victim (also after a case broke the previous one, so later cases are judged on their own). */
    private void createVictim() throws Exception {
        String secret = "victim-secret-" + hex(8);
        String table = "victim_ledger_" + hex(4);
        Reply created = probe.sql("CREATE TABLE " + table + "(id INTEGER PRIMARY KEY, v); INSERT INTO " + table
                + " VALUES (1, '" + secret + "'), (2, 42), (3, x'00ff10'), (4, 2.5)");
        assertThat(created.status()).as("victim setup %s", created).isEqualTo(200);
        victim = new Victim(created.session(), Tokens.instanceId(created.session()), table,
                JSON.readTree("[[1,\"" + secret + "\"],[2,42],[3,{\"base64\":\"AP8Q\"}],[4,2.5]]"), secret);
        checkVictim();
    }

    @AfterAll
    final void stopServer() throws IOException {
        Stats.print(getClass().getSimpleName(), server.serverPid());
        http.close();
        probe.close();
        server.close();
        deleteTree(canary);
    }

    @BeforeEach
    final void beforeCase() {
        record.reset();
        ownServers.clear();
        before = DiskSnapshot.take(dataDir);
        canaryBefore = DiskSnapshot.take(canary);
        fdsBefore = HostChecks.openFiles(server.serverPid()).size();
        caseStart = System.nanoTime();
    }

    @AfterEach
    final void afterCase(TestInfo info) throws Exception {
        String name = getClass().getSimpleName() + "." + info.getDisplayName();
        long elapsed = (System.nanoTime() - caseStart) / 1_000_000;
        DiskSnapshot after = DiskSnapshot.take(dataDir);
        List<String> problems = new ArrayList<>();

        for (CaseRecord r : allRecords()) {
            for (Reply a : r.answers()) {
                if (a.status() == 500) {
                    problems.add("a 500 answer: " + a);
                }
                if (a.status() == 200 && a.body() != null && NATIVE_ADDRESS.matcher(a.body()).find()) {
                    problems.add("a native address in an answer: " + a);
                }
            }
        }
        for (Reply a : record.answers()) {
            if (a.body() != null && (a.body().contains(dataDir.toString())
                    || a.body().contains(System.getProperty("user.dir")))) {
                problems.add("a server path in a response body: " + a);
            }
        }
        problems.addAll(before.dataDirViolations(after, record.touchedInstances()));
        problems.addAll(canaryBefore.unchangedViolations(DiskSnapshot.take(canary)));
        HostChecks.markerFiles(marker, canary, dataDir).stream().filter(reportedMarkers::add)
                .forEach(f -> problems.add("a file named with the attack marker exists: " + f));
        long largest = 0;
        for (var e : after.instanceBytes().entrySet()) {
            largest = Math.max(largest, e.getValue());
            if (e.getValue() > ON_DISK_CAP) {
                problems.add("walk-in " + e.getKey() + " holds " + e.getValue() + " bytes on disk (cap " + ON_DISK_CAP + ")");
            }
        }
        Stats.max("instance.on_disk.bytes.after_call", largest, name);
        // The processes the case's servers run in: one (this JVM) in-process, one per server jailed.
        Map<Long, Integer> serverProcesses = new java.util.LinkedHashMap<>();
        serverProcesses.put(server.serverPid(), fdsBefore);
        for (OwnServer o : ownServers) {
            long pid = o.server.serverPid();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) { // a jailed one the case closed is gone
                serverProcesses.putIfAbsent(pid, o.fdsAtStart);
            }
        }
        List<String> fds = new ArrayList<>();
        int fdsFound = 0;
        for (var p : serverProcesses.entrySet()) {
            long rss = Stats.procStatus(p.getKey(), "VmRSS");
            Stats.max("rss.bytes.after_case", rss, name);
            if (rss > RSS_CEILING) {
                problems.add("resident set of the server process " + p.getKey() + ": " + rss + " bytes over "
                        + RSS_CEILING);
            }
            fds.addAll(HostChecks.openFiles(p.getKey()));
            fdsFound += p.getValue();
        }
        Stats.max("jvm.open_fds.after_case", fds.size(), name);
        if (fds.size() - fdsFound > FD_ALLOWANCE) {
            // Sockets the case's clients closed are closed by the server when its selector sees
            // them go, a moment later: a leak stays, so wait (bounded) before calling it one.
            fds = awaitOpenFilesWithin(serverProcesses.keySet(), fdsFound + FD_ALLOWANCE);
        }
        if (fds.size() - fdsFound > FD_ALLOWANCE) {
            problems.add("the case left " + (fds.size() - fdsFound) + " more file descriptors open (" + fds.size() + ")");
        }
        for (String target : fds) {
            if (HostChecks.isTempSpill(target)) {
                problems.add("an open temporary file on disk (temp data must stay in memory): " + target);
            }
        }

        Reply health = probe.get("/healthz");
        if (health.status() != 200 || !health.body().equals("{\"status\":\"ok\"}")) {
            problems.add("healthz: " + health);
        }
        Stats.max("healthz.after_case.ms", health.millis(), name);
        try {
            checkVictim();
        } catch (AssertionError e) {
            problems.add("victim: " + e.getMessage());
            createVictim();
        }
        Set<String> tokens = new java.util.HashSet<>(record.tokens());
        tokens.add(victim.token());
        problems.addAll(accessLog.problems(tokens, victim.secret()));
        for (OwnServer o : ownServers) {
            o.close();
        }
        Stats.line(name + " took " + elapsed + " ms");
        assertThat(problems).as("harness invariants after %s", name).isEmpty();
    }

    private List<CaseRecord> allRecords() {
        List<CaseRecord> all = new ArrayList<>();
        all.add(record);
        for (OwnServer o : ownServers) {
            all.add(o.record);
        }
        return all;
    }

    private void checkVictim() {
        Reply a = probe.sql("SELECT id, v FROM " + victim.table() + " ORDER BY id", victim.token());
        assertThat(a.status()).as("victim read %s", a).isEqualTo(200);
        assertThat(a.rows()).as("victim rows").isEqualTo(victim.rows());
    }

    // ----- helpers for the cases -----

    /** A fresh walk-in set up with {@code sql} (must succeed); returns its token. */
    protected String walkin(String sql) {
        Reply a = http.sql(sql);
        assertThat(a.status()).as("setup %s", a).isEqualTo(200);
        assertThat(a.session()).isNotNull();
        return a.session();
    }

    protected static Reply expect(Reply a, int status, String error) {
        assertThat(a.status()).as("status of %s", a).isEqualTo(status);
        assertThat(a.error()).as("error of %s", a).isEqualTo(error);
        return a;
    }

    protected static Reply expectOk(Reply a) {
        assertThat(a.status()).as("status of %s", a).isEqualTo(200);
        JsonNode j = a.json();
        assertThat(j.has("columns") && j.has("rows") && j.has("rows_affected") && j.has("truncated"))
                .as("success shape of %s", a).isTrue();
        return a;
    }

    /** The single value of a one-row, one-column success. */
    protected static JsonNode scalar(Reply a) {
        expectOk(a);
        assertThat(a.rows().size()).as("rows of %s", a).isEqualTo(1);
        return a.rows().get(0).get(0);
    }

    protected Path instanceDir(String token) {
        return dataDir.resolve("instances").resolve(Tokens.instanceId(token).toString());
    }

    /** db.sqlite + -wal + -shm of the walk-in, now. */
    protected static long onDisk(Path dir) {
        long sum = 0;
        for (String f : List.of("db.sqlite", "db.sqlite-wal", "db.sqlite-shm")) {
            try {
                sum += Files.size(dir.resolve(f));
            } catch (IOException absent) {
                // not there: 0
            }
        }
        return sum;
    }

    protected static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException absent) {
            return 0;
        }
    }

    protected OwnServer ownServer(Map<String, String> env) throws Exception {
        OwnServer o = new OwnServer(env);
        ownServers.add(o);
        return o;
    }

    /** A server of the case's own on {@code dataDir} (left in place when the harness closes it). */
    protected OwnServer ownServerIn(Path dataDir, Map<String, String> env) throws Exception {
        OwnServer o = new OwnServer(dataDir, env);
        ownServers.add(o);
        return o;
    }

    /** Closes the case's own servers now (the harness still checks what they answered). */
    protected void closeOwnServers() throws IOException {
        for (OwnServer o : ownServers) {
            o.close();
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A recursive CTE named {@code c(i)} counting 1..n, for use as {@code WITH ... SELECT ... FROM c}. */
    static String counter(long n) {
        return "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<" + n + ") ";
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** More open files than this after a case, in all its server processes, count as a leak. */
    private static final int FD_ALLOWANCE = 300;

    /** The open files of {@code pids} once they are at most {@code most}, or after 10 s as they are then. */
    private static List<String> awaitOpenFilesWithin(java.util.Set<Long> pids, int most) {
        return Await.settle(Duration.ofSeconds(10), () -> {
            List<String> open = new ArrayList<>();
            for (long pid : pids) {
                open.addAll(HostChecks.openFiles(pid));
            }
            return open;
        }, open -> open.size() <= most);
    }
}
