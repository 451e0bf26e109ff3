package com.walkindb.server.config;

/**
 * How the process confines itself (docs/SECURITY.md, layer 6, {@code com.walkindb.server.sandbox}).
 *
 * @param mode               WALKINDB_SANDBOX: {@code on} applies what the kernel offers and logs what
 *                           it cannot, {@code require} refuses to start without both layers,
 *                           {@code off} applies nothing
 * @param simulateNoLandlock WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK, test-only: behave as on a kernel
 *                           without Landlock
 * @param jailed             WALKINDB_SANDBOX_JAILED, internal: set by the server itself when it
 *                           re-executes its JVM inside the Landlock jail (null otherwise)
 */
public record SandboxSettings(Mode mode, boolean simulateNoLandlock, String jailed) {
    public enum Mode { ON, OFF, REQUIRE }

    /** The marker the jailed child finds in its environment. */
    public static final String JAILED_VARIABLE = "WALKINDB_SANDBOX_JAILED";
}
