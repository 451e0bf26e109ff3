package com.walkindb.server.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open TCP connections of one source address, so a single client holding thousands of
 * idle or slow connections cannot use up the server's connection budget for everyone else.
 * A connection over the cap is closed as soon as it opens. Entries exist only while an address
 * has connections open.
 */
public final class PerIpConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PerIpConnectionLimit.class);
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final int max;

    public PerIpConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        String ip = address(connection.getEndPoint().getRemoteSocketAddress());
        int now = open.merge(ip, 1, Integer::sum);
        if (now > max) {
            LOG.debug("closing a connection from {}: {} open, cap {}", ip, now, max);
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        String ip = address(connection.getEndPoint().getRemoteSocketAddress());
        open.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String address(SocketAddress a) {
        return a instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(a);
    }
}
