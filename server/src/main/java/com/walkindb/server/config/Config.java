package com.walkindb.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every knob of the server, read once at start-up (see {@link EnvConfigReader}) and never
 * changed afterwards, plus the fixed limits of the contract ({@link Limits}). Defaults are those
 * of docs/CONFIGURATION.md; tests and benchmarks lift them through the same environment variables
 * production uses.
 *
 * @param listen              WALKINDB_ADDR, host:port (port 0 picks a free one)
 * @param dataDir             WALKINDB_DATA_DIR
 * @param ttl                 WALKINDB_TTL, seconds an instance lives after creation
 * @param requestsPerMinute   WALKINDB_RATE_LIMIT_REQS, per source IP
 * @param creationsPerMinute  WALKINDB_RATE_LIMIT_NEW_INSTANCES, per source IP
 * @param maxInstancesPerIp   WALKINDB_MAX_INSTANCES_PER_IP, live walk-ins per source IP
 * @param instanceRequestsPerMinute WALKINDB_RATE_LIMIT_INSTANCE_REQS, per walk-in
 * @param maxInflight         WALKINDB_MAX_INFLIGHT, SQL calls in flight before 503
 * @param trustedProxies      WALKINDB_TRUSTED_PROXIES, CIDR list
 * @param connectionCacheSize WALKINDB_CONNECTION_CACHE, open connections kept for hot walk-ins (0 = off)
 * @param connectionIdle      WALKINDB_CONNECTION_IDLE_MS, idle time before a cached connection closes
 * @param sqliteHeapLimit     WALKINDB_SQLITE_HEAP_MB, process-wide hard heap limit of SQLite
 * @param answerMemory        WALKINDB_ANSWER_MEMORY_MB, Java heap large answers may hold at once
 * @param sweepInterval       WALKINDB_SWEEP_SECONDS, how often expired walk-ins are deleted
 * @param accessLog           WALKINDB_ACCESS_LOG, whether access-log lines are written
 * @param maxConnections      WALKINDB_MAX_CONNECTIONS, open TCP connections in all
 * @param maxConnectionsPerIp WALKINDB_MAX_CONNECTIONS_PER_IP, open TCP connections per source address
 * @param sqlWorkers          WALKINDB_SQL_WORKERS, calls executing SQL at once (below the carrier count)
 * @param ipv6PrefixBits      WALKINDB_IPV6_PREFIX, how many leading bits of an IPv6 address name one client
 * @param diskMinFreeBytes    WALKINDB_DISK_MIN_FREE_MB, the disk guard trips below the smaller of this and
 *                            {@code diskMinFreePercent} of the data volume
 * @param diskMinFreePercent  WALKINDB_DISK_MIN_FREE_PERCENT, see {@code diskMinFreeBytes}
 * @param accessLogMaxBytes   WALKINDB_ACCESS_LOG_MAX_MB, the access-log directory's size cap (oldest files go first)
 * @param accessLogEdgeLinesPerMinute WALKINDB_ACCESS_LOG_EDGE_LINES, per source IP, lines for requests that no
 *                            request budget charges (404, 405, OPTIONS, errors of the HTTP layer); more are dropped
 * @param sandbox             WALKINDB_SANDBOX and its test-only companions (see {@link SandboxSettings})
 * @param isolation           WALKINDB_ISOLATION, WALKINDB_WORKERS, WALKINDB_WORKER_MEMORY_MB (see {@link Isolation})
 * @param admin               WALKINDB_ADMIN_ADDR, the operator's listener (see {@link AdminListen})
 * @param dataIo              WALKINDB_IMPORT_MAX_MB, WALKINDB_IMPORT_BUDGET_MB, WALKINDB_IMPORT_TIMEOUT_S
 *                            (see {@link DataIo})
 * @param mcp                 WALKINDB_MCP, WALKINDB_MCP_ORIGINS, WALKINDB_MCP_MAX_SESSIONS,
 *                            WALKINDB_MCP_MAX_SESSIONS_PER_IP, WALKINDB_MCP_SESSION_IDLE_S (see {@link McpSettings})
 * @param node                WALKINDB_NODE_NAME, WALKINDB_RATE_LIMITS (see {@link Node})
 * @param dev                 WALKINDB_PROFILE=dev or --dev: the per-client and per-walk-in limits above
 *                            default to {@link DevProfile#LIFTED} (see {@link DevProfile})
 * @param limits              the fixed limits of the contract: no environment variable, always
 *                            {@link Limits#DEFAULTS} outside tests (see {@link #withLimits})
 */
public record Config(
        InetSocketAddress listen,
        Path dataDir,
        Duration ttl,
        int requestsPerMinute,
        int creationsPerMinute,
        int maxInstancesPerIp,
        int instanceRequestsPerMinute,
        int maxInflight,
        List<Cidr> trustedProxies,
        int connectionCacheSize,
        Duration connectionIdle,
        long sqliteHeapLimit,
        long answerMemory,
        Duration sweepInterval,
        boolean accessLog,
        int maxConnections,
        int maxConnectionsPerIp,
        int sqlWorkers,
        int ipv6PrefixBits,
        long diskMinFreeBytes,
        int diskMinFreePercent,
        long accessLogMaxBytes,
        int accessLogEdgeLinesPerMinute,
        SandboxSettings sandbox,
        Isolation isolation,
        AdminListen admin,
        DataIo dataIo,
        McpSettings mcp,
        Node node,
        boolean dev,
        Limits limits) {

    /** The same configuration with other fixed limits: tests shrink e.g. the query deadline. */
    public Config withLimits(Limits other) {
        return new Config(listen, dataDir, ttl, requestsPerMinute, creationsPerMinute, maxInstancesPerIp,
                instanceRequestsPerMinute, maxInflight, trustedProxies, connectionCacheSize, connectionIdle,
                sqliteHeapLimit, answerMemory, sweepInterval, accessLog, maxConnections, maxConnectionsPerIp,
                sqlWorkers, ipv6PrefixBits, diskMinFreeBytes, diskMinFreePercent, accessLogMaxBytes,
                accessLogEdgeLinesPerMinute, sandbox, isolation, admin, dataIo, mcp, node, dev, other);
    }

    /** The same configuration with SQL run elsewhere (tests run both modes). */
    public Config withIsolation(Isolation other) {
        return new Config(listen, dataDir, ttl, requestsPerMinute, creationsPerMinute, maxInstancesPerIp,
                instanceRequestsPerMinute, maxInflight, trustedProxies, connectionCacheSize, connectionIdle,
                sqliteHeapLimit, answerMemory, sweepInterval, accessLog, maxConnections, maxConnectionsPerIp,
                sqlWorkers, ipv6PrefixBits, diskMinFreeBytes, diskMinFreePercent, accessLogMaxBytes,
                accessLogEdgeLinesPerMinute, sandbox, other, admin, dataIo, mcp, node, dev, limits);
    }

    /** WALKINDB_WORKER_MEMORY_MB in bytes (0: no cap). */
    public long workerMemoryBytes() {
        return isolation.memoryBytes();
    }
}
