package com.walkindb.server.testing;

import com.walkindb.server.WalkinServer;
import com.walkindb.server.config.Config;
import com.walkindb.server.config.EnvConfigReader;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.time.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real server on a free loopback port with a temporary data directory, for tests that speak
 * HTTP to it. Limits are set through the same environment variables production reads; the
 * defaults here lift the rate limits so tests that are not about them do not trip them.
 *
 * <p>Two backends. By default the server runs inside the test JVM (never jailed). With the system
 * property {@code walkindb.test.jailed=true} it runs in a child JVM ({@link JailedTestServerMain})
 * that confines itself with the production sandbox code and {@code WALKINDB_SANDBOX=require};
 * start-up fails unless its start-up log reports a live Landlock jail and seccomp filter.
 * Both backends offer {@link #http()} (the one client tests speak through), {@link #advanceClock},
 * {@link #sweep} and {@link #serverPid}; only the in-process one has {@link #clock()},
 * {@link #server()} and {@link #restart}. A test class that shares one server across its tests
 * registers a {@link ServerExtension}.
 */
public final class TestServer implements AutoCloseable {
    /** The system property that selects the jailed child-process backend. */
    public static final String JAILED_PROPERTY = "walkindb.test.jailed";
    /** Generous: a jailed server on a loaded machine still answers well within it. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** WalkinServer's start-up line: {@code sandbox: landlock <state>; seccomp <state>}. */
    private static final Pattern SANDBOX_LINE = Pattern.compile("sandbox: landlock ([^;\\n]*); seccomp ([^\\n]*)");
    private final Path dataDir;
    private final boolean ownsDir;
    /** In-process backend: the clock and the server (both null when jailed). */
    private final TestClock clock;
    private final WalkinServer server;
    /** Jailed backend (null in-process). */
    private final JailedServerProcess child;
    /** Made once the server listens (its port is known then). */
    private final Http http;

    /** {@code clock} null: the jailed child backend (its clock lives in the child). */
    private TestServer(Path dataDir, boolean ownsDir, TestClock clock, Map<String, String> env) throws Exception {
        this.dataDir = dataDir;
        this.ownsDir = ownsDir;
        Map<String, String> all = new HashMap<>(liftedLimits());
        all.put("WALKINDB_ADDR", "127.0.0.1:0"); // a test may listen elsewhere, e.g. [::1]:0
        all.put("WALKINDB_ISOLATION", isolation()); // a test may ask for one mode
        all.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:0"); // never the default port: servers run side by side
        // A warm-up costs a core for up to 3 s per spare, and the suites start hundreds of servers;
        // it only speeds the answers after a kill, which no test times tightly (WarmupTest covers it).
        all.put("WALKINDB_WORKER_WARMUP", "off");
        all.putAll(env);
        all.put("WALKINDB_DATA_DIR", dataDir.toString());
        if (clock == null) {
            all.put("WALKINDB_SANDBOX", "require");
            this.clock = null;
            this.server = null;
            this.child = JailedServerProcess.start(all);
            this.http = client(child.baseUrl());
            try {
                checkJailed();
            } catch (Exception | Error e) {
                try {
                    http.close();
                    child.close();
                } catch (RuntimeException ignored) {
                    // the jail check is the failure to report
                }
                throw e;
            }
        } else {
            this.clock = clock;
            this.child = null;
            Config config = EnvConfigReader.read(all);
            // TTL, budgets and secrets follow the test clock; deadlines, waits and idle times stay on
            // real time, as in production, where a walk-in's expiry never hurries a running call.
            this.server = new WalkinServer(config, clock, Ticker.SYSTEM);
            server.start();
            this.http = client(server.baseUrl());
        }
    }

    private static Http client(String baseUrl) {
        return new Http(baseUrl, null, CALL_TIMEOUT, Http.NO_LISTENER);
    }

    /** A server with lifted rate limits plus the given environment (jailed if {@link #jailed()}). */
    public static TestServer start(Map<String, String> env) throws Exception {
        Path dir = Files.createTempDirectory("walkindb-test");
        try {
            return new TestServer(dir, true, jailed() ? null : new TestClock(), env);
        } catch (Exception | Error e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * A server on an existing data directory (a test's own volume, or a restart after close), which
     * it leaves in place when closed (jailed if {@link #jailed()}).
     */
    public static TestServer startIn(Path dataDir, Map<String, String> env) throws Exception {
        return new TestServer(dataDir, false, jailed() ? null : new TestClock(), env);
    }

    public static TestServer start() throws Exception {
        return start(Map.of());
    }

    /** The system property that selects where SQL runs: {@code inprocess} (the default) or {@code process}. */
    public static final String ISOLATION_PROPERTY = "walkindb.test.isolation";

    /** Where the servers of this run execute SQL ({@code -Dwalkindb.test.isolation}, default in-process). */
    public static String isolation() {
        return System.getProperty(ISOLATION_PROPERTY, "inprocess");
    }

    /** Whether servers run jailed in a child JVM ({@code -Dwalkindb.test.jailed=true}). */
    public static boolean jailed() {
        return Boolean.getBoolean(JAILED_PROPERTY);
    }

    /** Restarts on the same data directory (and clock): what a process restart keeps. In-process only. */
    public TestServer restart(Map<String, String> env) throws Exception {
        inProcessOnly("restart");
        http.close();
        server.close();
        return new TestServer(dataDir, true, clock, env);
    }

    public static Map<String, String> liftedLimits() {
        return Map.of("WALKINDB_RATE_LIMIT_REQS", "1000000", "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "1000000",
                "WALKINDB_MAX_INSTANCES_PER_IP", "1000000", "WALKINDB_RATE_LIMIT_INSTANCE_REQS", "1000000",
                "WALKINDB_IMPORT_BUDGET_MB", "1048576");
    }

    public String baseUrl() {
        return child != null ? child.baseUrl() : server.baseUrl();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The PID of the process the server runs in: this JVM, or the jailed child. */
    public long serverPid() {
        return child != null ? child.pid() : ProcessHandle.current().pid();
    }

    /** Moves the server's clock forward (TTL, budgets, secret rotation). */
    public void advanceClock(Duration d) {
        if (child != null) {
            child.command("advance " + d.toMillis());
        } else {
            clock.advance(d);
        }
    }

    /** One pass of the server's sweeper, now; returns how many expired walk-ins it deleted. */
    public int sweep() throws IOException {
        if (child != null) {
            return Integer.parseInt(child.command("sweep").substring("swept ".length()));
        }
        return server.sweeper().sweep();
    }

    /** Where the admin listener answers (GET /status, /metrics), or null when it is off. */
    public String adminUrl() {
        String url = child != null ? child.command("admin").substring("admin ".length()) : server.adminUrl();
        return url == null || url.equals("null") ? null : url;
    }

    /** Calls in flight in the server now (from their walk-in's gate to the end of their execution). */
    public int callsInFlight() {
        return child != null ? Integer.parseInt(child.command("inflight").substring("inflight ".length()))
                : server.callsInFlight();
    }

    /** Calls running in SQLite now: past their walk-in's gate, holding a SQL slot. */
    public int callsInSql() {
        return child != null ? Integer.parseInt(child.command("insql").substring("insql ".length()))
                : server.callsInSql();
    }

    /**
     * Waits until at least {@code n} calls are in flight (counted from the in-flight limit, before
     * their walk-in's gate): the way a test knows that calls it sent in the background reached the
     * server, on a machine of any speed. Fails after 30 s.
     */
    public void awaitCallsInFlight(int n) {
        awaitAtLeast(n, this::callsInFlight, "in flight");
    }

    /** Waits until at least {@code n} calls run in SQLite (each holds its walk-in's gate). Fails after 30 s. */
    public void awaitCallsInSql(int n) {
        awaitAtLeast(n, this::callsInSql, "in SQLite");
    }

    private static void awaitAtLeast(int n, java.util.function.IntSupplier now, String what) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        int seen;
        while ((seen = now.getAsInt()) < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited 30 s for " + n + " call(s) " + what + "; " + seen + " now");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * The disk guard sees a volume of {@code total} bytes with {@code usable} free (both backends);
     * the guard's verdict is updated before this returns.
     */
    public void simulateDisk(long usable, long total) {
        diskCommand(usable + " " + total);
    }

    /** The disk guard reads the real data volume again. */
    public void realDisk() {
        diskCommand("real");
    }

    private void diskCommand(String args) {
        if (child != null) {
            child.command("disk " + args);
        } else {
            simulateDisk(server, args);
        }
    }

    /** {@code args}: "usable total" or "real". */
    static void simulateDisk(WalkinServer server, String args) {
        String[] parts = args.trim().split(" ");
        server.diskGuard().useSpace(parts[0].equals("real") ? null
                : DiskGuard.Space.fixed(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    }

    /** In-process only; with a jailed server use {@link #advanceClock}. */
    public TestClock clock() {
        inProcessOnly("clock()");
        return clock;
    }

    /** In-process only; with a jailed server use {@link #sweep} and HTTP. */
    public WalkinServer server() {
        inProcessOnly("server()");
        return server;
    }

    private void inProcessOnly(String what) {
        if (child != null) {
            throw new UnsupportedOperationException(what + " needs the in-process server, but this one runs jailed in "
                    + "child process " + child.pid() + " (-D" + JAILED_PROPERTY + "=true); use advanceClock(), "
                    + "sweep() and serverPid(), which work with both");
        }
    }

    /**
     * Fails unless the child's start-up log says both sandbox layers are live (the public
     * /healthz says nothing about them) and /healthz answers.
     */
    private void checkJailed() throws IOException, InterruptedException {
        MatchResult line = child.awaitLog(SANDBOX_LINE);
        if (line == null || !line.group(1).startsWith("abi ") || !line.group(2).startsWith("on")) {
            throw new IllegalStateException("the jailed test server (pid " + child.pid() + ") is not jailed: "
                    + (line == null ? "no sandbox line in its log:\n" + child.log() : line.group()));
        }
        Reply health = http.get("/healthz");
        if (health.status() != 200) {
            throw new IllegalStateException("the jailed test server (pid " + child.pid() + ") answers /healthz "
                    + health.status() + " " + health.body());
        }
    }

    /** The client for this server: every call has a 30 s timeout. */
    public Http http() {
        return http;
    }

    /** The walk-in directories currently on disk. */
    public long instanceDirs() throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("instances"))) {
            return s.count();
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
        try {
            if (child != null) {
                child.close();
            } else {
                server.close();
            }
        } finally {
            if (ownsDir) {
                deleteTree(dataDir);
            }
        }
    }

    public static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
