package com.walkindb.server.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Dev mode ({@code walkindb --dev}, WALKINDB_PROFILE=dev): walkindb for one user on their own
 * machine. The defaults are those of a public server, where ten new walk-ins a minute per client
 * is generous; a developer's own scripts and tests hit them at once. Dev mode changes the
 * defaults of the per-client and per-walk-in limits only (a value set explicitly still wins);
 * the TTL, the contract's limits and the server-wide guards stay as they are.
 */
public final class DevProfile {
    public static final String PRODUCTION = "production";
    public static final String DEV = "dev";
    private static final String VARIABLE = "WALKINDB_PROFILE";
    /** A lifted limit: beyond what one person's tools reach, and still a budget the rate limiter can hold. */
    public static final int LIFTED = 1_000_000;
    /** The variables whose defaults dev mode lifts. */
    public static final List<String> LIFTED_VARIABLES = List.of("WALKINDB_RATE_LIMIT_REQS",
            "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "WALKINDB_MAX_INSTANCES_PER_IP", "WALKINDB_RATE_LIMIT_INSTANCE_REQS",
            "WALKINDB_MAX_CONNECTIONS_PER_IP", "WALKINDB_IMPORT_BUDGET_MB");

    private DevProfile() {}

    /** {@code env} as the --dev argument means it: WALKINDB_PROFILE=dev; WALKINDB_PROFILE=production with it is refused. */
    public static Map<String, String> withDevFlag(Map<String, String> env) {
        String set = env.get(VARIABLE);
        if (set != null && !set.isBlank() && !set.trim().equalsIgnoreCase(DEV)) {
            throw new ConfigException("--dev contradicts " + VARIABLE + "=\"" + set + "\"; drop one of them");
        }
        Map<String, String> copy = new HashMap<>(env);
        copy.put(VARIABLE, DEV);
        return copy;
    }

    /** The line logged at every start in dev mode: what is lifted, what is not, and where not to run it. */
    public static String banner(Config c) {
        Map<String, Integer> values = Map.of(
                "WALKINDB_RATE_LIMIT_REQS", c.requestsPerMinute(),
                "WALKINDB_RATE_LIMIT_NEW_INSTANCES", c.creationsPerMinute(),
                "WALKINDB_MAX_INSTANCES_PER_IP", c.maxInstancesPerIp(),
                "WALKINDB_RATE_LIMIT_INSTANCE_REQS", c.instanceRequestsPerMinute(),
                "WALKINDB_MAX_CONNECTIONS_PER_IP", c.maxConnectionsPerIp(),
                "WALKINDB_IMPORT_BUDGET_MB", (int) (c.dataIo().importBudgetBytesPerMinute() >> 20));
        String kept = LIFTED_VARIABLES.stream().filter(v -> values.get(v) != LIFTED)
                .map(v -> v + "=" + values.get(v)).collect(Collectors.joining(", "));
        String lifted = LIFTED_VARIABLES.stream().filter(v -> values.get(v) == LIFTED)
                .collect(Collectors.joining(", "));
        StringBuilder b = new StringBuilder("DEV MODE (--dev or WALKINDB_PROFILE=dev): per-client and per-walk-in "
                + "limits lifted to " + LIFTED + " (").append(lifted.isEmpty() ? "none: all set explicitly" : lifted)
                .append(")");
        if (!kept.isEmpty()) {
            b.append("; kept as set: ").append(kept);
        }
        b.append("; TTL ").append(c.ttl().toSeconds()).append(" s as set; every other limit as in production. ")
                .append("For one user on their own machine, never a public server.");
        if (!c.listen().getAddress().isLoopbackAddress()) {
            b.append(" WARNING: WALKINDB_ADDR ").append(c.listen().getHostString()).append(":")
                    .append(c.listen().getPort()).append(" is not a loopback address: whoever reaches it gets the ")
                    .append("lifted limits too.");
        }
        return b.toString();
    }
}
