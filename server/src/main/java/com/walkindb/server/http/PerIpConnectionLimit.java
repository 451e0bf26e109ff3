package com.walkindb.server.http;

import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.ratelimit.ClientKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open TCP connections of one client ({@link ClientKey} of the socket's peer: an IPv4
 * address, an IPv6 network), so a single client holding thousands of idle or slow connections
 * cannot use up the server's connection budget for everyone else. A connection over the cap is
 * closed as soon as it opens. A peer in WALKINDB_TRUSTED_PROXIES is not capped: every client
 * behind it shares its address (docs/SECURITY.md, layer 7).
 *
 * <p>Jetty calls {@link #onOpened} and {@link #onClosed} once each per connection, the close
 * after the socket is closed, when the peer's address can no longer be read. So the key is
 * taken at open and kept with the connection until its close, which gives it back exactly once
 * (a close without an open, or a second close, finds nothing to give back). Entries exist only
 * while a client has connections open.
 */
public final class PerIpConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PerIpConnectionLimit.class);
    /** Open connections per client. */
    private final ConcurrentHashMap<ClientKey, Integer> open = new ConcurrentHashMap<>();
    /** The key each counted connection was counted under (Jetty's connections compare by identity). */
    private final ConcurrentHashMap<Connection, ClientKey> counted = new ConcurrentHashMap<>();
    private final ClientAddress clients;
    private final int max;

    public PerIpConnectionLimit(int max, ClientAddress clients) {
        this.max = max;
        this.clients = clients;
    }

    @Override
    public void onOpened(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return; // already closed (or not an IP socket): nothing to count, nothing to give back
        }
        if (clients.isTrusted(inet.getAddress())) {
            return;
        }
        ClientKey key = clients.keyOf(inet.getAddress());
        int[] now = {0};
        // Counted and recorded in one step, so a close racing this open finds both or neither.
        counted.computeIfAbsent(connection, c -> {
            now[0] = open.merge(key, 1, Integer::sum);
            return key;
        });
        if (now[0] > max) {
            LOG.debug("closing a connection from {}: {} open, cap {}", key, now, max);
            connection.getEndPoint().close(); // its onClosed gives the place back
        }
    }

    @Override
    public void onClosed(Connection connection) {
        counted.computeIfPresent(connection, (c, key) -> {
            open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            return null;
        });
    }

    /** Open connections counted for {@code key} now (0 when none). */
    int openConnections(ClientKey key) {
        return open.getOrDefault(key, 0);
    }

    /** Connections counted now, all clients together. */
    int countedConnections() {
        return counted.size();
    }
}
