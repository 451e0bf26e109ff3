package com.walkindb.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * This server as one node of several behind a proxy (docs/DEPLOY.md, "Scale-out").
 *
 * @param name       WALKINDB_NODE_NAME: shown in every log line, in {@code GET /status} and in the
 *                   {@code walkindb_info} metric, so that an operator reading any of them knows which
 *                   node said it; the machine's host name by default
 * @param edgeLimits WALKINDB_RATE_LIMITS=edge: the per-client budgets (requests, new walk-ins, live
 *                   walk-ins, connections, import bytes) are the proxy's, held across all nodes, and
 *                   default to {@link DevProfile#LIFTED} here; per-walk-in budgets and every
 *                   server-wide guard stay on the node
 */
public record Node(String name, boolean edgeLimits) {
    /** Letters, digits, dot, dash, underscore: safe in a log line, a JSON string and a metric label as it is. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String FALLBACK_NAME = "walkindb";

    /**
     * The kernel's host name (what {@code hostname} prints), read from /proc so no DNS lookup
     * ever happens; cut to a valid name, or "walkindb" where there is none.
     */
    public static String defaultName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            String cleaned = h.replaceAll("[^A-Za-z0-9._-]", "-");
            cleaned = cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
            return NAME.matcher(cleaned).matches() ? cleaned : FALLBACK_NAME;
        } catch (IOException | RuntimeException e) {
            return FALLBACK_NAME;
        }
    }

    /**
     * The name the log lines carry, chosen before the configuration is read (the first lines are
     * written before): {@code set} when it is a valid name, the default otherwise (an invalid one
     * then stops start-up with its own message).
     */
    public static String nameForLogs(String set) {
        return set != null && NAME.matcher(set.trim()).matches() ? set.trim() : defaultName();
    }

    /** "edge" or "local", as WALKINDB_RATE_LIMITS spells it. */
    public String rateLimits() {
        return edgeLimits ? "edge" : "local";
    }
}
