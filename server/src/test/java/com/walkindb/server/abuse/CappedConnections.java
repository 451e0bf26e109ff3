package com.walkindb.server.abuse;

import static com.walkindb.server.abuse.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw connections from a chosen source address, for cases about the per-address connection cap:
 * open several at once, ask each for /healthz, and prove that a client's count is back to 0.
 * Answers are recorded through the given {@link RawHttp}.
 */
final class CappedConnections {
    static final byte[] HEALTHZ = ascii("GET /healthz HTTP/1.1\r\nHost: walkindb\r\n\r\n");

    private final InetAddress local;
    private final InetAddress server;
    private final int port;
    private final RawHttp via;

    CappedConnections(InetAddress local, InetAddress server, int port, RawHttp via) {
        this.local = local;
        this.server = server;
        this.port = port;
        this.via = via;
    }

    /** A connection from {@code local} to {@code server}:{@code port}, with a 5 s read timeout. */
    static Socket connect(InetAddress local, InetAddress server, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress(server, port), 5000);
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    Socket connect() throws IOException {
        return connect(local, server, port);
    }

    /** Sends one request on a keep-alive connection; its answer, or null when the server closed instead. */
    Reply ask(Socket s, byte[] request) throws IOException {
        try {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
        } catch (SocketException closed) {
            return null;
        }
        RawHttp.Exchange ex = via.read(s, 1, System.nanoTime());
        return ex.answers().isEmpty() ? null : ex.answers().get(0);
    }

    /** Opens {@code n} connections at once and asks /healthz on each while all are open: how many got a 200. */
    int servedAtOnce(int n) throws IOException {
        List<Socket> open = new ArrayList<>();
        int served = 0;
        try {
            for (int i = 0; i < n; i++) {
                open.add(connect());
            }
            for (Socket s : open) {
                Reply a = ask(s, HEALTHZ);
                if (a != null && a.status() == 200) {
                    served++;
                }
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        return served;
    }

    /**
     * The proof that the client's count is back to 0: {@code cap} connections open at once, each
     * answered 200. Connections whose close the server has not processed yet may still count, so
     * a refusal is retried for up to 20 s before it counts as a leak.
     */
    void countIsBackToZero(String phase, int cap) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int attempt = 1; ; attempt++) {
            int served = servedAtOnce(cap);
            if (served == cap) {
                Stats.max("connection_count.proof_attempts", attempt, phase);
                return;
            }
            assertThat(System.nanoTime()).as("after %s, only %d of %d connections opened at once from %s were served "
                    + "(attempt %d): the count did not come back to 0", phase, served, cap, local, attempt)
                    .isLessThan(until);
            Thread.sleep(50); // the retry's back-off inside the 20 s bound
        }
    }
}
