package com.walkindb.server.config;

import java.net.InetSocketAddress;

/**
 * The operator's listener (WALKINDB_ADMIN_ADDR): {@code GET /status} and {@code GET /metrics},
 * never on the public port.
 *
 * @param address where it listens; null when WALKINDB_ADMIN_ADDR=off
 * @param metrics WALKINDB_METRICS: whether the server counts for {@code GET /metrics} (nothing is
 *                counted while the listener is off, as nobody could read it)
 */
public record AdminListen(InetSocketAddress address, boolean metrics) {
    public static final String DEFAULT = "127.0.0.1:9091";

    public AdminListen(InetSocketAddress address) {
        this(address, true);
    }

    /** Whether {@code GET /metrics} answers (and the server counts for it). */
    public boolean metricsEnabled() {
        return address != null && metrics;
    }

    /**
     * Whether this is the default address: taken, it only costs a warning (two servers on one
     * machine); another address that cannot be had stops start-up.
     */
    public boolean isDefault() {
        return address != null && address.getHostString().equals("127.0.0.1") && address.getPort() == 9091;
    }

    public boolean enabled() {
        return address != null;
    }
}
