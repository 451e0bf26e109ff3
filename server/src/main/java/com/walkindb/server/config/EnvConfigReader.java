package com.walkindb.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that reads the environment. Every value is validated here; a bad one stops
 * start-up with a {@link ConfigException} naming the variable and what was wrong. Nothing is
 * clamped silently.
 */
public final class EnvConfigReader {
    private final Map<String, String> env;
    /** The names this reader looked up, in order: the test that keeps --help and the docs true reads it. */
    private final Set<String> read = new LinkedHashSet<>();

    private EnvConfigReader(Map<String, String> env) {
        this.env = env;
    }

    /** The configuration in {@code env}; an unknown WALKINDB_ name is refused before anything is read. */
    public static Config read(Map<String, String> env) {
        Variables.checkNames(env);
        return new EnvConfigReader(env).config();
    }

    /** Every variable name the reader looks up (test hook for {@link Variables}). */
    static Set<String> namesRead() {
        EnvConfigReader r = new EnvConfigReader(Map.of());
        r.config();
        return r.read;
    }

    private String get(String name) {
        read.add(name);
        return env.get(name);
    }

    private Config config() {
        Node node = node();
        // dev mode and edge mode both lift the per-client budgets' defaults; a value set still wins
        boolean dev = dev(), lift = dev || node.edgeLimits();
        return new Config(
                address("WALKINDB_ADDR", "127.0.0.1:8080"),
                Path.of(string("WALKINDB_DATA_DIR", "./data")).toAbsolutePath().normalize(),
                Duration.ofSeconds(integer("WALKINDB_TTL", 600, 1, 7 * 24 * 3600)),
                integer("WALKINDB_RATE_LIMIT_REQS", lift ? DevProfile.LIFTED : 60, 1, Integer.MAX_VALUE),
                integer("WALKINDB_RATE_LIMIT_NEW_INSTANCES", lift ? DevProfile.LIFTED : 10, 1, Integer.MAX_VALUE),
                integer("WALKINDB_MAX_INSTANCES_PER_IP", lift ? DevProfile.LIFTED : 50, 1, Integer.MAX_VALUE),
                integer("WALKINDB_RATE_LIMIT_INSTANCE_REQS", dev ? DevProfile.LIFTED : 300, 1, Integer.MAX_VALUE),
                integer("WALKINDB_MAX_INFLIGHT", 256, 1, 1_000_000),
                cidrs("WALKINDB_TRUSTED_PROXIES"),
                integer("WALKINDB_CONNECTION_CACHE", 64, 0, 10_000),
                Duration.ofMillis(integer("WALKINDB_CONNECTION_IDLE_MS", 5000, 1, 3_600_000)),
                integer("WALKINDB_SQLITE_HEAP_MB", 96, 8, 64 * 1024) * 1024L * 1024L,
                integer("WALKINDB_ANSWER_MEMORY_MB", 16, 1, 64 * 1024) * 1024L * 1024L,
                Duration.ofSeconds(integer("WALKINDB_SWEEP_SECONDS", 30, 1, 3600)),
                bool("WALKINDB_ACCESS_LOG", true),
                integer("WALKINDB_MAX_CONNECTIONS", 4096, 1, 1_000_000),
                integer("WALKINDB_MAX_CONNECTIONS_PER_IP", lift ? DevProfile.LIFTED : 512, 1, 1_000_000),
                integer("WALKINDB_SQL_WORKERS", 6, 1, 1024),
                integer("WALKINDB_IPV6_PREFIX", 64, 1, 128),
                integer("WALKINDB_DISK_MIN_FREE_MB", 1024, 0, Integer.MAX_VALUE) * 1024L * 1024L,
                integer("WALKINDB_DISK_MIN_FREE_PERCENT", 5, 0, 50),
                integer("WALKINDB_ACCESS_LOG_MAX_MB", 1024, 1, Integer.MAX_VALUE) * 1024L * 1024L,
                integer("WALKINDB_ACCESS_LOG_EDGE_LINES", 60, 0, Integer.MAX_VALUE),
                sandbox(),
                isolation(),
                admin(),
                new DataIo(integer("WALKINDB_IMPORT_MAX_MB", 4, 1, 1024) * 1024L * 1024L,
                        integer("WALKINDB_IMPORT_BUDGET_MB", lift ? DevProfile.LIFTED : 20, 1, 1024 * 1024) * 1024L * 1024L,
                        Duration.ofSeconds(integer("WALKINDB_IMPORT_TIMEOUT_S", 10, 1, 3600))),
                mcp(),
                node,
                dev,
                Limits.DEFAULTS); // the contract: never read from the environment
    }

    /** WALKINDB_PROFILE: production (the default) or dev. */
    private boolean dev() {
        String v = string("WALKINDB_PROFILE", DevProfile.PRODUCTION).trim();
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case DevProfile.PRODUCTION -> false;
            case DevProfile.DEV -> true;
            default -> throw new ConfigException("WALKINDB_PROFILE=" + quoted(v) + " is not production or dev");
        };
    }

    /** WALKINDB_NODE_NAME and WALKINDB_RATE_LIMITS. */
    private Node node() {
        String name = string("WALKINDB_NODE_NAME", "").trim();
        if (name.isEmpty()) {
            name = Node.defaultName();
        } else if (!Node.NAME.matcher(name).matches()) {
            throw new ConfigException("WALKINDB_NODE_NAME=" + quoted(name)
                    + " must be 1 to 64 of letters, digits, '.', '-', '_'");
        }
        String limits = string("WALKINDB_RATE_LIMITS", "local").trim().toLowerCase(java.util.Locale.ROOT);
        boolean edge = switch (limits) {
            case "local" -> false;
            case "edge" -> true;
            default -> throw new ConfigException("WALKINDB_RATE_LIMITS=" + quoted(env.get("WALKINDB_RATE_LIMITS"))
                    + " is not local or edge");
        };
        return new Node(name, edge);
    }

    private AdminListen admin() {
        boolean metrics = bool("WALKINDB_METRICS", true);
        String v = string("WALKINDB_ADMIN_ADDR", AdminListen.DEFAULT).trim();
        if (v.equalsIgnoreCase("off")) {
            return new AdminListen(null, false);
        }
        InetSocketAddress admin = address("WALKINDB_ADMIN_ADDR", AdminListen.DEFAULT);
        InetSocketAddress listen = address("WALKINDB_ADDR", "127.0.0.1:8080");
        if (admin.getPort() != 0 && admin.getPort() == listen.getPort()) {
            throw new ConfigException("WALKINDB_ADMIN_ADDR=" + quoted(v) + " uses the public port of WALKINDB_ADDR; "
                    + "the admin listener must never be reachable where the public API is");
        }
        return new AdminListen(admin, metrics);
    }

    private McpSettings mcp() {
        McpSettings d = McpSettings.DEFAULTS;
        List<String> origins = new ArrayList<>();
        String v = get("WALKINDB_MCP_ORIGINS");
        if (v != null) {
            for (String part : v.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                String origin = McpSettings.normalise(part);
                if (origin == null) {
                    throw new ConfigException("WALKINDB_MCP_ORIGINS=" + quoted(v) + ": " + quoted(part.trim())
                            + " is not an origin (scheme://host or scheme://host:port, no path)");
                }
                origins.add(origin);
            }
        }
        return new McpSettings(bool("WALKINDB_MCP", d.enabled()), origins,
                integer("WALKINDB_MCP_MAX_SESSIONS", d.maxSessions(), 1, 10_000_000),
                integer("WALKINDB_MCP_MAX_SESSIONS_PER_IP", d.maxSessionsPerIp(), 1, 10_000_000),
                Duration.ofSeconds(integer("WALKINDB_MCP_SESSION_IDLE_S", (int) d.idle().toSeconds(), 1, 7 * 24 * 3600)));
    }

    private Isolation isolation() {
        String v = string("WALKINDB_ISOLATION", "").trim().toLowerCase(java.util.Locale.ROOT);
        Isolation.Mode mode = switch (v) {
            case "" -> Isolation.defaultMode();
            case "process" -> Isolation.Mode.PROCESS;
            case "inprocess" -> Isolation.Mode.INPROCESS;
            default -> throw new ConfigException("WALKINDB_ISOLATION=" + quoted(env.get("WALKINDB_ISOLATION"))
                    + ": expected process or inprocess");
        };
        int workers = integer("WALKINDB_WORKERS", Isolation.defaultWorkers(Runtime.getRuntime().availableProcessors()),
                1, 64);
        long memory = integer("WALKINDB_WORKER_MEMORY_MB", 384, 0, 1024 * 1024) * 1024L * 1024L;
        if (memory > 0 && memory < 128L * 1024 * 1024) {
            throw new ConfigException("WALKINDB_WORKER_MEMORY_MB=" + memory / (1024 * 1024)
                    + ": a worker JVM needs at least 128 (0 turns the cap off)");
        }
        return new Isolation(mode, workers, memory, bool("WALKINDB_WORKER_WARMUP", true));
    }

    private String string(String name, String fallback) {
        String v = get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private int integer(String name, int fallback, int min, int max) {
        String v = get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + quoted(v) + " is not a whole number");
        }
        if (n < min || n > max) {
            throw new ConfigException(name + "=" + quoted(v) + " is out of range [" + min + ", " + max + "]");
        }
        return (int) n;
    }

    private boolean bool(String name, boolean fallback) {
        String v = get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "on", "yes" -> true;
            case "0", "false", "off", "no" -> false;
            default -> throw new ConfigException(name + "=" + quoted(v) + " is not on/off");
        };
    }

    private SandboxSettings sandbox() {
        String v = string("WALKINDB_SANDBOX", "on").trim().toLowerCase(java.util.Locale.ROOT);
        SandboxSettings.Mode mode = switch (v) {
            case "on" -> SandboxSettings.Mode.ON;
            case "off" -> SandboxSettings.Mode.OFF;
            case "require" -> SandboxSettings.Mode.REQUIRE;
            default -> throw new ConfigException("WALKINDB_SANDBOX=" + quoted(env.get("WALKINDB_SANDBOX"))
                    + " is not on, off or require");
        };
        return new SandboxSettings(mode, bool("WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", false),
                env.get(SandboxSettings.JAILED_VARIABLE));
    }

    private InetSocketAddress address(String name, String fallback) {
        String v = string(name, fallback).trim();
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(name + "=" + quoted(v) + " must be host:port, e.g. 127.0.0.1:8080");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + quoted(v) + " has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(name + "=" + quoted(v) + " has a port out of range");
        }
        if (host.isEmpty()) {
            // Some programs read ":8080" as every interface, others as this machine only: make it a choice.
            throw new ConfigException(name + "=" + quoted(v) + " has no host: write 127.0.0.1:" + port
                    + " for this machine only, or 0.0.0.0:" + port + " for every interface ([::]:" + port
                    + " for IPv6 too)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            String why = e.getMessage() == null ? "unknown host" : e.getMessage().replace(host + ": ", "");
            throw new ConfigException(name + "=" + quoted(v) + ": cannot resolve " + host + " (" + why + ")");
        }
    }

    private List<Cidr> cidrs(String name) {
        String v = get(name);
        List<Cidr> out = new ArrayList<>();
        if (v == null || v.isBlank()) {
            return List.of();
        }
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Cidr.parse(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + "=" + quoted(v) + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static String quoted(String v) {
        return "\"" + v + "\"";
    }
}
