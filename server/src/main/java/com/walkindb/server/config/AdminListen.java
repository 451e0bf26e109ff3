package com.walkindb.server.config;

import java.net.InetSocketAddress;

/**
 * The operator's listener (WALKINDB_ADMIN_ADDR): {@code GET /status}, never on the public port.
 *
 * @param address where it listens; null when WALKINDB_ADMIN_ADDR=off
 */
public record AdminListen(InetSocketAddress address) {
    public static final String DEFAULT = "127.0.0.1:9091";

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
