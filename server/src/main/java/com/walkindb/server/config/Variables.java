package com.walkindb.server.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every environment variable the server reads: its name, its default as docs/CONFIGURATION.md
 * shows it, and one line of help for {@code walkindb --help}. A test holds this table, the
 * reader and the docs' table to the same names and defaults, so none can drift.
 */
public final class Variables {
    /** One variable; {@code defaultText} is empty when unset means "none" (e.g. no trusted proxies). */
    public record Variable(String name, String defaultText, String help) {}

    /** The command line, as --help and a refused argument say it. */
    public static final String USAGE = "usage: walkindb [--dev | --help | --version]";

    public static final List<Variable> SERVER = List.of(
            new Variable("WALKINDB_PROFILE", "production", "dev (as --dev): per-client and per-walk-in limits lifted"),
            new Variable("WALKINDB_ADDR", "127.0.0.1:8080", "listen address host:port (port 0: any free port)"),
            new Variable("WALKINDB_DATA_DIR", "./data", "walk-ins, secrets and access logs"),
            new Variable("WALKINDB_TTL", "600", "seconds a walk-in lives after creation"),
            new Variable("WALKINDB_NODE_NAME", "", "this node's name in logs, GET /status, metrics (- : host name)"),
            new Variable("WALKINDB_RATE_LIMITS", "local", "edge: per-client budgets are the proxy's (several nodes)"),
            new Variable("WALKINDB_RATE_LIMIT_REQS", "60", "requests per minute per client"),
            new Variable("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "10", "walk-ins created per minute per client"),
            new Variable("WALKINDB_MAX_INSTANCES_PER_IP", "50", "live walk-ins one client may hold"),
            new Variable("WALKINDB_RATE_LIMIT_INSTANCE_REQS", "300", "requests per minute on one walk-in"),
            new Variable("WALKINDB_MAX_INFLIGHT", "256", "SQL calls in flight before 503 server busy"),
            new Variable("WALKINDB_TRUSTED_PROXIES", "", "CIDRs whose X-Forwarded-For is honoured"),
            new Variable("WALKINDB_CONNECTION_CACHE", "64", "open connections kept for recent walk-ins (0: off)"),
            new Variable("WALKINDB_CONNECTION_IDLE_MS", "5000", "idle time before a cached connection closes"),
            new Variable("WALKINDB_SQLITE_HEAP_MB", "96", "process-wide heap limit of SQLite"),
            new Variable("WALKINDB_ANSWER_MEMORY_MB", "16", "Java heap large answers may hold at once"),
            new Variable("WALKINDB_SWEEP_SECONDS", "30", "how often expired walk-ins are deleted"),
            new Variable("WALKINDB_MAX_CONNECTIONS", "4096", "open TCP connections in all"),
            new Variable("WALKINDB_MAX_CONNECTIONS_PER_IP", "512", "open TCP connections per client"),
            new Variable("WALKINDB_SQL_WORKERS", "6", "calls executing SQL at once (per worker process)"),
            new Variable("WALKINDB_ISOLATION", "process", "where SQL runs: process (killable workers) or inprocess"),
            new Variable("WALKINDB_WORKERS", "2", "SQL worker processes (2 up to 7 cores, then cores/4, at most 8)"),
            new Variable("WALKINDB_WORKER_WARMUP", "on", "a spare worker warms up before it can take a killed one's place"),
            new Variable("WALKINDB_WORKER_MEMORY_MB", "384", "memory cap of each worker process (0: none)"),
            new Variable("WALKINDB_ADMIN_ADDR", "127.0.0.1:9091", "operator listener for GET /status, /metrics (off: none)"),
            new Variable("WALKINDB_METRICS", "on", "count requests for GET /metrics on the admin listener (on/off)"),
            new Variable("WALKINDB_IPV6_PREFIX", "64", "leading bits of an IPv6 address that name one client"),
            new Variable("WALKINDB_DISK_MIN_FREE_MB", "1024", "disk guard: free MB below which walk-ins stop growing"),
            new Variable("WALKINDB_DISK_MIN_FREE_PERCENT", "5", "disk guard: the same as a share of the volume"),
            new Variable("WALKINDB_ACCESS_LOG_MAX_MB", "1024", "size cap of the access-log files together"),
            new Variable("WALKINDB_ACCESS_LOG_EDGE_LINES", "60", "log lines per client and minute for unbudgeted requests"),
            new Variable("WALKINDB_IMPORT_MAX_MB", "4", "largest POST /import body"),
            new Variable("WALKINDB_IMPORT_BUDGET_MB", "20", "POST /import bytes per minute per client"),
            new Variable("WALKINDB_IMPORT_TIMEOUT_S", "10", "deadline of one import or export"),
            new Variable("WALKINDB_MCP", "on", "serve remote MCP at POST /mcp on the public listener (on/off)"),
            new Variable("WALKINDB_MCP_ORIGINS", "", "browser origins allowed to call /mcp, comma-separated"),
            new Variable("WALKINDB_MCP_MAX_SESSIONS", "10000", "live MCP sessions in all"),
            new Variable("WALKINDB_MCP_MAX_SESSIONS_PER_IP", "100", "live MCP sessions per client"),
            new Variable("WALKINDB_MCP_SESSION_IDLE_S", "1800", "an MCP session with no request for this long ends"),
            new Variable("WALKINDB_ACCESS_LOG", "on", "write the access log (on/off)"),
            new Variable("WALKINDB_SANDBOX", "on", "process confinement: on, off or require"),
            new Variable("WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", "off", "test only: act as on a kernel without Landlock"));

    /**
     * WALKINDB_ names that are not server settings but belong to walkindb all the same: the SDKs'
     * and MCP server's (a shell may export them for a client and start the server too), the
     * launcher scripts', and the one the server sets for its own re-executed JVM.
     */
    public static final Set<String> ELSEWHERE = Set.of(
            "WALKINDB_BASE_URL", "WALKINDB_TIMEOUT_MS", // Python and TypeScript SDKs, MCP server
            "WALKINDB_JAVA", "WALKINDB_SERVER_JAR",      // scripts: which JDK, which server jar
            "WALKINDB_PROGRESS_SECONDS",                 // scripts/with-progress: how often the build reports
            "WALKINDB_DOCKERFILE_LINT",                  // scripts/container-check: a Dockerfile linter at hand
            SandboxSettings.JAILED_VARIABLE);            // set by the server when it re-executes itself

    /** Names people reach for that mean one of ours under another name. */
    private static final Map<String, String> ALIASES = Map.of(
            "WALKINDB_PORT", "WALKINDB_ADDR", "WALKINDB_HOST", "WALKINDB_ADDR",
            "WALKINDB_LISTEN", "WALKINDB_ADDR", "WALKINDB_BIND", "WALKINDB_ADDR",
            "WALKINDB_DATA", "WALKINDB_DATA_DIR", "WALKINDB_DIR", "WALKINDB_DATA_DIR");

    private Variables() {}

    /** Refuses the first WALKINDB_ name in {@code env} that walkindb does not know, with a suggestion. */
    public static void checkNames(Map<String, String> env) {
        env.keySet().stream()
                .filter(name -> name.startsWith("WALKINDB_"))
                .filter(name -> !ELSEWHERE.contains(name) && SERVER.stream().noneMatch(v -> v.name().equals(name)))
                .sorted()
                .findFirst()
                .ifPresent(name -> {
                    throw new ConfigException("unknown variable " + name
                            + suggestion(name).map(s -> " (did you mean " + s + "?)").orElse("")
                            + "; walkindb --help lists them all");
                });
    }

    /** The server variable {@code name} was most likely meant to be, if one is close enough. */
    static Optional<String> suggestion(String name) {
        if (ALIASES.containsKey(name)) {
            return Optional.of(ALIASES.get(name));
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Variable v : SERVER) {
            int d = distance(name, v.name());
            if (d < bestDistance) {
                best = v.name();
                bestDistance = d;
            }
        }
        // Close means a slip of a few letters, not a different word.
        return bestDistance <= Math.max(2, (name.length() - "WALKINDB_".length()) / 3)
                ? Optional.of(best) : Optional.empty();
    }

    /** Edit distance with adjacent transpositions counted as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** The text of {@code walkindb --help}. */
    public static String help() {
        StringBuilder out = new StringBuilder();
        out.append(USAGE).append("\n\n")
                .append("Runs the walkindb server. --dev runs it for one user on their own machine: the\n")
                .append("per-client and per-walk-in limits lifted, the TTL as set (WALKINDB_PROFILE=dev).\n")
                .append("Settings come from these environment variables (docs/CONFIGURATION.md); all are\n")
                .append("optional, and an unknown WALKINDB_ variable stops start-up.\n\n");
        int width = SERVER.stream().mapToInt(v -> v.name().length()).max().orElse(0);
        int defaults = SERVER.stream().mapToInt(v -> v.defaultText().length()).max().orElse(0);
        for (Variable v : SERVER) {
            out.append("  ").append(pad(v.name(), width)).append("  ")
                    .append(pad(v.defaultText().isEmpty() ? "-" : v.defaultText(), defaults)).append("  ")
                    .append(v.help()).append('\n');
        }
        out.append("\nExit statuses: ").append(com.walkindb.server.startup.ExitStatus.summary()).append(".\n");
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
