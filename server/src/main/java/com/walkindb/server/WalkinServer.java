package com.walkindb.server;

import com.walkindb.server.accesslog.AccessLog;
import com.walkindb.server.admin.AdminHandler;
import com.walkindb.server.admin.StatusReport;
import com.walkindb.server.call.Admission;
import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.DataCalls;
import com.walkindb.server.call.Execution;
import com.walkindb.server.call.WalkinResolver;
import com.walkindb.server.config.Config;
import com.walkindb.server.config.Limits;
import com.walkindb.server.dataio.Spool;
import com.walkindb.server.drain.Drain;
import com.walkindb.server.http.JsonErrorHandler;
import com.walkindb.server.http.PerIpConnectionLimit;
import com.walkindb.server.http.RequestHeadDeadline;
import com.walkindb.server.http.RequestIds;
import com.walkindb.server.http.WalkinHandler;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.instance.InstanceGates;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.instance.WalkinCalls;
import com.walkindb.server.worker.WorkerPool;
import com.walkindb.server.config.Isolation;
import com.walkindb.server.instance.SqlWorkers;
import com.walkindb.server.instance.Sweeper;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.metrics.Metrics;
import com.walkindb.server.metrics.Sources;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.LiveInstances;
import com.walkindb.server.sandbox.SandboxStatus;
import com.walkindb.server.session.SecretStore;
import com.walkindb.server.session.SessionTokens;
import com.walkindb.server.session.UuidV7;
import com.walkindb.server.startup.CannotListen;
import com.walkindb.server.startup.OsReason;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.Sqlite;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the parts of the service together and runs it: Jetty on virtual threads, the stores,
 * the budgets, the sweeper and the idle-connection reaper. Tests start it on port 0 with a
 * temporary data directory and their own clock.
 */
public final class WalkinServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalkinServer.class);
    /** Jetty's own selector and I/O threads: sizing of a pool, not a limit anyone meets. */
    private static final int PLATFORM_THREADS_MAX = 32;
    private static final int PLATFORM_THREADS_MIN = 4;

    private final Config config;
    private final Server jetty;
    private final ServerConnector connector;
    /** The operator's listener (GET /status), or null when WALKINDB_ADMIN_ADDR=off. */
    private final ServerConnector adminConnector;
    private final WalkinCalls calls;
    private final WorkerPool pool;
    private final SqlWorkers workers;
    private final AnswerMemory answerMemory;
    private final Sweeper sweeper;
    private final AccessLog accessLog;
    private final ScheduledExecutorService housekeeping;
    private final DiskGuard disk;
    private final SandboxStatus sandbox;
    private final GracefulHandler graceful;
    private final InFlightLimit inFlight;

    /** A server in a process nobody confined (tests run it inside their own JVM). */
    public WalkinServer(Config config, Clock clock) throws IOException {
        this(config, clock, Ticker.SYSTEM, null);
    }

    /** An unconfined server whose intervals (deadline, waits, idle time) are measured on {@code ticker}. */
    public WalkinServer(Config config, Clock clock, Ticker ticker) throws IOException {
        this(config, clock, ticker, null);
    }

    /** {@code sandbox}: the confinement {@code Main} applied to this process, logged once the server listens. */
    public WalkinServer(Config config, Clock clock, SandboxStatus sandbox) throws IOException {
        this(config, clock, Ticker.SYSTEM, sandbox);
    }

    /**
     * {@code clock}: wall time (expiry, budgets, log dates); {@code ticker}: intervals (the query
     * deadline, the gate and SQL-slot wait, the connection cache's idle time); {@code sandbox}:
     * the confinement {@code Main} applied to this process, or null.
     */
    public WalkinServer(Config config, Clock clock, Ticker ticker, SandboxStatus sandbox) throws IOException {
        Limits limits = config.limits();
        this.config = config;
        this.sandbox = sandbox;
        Sqlite.hardHeapLimit(config.sqliteHeapLimit());
        SecureRandom random = new SecureRandom();
        Files.createDirectories(config.dataDir());
        this.disk = new DiskGuard(DiskGuard.Space.of(config.dataDir()), config.diskMinFreeBytes(),
                config.diskMinFreePercent(), limits.nearlyFullBytes());
        InstanceStore store = new InstanceStore(config.dataDir(), clock, config.ttl(),
                warmTemplate(new DatabaseTemplate(config.dataDir())), disk);
        LiveInstances live = new LiveInstances(config.maxInstancesPerIp(), clock);
        // meta.json keeps the creator's full address; it counts under today's key (IPv6 prefix).
        store.forEach(i -> live.restore(i.creator() == null ? null
                : ClientKey.ofText(i.creator(), config.ipv6PrefixBits()), i.expiresAt().toEpochMilli()));
        ClientAddress clients = new ClientAddress(config.trustedProxies(), config.ipv6PrefixBits());
        this.answerMemory = new AnswerMemory(config.answerMemory());
        Isolation isolation = config.isolation();
        LocalCalls ownCalls = null;
        if (isolation.processes()) {
            // SQL runs in killable worker processes; no native call pins this process's carriers,
            // so the slots only bound the threads each worker runs at once.
            this.pool = WorkerPool.start(config, isolation.workers());
            this.calls = pool;
            this.workers = new SqlWorkers(config.sqlWorkers() * isolation.workers(), ticker);
        } else {
            this.pool = null;
            ownCalls = new LocalCalls(store::databaseFile,
                    new ConnectionCache(config.connectionCacheSize(), config.connectionIdle(), ticker),
                    answerMemory, limits, config.dataIo(), ticker);
            this.calls = ownCalls;
            this.workers = new SqlWorkers(config.sqlWorkers(), ticker);
            warnIfCarriersRunShort(config.sqlWorkers());
        }
        Walkins walkins = new Walkins(store, new InstanceGates(), calls, workers, limits, ticker);
        this.sweeper = new Sweeper(store, walkins, live, limits.sweepBatch());
        this.inFlight = new InFlightLimit(config.maxInflight());
        Drain drain = new Drain(clock);
        WalkinResolver resolver = new WalkinResolver(
                new SessionTokens(SecretStore.open(config.dataDir(), clock), random),
                store,
                new KeyedBudgets<UUID>(config.instanceRequestsPerMinute(), limits.maxTrackedInstances(), clock),
                new KeyedBudgets<ClientKey>(config.creationsPerMinute(), limits.maxTrackedIps(), clock),
                live,
                new UuidV7(clock, random),
                config.ttl(),
                drain);
        CallCore calls = new CallCore(
                new Admission(inFlight, new KeyedBudgets<ClientKey>(config.requestsPerMinute(), limits.maxTrackedIps(), clock)),
                resolver,
                new Execution(inFlight, walkins),
                limits);
        DataCalls data = new DataCalls(resolver, inFlight, walkins, store);
        KeyedBudgets<ClientKey> uploads = new KeyedBudgets<>(config.dataIo().importBudgetKiBPerMinute(),
                limits.maxTrackedIps(), clock);
        Spool spool = Spool.open(config.dataDir());
        this.accessLog = config.accessLog() ? AccessLog.open(config.dataDir(), limits.accessLogDays(),
                config.accessLogMaxBytes(), config.accessLogEdgeLinesPerMinute(), config.ipv6PrefixBits(), clock) : null;

        // Requests run on virtual threads; this pool only runs Jetty's own selector and I/O tasks.
        QueuedThreadPool pool = new QueuedThreadPool(PLATFORM_THREADS_MAX, PLATFORM_THREADS_MIN, 10_000);
        pool.setName("walkindb-http");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        this.jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        // Jetty's header cache builds a 96 KiB trie per keep-alive connection on its second request:
        // 512 connections from one address held 50 MB of heap. Parsing headers afresh costs little.
        http.setHeaderCacheSize(0);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.addBean(new PerIpConnectionLimit(config.maxConnectionsPerIp(), clients));
        jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        InetSocketAddress listen = config.listen();
        connector.setHost(listen.getHostString());
        connector.setPort(listen.getPort());
        connector.setIdleTimeout(limits.connectionIdleTimeout().toMillis());
        jetty.addConnector(connector);
        // Each byte resets the idle timeout, so trickles are bounded per request: the head here, the
        // body by RequestBody's minimum rate (Jetty 12.1's MinimumDataRateHandler divided the bytes
        // of all requests ever read by this request's time, so it stopped cutting anything).
        RequestHeadDeadline heads = new RequestHeadDeadline(connector.getScheduler(), limits.headDeadline().toMillis());
        connector.addBean(heads);
        Metrics metrics = config.admin().metricsEnabled() ? new Metrics(metricSources(store, ownCalls, drain)) : null;
        WalkinHandler router = new WalkinHandler(calls, data, clients, limits, config.dataIo(), uploads, spool,
                config.mcp(), accessLog, clock, drain);
        this.graceful = new GracefulHandler(heads.around(metrics == null ? router : metrics.around(router)));
        if (config.admin().enabled()) {
            HttpConfiguration adminHttp = new HttpConfiguration();
            adminHttp.setSendServerVersion(false);
            this.adminConnector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(adminHttp));
            adminConnector.setHost(config.admin().address().getHostString());
            adminConnector.setPort(config.admin().address().getPort());
            adminConnector.setIdleTimeout(limits.connectionIdleTimeout().toMillis());
            jetty.addConnector(adminConnector);
            jetty.setHandler(new RequestIds(new AdminHandler(graceful, adminConnector,
                    new StatusReport(config, sandbox, this.pool, clock, drain), metrics, drain)));
        } else {
            this.adminConnector = null;
            jetty.setHandler(new RequestIds(graceful));
        }
        jetty.setErrorHandler(new JsonErrorHandler(limits));
        jetty.setStopTimeout(limits.stopWait().toMillis());
        jetty.setStopAtShutdown(false);

        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walkindb-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** What GET /metrics reads: in process mode the connection cache and answer memory are the workers'. */
    private Sources metricSources(InstanceStore store, LocalCalls ownCalls, Drain drain) {
        Supplier<ConnectionCache.Figures> cache;
        LongSupplier answersHeld;
        if (pool != null) {
            cache = () -> {
                WorkerPool.Figures f = pool.figures();
                return new ConnectionCache.Figures(f.cacheHits(), f.cacheMisses(), f.cacheSize());
            };
            answersHeld = () -> pool.figures().answerMemoryHeld();
        } else {
            cache = ownCalls::cacheFigures;
            answersHeld = answerMemory::held;
        }
        return new Sources(store, sweeper, config.sweepInterval(), disk, workers, inFlight, cache, answersHeld,
                config.answerMemory(), pool, config.dataDir().resolve("logs"), pool != null ? "process" : "inprocess",
                config.node().name(), drain);
    }

    /** Builds the template now; on a full disk the server starts anyway and the first creation retries. */
    private static DatabaseTemplate warmTemplate(DatabaseTemplate template) {
        try {
            template.bytes();
        } catch (IOException e) {
            LOG.warn("{}; starting without it (reads and sweeps need none), the next new walk-in tries again",
                    e.getMessage());
        }
        return template;
    }

    /** SQL pins carriers: with as many SQL slots as carriers, busy SQL could stall every request. */
    private static void warnIfCarriersRunShort(int sqlSlots) {
        String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        int carriers = p != null ? Integer.parseInt(p.trim()) : Runtime.getRuntime().availableProcessors();
        if (sqlSlots >= carriers) {
            LOG.warn("WALKINDB_SQL_WORKERS={} is not below the {} virtual-thread carriers: CPU-heavy calls can "
                    + "stall every request. Raise -Djdk.virtualThreadScheduler.parallelism or lower the workers.",
                    sqlSlots, carriers);
        }
    }

    /**
     * Opens both listeners, then serves. An address that cannot be had throws {@link CannotListen}
     * naming its variable (Jetty's own message says neither which setting nor, often, why).
     */
    public void start() throws Exception {
        openAdmin();
        try {
            connector.open(); // jetty.start() finds it open
        } catch (IOException e) {
            throw new CannotListen("WALKINDB_ADDR", hostPort(config.listen()), e);
        }
        jetty.start();
        if (sandbox != null) {
            LOG.info("{}", sandbox.logLine()); // the operator's copy of what /healthz no longer publishes
        }
        long sweepMs = config.sweepInterval().toMillis();
        // Each task catches its own failures (a thrown one would cancel its schedule silently).
        var unusedSweeps = housekeeping.scheduleWithFixedDelay(sweeper, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        var unusedReaps = housekeeping.scheduleWithFixedDelay(this::closeIdleConnections, 1, 1, TimeUnit.SECONDS);
        var unusedLooks = housekeeping.scheduleWithFixedDelay(disk::refresh, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Binds the admin listener before the rest: an address that was set and cannot be had stops
     * start-up; the default one, taken (say by a second server on the machine), costs a warning.
     */
    private void openAdmin() throws CannotListen {
        if (adminConnector == null) {
            return;
        }
        try {
            adminConnector.open();
        } catch (IOException e) {
            if (!config.admin().isDefault()) {
                throw new CannotListen("WALKINDB_ADMIN_ADDR", hostPort(config.admin().address()), e);
            }
            LOG.warn("admin listener off: cannot listen on the default WALKINDB_ADMIN_ADDR={} ({}); set "
                    + "WALKINDB_ADMIN_ADDR to another address, or to off", hostPort(config.admin().address()),
                    OsReason.of(e));
            jetty.removeConnector(adminConnector);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Where GET /status answers, or null (off, or the default address was taken). */
    public String adminUrl() {
        if (adminConnector == null || !adminConnector.isOpen()) {
            return null;
        }
        String host = config.admin().address().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + adminConnector.getLocalPort();
    }

    private void closeIdleConnections() {
        try {
            calls.closeIdle();
        } catch (Throwable t) {
            LOG.error("closing idle connections failed; retrying in a second", t);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String baseUrl() {
        String host = config.listen().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** The SQL worker processes, or null when SQL runs in this process (WALKINDB_ISOLATION=inprocess). */
    public WorkerPool workerPool() {
        return pool;
    }

    /** The heap large answers hold now (tests check that every answer gave its share back). */
    public AnswerMemory answerMemory() {
        return answerMemory;
    }

    public Sweeper sweeper() {
        return sweeper;
    }

    /**
     * Calls in flight now: from their walk-in's gate (step 6) to the end of their execution. Tests
     * wait on it to know a call is really running, instead of sleeping.
     */
    public int callsInFlight() {
        return inFlight.inFlight();
    }

    /** Calls running in SQLite now (past their walk-in's gate, holding a SQL slot). */
    public int callsInSql() {
        return workers.busy();
    }

    /** The data volume's guard (tests give it a simulated volume through {@link DiskGuard#useSpace}). */
    public DiskGuard diskGuard() {
        return disk;
    }

    /**
     * Stops accepting, lets calls in flight finish (for at most {@link Limits#stopWait()}), then closes
     * every connection and the idle walk-in connections. Returns how many calls were still
     * running: stuck in native code past their deadline, with their walk-in's transaction not
     * committed (SQLite rolls it back when the walk-in is next opened). Never waits on them.
     */
    public long stop() {
        housekeeping.shutdownNow();
        try {
            jetty.stop();
        } catch (TimeoutException callsLeft) {
            // Jetty stopped anyway; the calls still running are counted below
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        calls.close(); // idle connections (in process: the workers, killed if they linger)
        if (accessLog != null) {
            accessLog.close();
        }
        return graceful.getCurrentRequestCount();
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
