package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Cidr;
import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.ratelimit.ClientKey;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.Test;

/**
 * The connection count of {@link PerIpConnectionLimit} with stand-in connections that behave as
 * Jetty's do where it matters: the peer's address reads as null once the socket is closed, and
 * onClosed comes after the close. (The abuse suite's AbuseConnectionCountTest drives the real
 * server.)
 */
class PerIpConnectionLimitTest {
    private static final int CAP = 4;

    /** A connection whose endpoint forgets its peer when closed, like a closed SocketChannel. */
    private static final class FakeConnection {
        final InetSocketAddress peer;
        boolean closed;
        int closeCalls;
        final Connection connection;

        FakeConnection(String ip) {
            this.peer = new InetSocketAddress(InetAddress.ofLiteral(ip), 40000);
            EndPoint endPoint = (EndPoint) Proxy.newProxyInstance(EndPoint.class.getClassLoader(),
                    new Class<?>[] {EndPoint.class}, (self, m, args) -> switch (m.getName()) {
                        case "getRemoteSocketAddress" -> closed ? null : peer;
                        case "isOpen" -> !closed;
                        case "close" -> {
                            closed = true;
                            closeCalls++;
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "endpoint " + peer;
                        default -> null;
                    });
            this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (self, m, args) -> switch (m.getName()) {
                        case "getEndPoint" -> endPoint;
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "connection " + peer;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    private static PerIpConnectionLimit limit(String... trusted) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String t : trusted) {
            cidrs.add(Cidr.parse(t));
        }
        return new PerIpConnectionLimit(CAP, new ClientAddress(cidrs, 64));
    }

    private static ClientKey key(String ip) {
        return ClientKey.of(InetAddress.ofLiteral(ip), 64);
    }

    /** What Jetty does when a connection ends: the socket closes first, then the listeners hear of it. */
    private static void close(PerIpConnectionLimit limit, FakeConnection c) {
        c.closed = true;
        limit.onClosed(c.connection);
    }

    @Test
    void aThousandConnectionsOneAfterAnotherLeaveNothingCounted() {
        PerIpConnectionLimit limit = limit();
        for (int i = 0; i < 1000; i++) {
            FakeConnection c = new FakeConnection("203.0.113.7");
            limit.onOpened(c.connection);
            assertThat(c.closeCalls).as("connection %d closed by the cap", i).isZero();
            close(limit, c);
        }
        assertThat(limit.openConnections(key("203.0.113.7"))).isZero();
        assertThat(limit.countedConnections()).isZero();
    }

    @Test
    void connectionsOverTheCapAreClosedAndGiveTheirPlaceBack() {
        PerIpConnectionLimit limit = limit();
        List<FakeConnection> all = new ArrayList<>();
        for (int i = 0; i < CAP + 3; i++) {
            FakeConnection c = new FakeConnection("203.0.113.7");
            all.add(c);
            limit.onOpened(c.connection);
        }
        assertThat(all.subList(0, CAP)).allMatch(c -> c.closeCalls == 0);
        assertThat(all.subList(CAP, CAP + 3)).allMatch(c -> c.closeCalls == 1);
        for (FakeConnection c : all.subList(CAP, CAP + 3)) {
            limit.onClosed(c.connection); // Jetty's close of the refused ones
        }
        assertThat(limit.openConnections(key("203.0.113.7"))).isEqualTo(CAP);
        for (FakeConnection c : all.subList(0, CAP)) {
            close(limit, c);
        }
        assertThat(limit.openConnections(key("203.0.113.7"))).isZero();
        assertThat(limit.countedConnections()).isZero();
        // and the address is served again
        FakeConnection again = new FakeConnection("203.0.113.7");
        limit.onOpened(again.connection);
        assertThat(again.closeCalls).isZero();
    }

    @Test
    void aCloseWithoutAnOpenAndASecondCloseChangeNothing() {
        PerIpConnectionLimit limit = limit();
        FakeConnection held = new FakeConnection("203.0.113.7");
        limit.onOpened(held.connection);
        FakeConnection never = new FakeConnection("203.0.113.7");
        close(limit, never);
        assertThat(limit.openConnections(key("203.0.113.7"))).isEqualTo(1);
        FakeConnection twice = new FakeConnection("203.0.113.7");
        limit.onOpened(twice.connection);
        limit.onOpened(twice.connection); // a second open counts once
        assertThat(limit.openConnections(key("203.0.113.7"))).isEqualTo(2);
        close(limit, twice);
        close(limit, twice);
        assertThat(limit.openConnections(key("203.0.113.7"))).isEqualTo(1);
        close(limit, held);
        assertThat(limit.openConnections(key("203.0.113.7"))).isZero();
        assertThat(limit.countedConnections()).isZero();
    }

    @Test
    void aConnectionAlreadyClosedAtOpenIsNotCounted() {
        PerIpConnectionLimit limit = limit();
        FakeConnection gone = new FakeConnection("203.0.113.7");
        gone.closed = true;
        limit.onOpened(gone.connection);
        limit.onClosed(gone.connection);
        assertThat(limit.countedConnections()).isZero();
    }

    @Test
    void oneIpv6Slash64SharesTheCapAnotherHasItsOwn() {
        PerIpConnectionLimit limit = limit();
        List<FakeConnection> same = new ArrayList<>();
        for (int i = 1; i <= CAP + 1; i++) {
            FakeConnection c = new FakeConnection("2001:db8:1:2::" + Integer.toHexString(i));
            same.add(c);
            limit.onOpened(c.connection);
        }
        assertThat(same.get(CAP).closeCalls).as("the fifth address of the same /64").isEqualTo(1);
        FakeConnection other = new FakeConnection("2001:db8:1:3::1");
        limit.onOpened(other.connection);
        assertThat(other.closeCalls).as("another /64").isZero();
        for (FakeConnection c : same) {
            close(limit, c);
        }
        close(limit, other);
        assertThat(limit.countedConnections()).isZero();
    }

    @Test
    void aTrustedProxyIsNotCapped() {
        PerIpConnectionLimit limit = limit("127.0.0.0/8");
        for (int i = 0; i < CAP * 3; i++) {
            FakeConnection c = new FakeConnection("127.0.0.1");
            limit.onOpened(c.connection);
            assertThat(c.closeCalls).isZero();
        }
        assertThat(limit.countedConnections()).isZero();
        // an address outside the trusted list still is
        List<FakeConnection> direct = new ArrayList<>();
        for (int i = 0; i <= CAP; i++) {
            FakeConnection c = new FakeConnection("198.51.100.1");
            direct.add(c);
            limit.onOpened(c.connection);
        }
        assertThat(direct.get(CAP).closeCalls).isEqualTo(1);
    }
}
