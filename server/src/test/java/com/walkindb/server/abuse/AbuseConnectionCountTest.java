package com.walkindb.server.abuse;

import static com.walkindb.server.abuse.RawHttp.ascii;
import static com.walkindb.server.abuse.RawHttp.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>lock an address out</b> by making the per-address connection count forget to give
 * places back: ordinary connections by the thousand, keep-alive, and every way the suite knows
 * to end a connection badly — TCP reset, half-close, a trickling body cut by the minimum data
 * rate, 413 by length and by chunks, 431, a smuggling attempt answered 400, connections refused
 * for being over the cap. Before the fix every closed connection leaked its place: an address
 * was refused for good after 512 connections (behind a load balancer, the whole server).
 *
 * <p>What stops it: the count is kept with the connection from its open to its close and given
 * back exactly once. The cap here is {@value #CAP} so a single leaked place shows: after each
 * phase {@value #CAP} connections opened at once from the same address must all be served,
 * which only happens when the count came back to 0. The address under test is 127.0.0.77; the
 * harness's own clients come from 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbuseConnectionCountTest extends AbuseSuite {
    static final int CAP = 4;
    private static final InetAddress CLIENT = InetAddress.ofLiteral("127.0.0.77");
    private static final InetAddress SERVER = InetAddress.ofLiteral("127.0.0.1");
    private static final byte[] HEALTHZ = CappedConnections.HEALTHZ;
    private static final byte[] HEALTHZ_CLOSE = ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    @Override
    protected Map<String, String> serverEnv() {
        return Map.of("WALKINDB_MAX_CONNECTIONS_PER_IP", String.valueOf(CAP));
    }

    @Test
    void aThousandConnectionsWithoutKeepAlive() throws Exception {
        for (int i = 0; i < 1000; i++) {
            servedOn("connection " + i, s -> ask(s, HEALTHZ_CLOSE));
        }
        countIsBackToZero("1 000 connections without keep-alive");
    }

    @Test
    void threeHundredKeepAliveConnectionsOfFourRequests() throws Exception {
        for (int i = 0; i < 300; i++) {
            boolean serverCloses = i % 2 == 1; // the last request says close, or the client just hangs up
            servedOn("keep-alive connection " + i, s -> {
                if (ask(s, HEALTHZ) == null) {
                    return null; // refused at open: retried
                }
                Reply options = ask(s, ascii("OPTIONS /sql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                assertThat(options).as("OPTIONS on the kept-alive connection").isNotNull();
                assertThat(options.status()).isEqualTo(204);
                assertThat(ask(s, HEALTHZ)).as("third request on the kept-alive connection").isNotNull();
                return ask(s, serverCloses ? HEALTHZ_CLOSE : HEALTHZ);
            });
        }
        countIsBackToZero("300 keep-alive connections of 4 requests");
    }

    @Test
    void connectionsResetByTheClient() throws Exception {
        for (int i = 0; i < 3 * (CAP + 1); i++) {
            try (Socket s = connect()) {
                switch (i % 3) {
                    case 0 -> { } // reset before a byte was sent
                    case 1 -> send(s, ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"));
                    default -> ask(s, HEALTHZ); // reset after an answer, on a keep-alive connection
                }
                s.setSoLinger(true, 0); // close() now sends RST instead of FIN
            }
        }
        countIsBackToZero("connections reset by the client");
    }

    @Test
    void connectionsHalfClosedByTheClient() throws Exception {
        for (int i = 0; i < 3 * (CAP + 1); i++) {
            try (Socket s = connect()) {
                switch (i % 3) {
                    case 0 -> { } // nothing sent
                    case 1 -> send(s, HEALTHZ); // a whole request, then end of input
                    default -> send(s, ascii("GET /healthz HTTP/1.1\r\nHost: 127.")); // half a request
                }
                s.shutdownOutput();
                RawHttp.Exchange ex = raw.read(s, i % 3 == 1 ? 2 : 1, System.nanoTime());
                assertThat(ex.timedOut()).as("the server ends a half-closed connection: %s", ex).isFalse();
            }
        }
        countIsBackToZero("connections half-closed by the client");
    }

    /**
     * A body trickling in far below 512 B/s is cut by the minimum data rate, CAP + 1 times, on a
     * server of its own.
     */
    @Test
    void tricklingBodiesCutByTheMinimumDataRate() throws Exception {
        OwnServer own = ownServer(serverEnv());
        RawHttp ownRaw = new RawHttp(own.http, own.record);
        CappedConnections client = new CappedConnections(CLIENT, SERVER, own.http.port, ownRaw);
        for (int i = 0; i < CAP + 1; i++) {
            try (Socket s = client.connect()) {
                s.setSoTimeout(100);
                OutputStream out = s.getOutputStream();
                out.write(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 8000\r\n\r\n{\"sql\":\"SELECT 1\",\"pad\":\""));
                long start = System.nanoTime();
                RawHttp.Exchange ex = null;
                while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
                    try {
                        out.write('a');
                        out.flush();
                    } catch (SocketException cut) {
                        break;
                    }
                    ex = ownRaw.read(s, 1, start);
                    if (!ex.answers().isEmpty() || ex.closedByServer()) {
                        break;
                    }
                }
                long held = (System.nanoTime() - start) / 1_000_000;
                Stats.max("connection_count.trickle_cut.ms", held, "trickle " + i);
                assertThat(held).as("trickling body %d cut within 20 s", i).isLessThan(20_000);
                if (ex != null && !ex.answers().isEmpty()) {
                    assertThat(ex.answers().get(0).status()).isIn(400, 408);
                }
            }
        }
        client.countIsBackToZero("trickling bodies cut by the minimum data rate", CAP);
    }

    @Test
    void bodiesOverTheCapHeadersOverTheCapAndSmuggling() throws Exception {
        byte[] chunks = ascii(("400\r\n" + "a".repeat(1024) + "\r\n").repeat(10));
        byte[] bigHeader = ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(200_000) + "\r\n\r\n");
        Map<String, byte[]> attacks = new java.util.LinkedHashMap<>();
        attacks.put("413 by Content-Length", ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + "application/json\r\nContent-Length: 100000\r\n\r\n{\"sql\":\"SELECT 1\"}"));
        attacks.put("413 by chunks", concat(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"), chunks, ascii("0\r\n\r\n")));
        attacks.put("431", bigHeader);
        attacks.put("400 smuggling", ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        Map<String, Integer> statuses = Map.of("413 by Content-Length", 413, "413 by chunks", 413, "431", 431,
                "400 smuggling", 400);
        for (var attack : attacks.entrySet()) {
            int answered = 0;
            for (int i = 0; i < CAP + 1; i++) {
                try (Socket s = connect()) {
                    try {
                        send(s, attack.getValue());
                    } catch (SocketException resetWhileSending) {
                        continue; // the server answered and closed before it all went out
                    }
                    RawHttp.Exchange ex = raw.read(s, 1, System.nanoTime());
                    assertThat(ex.timedOut()).as("%s: %s", attack.getKey(), ex).isFalse();
                    if (!ex.answers().isEmpty()) {
                        assertThat(ex.answers().get(0).status()).as(attack.getKey()).isEqualTo(statuses.get(attack.getKey()));
                        answered++;
                    }
                }
            }
            Stats.line(attack.getKey() + ": " + answered + " of " + (CAP + 1) + " answers read before the close");
            countIsBackToZero(attack.getKey());
        }
    }

    /**
     * CAP request heads trickled a byte at a time (each byte resets the idle timeout) until the
     * server closes them at the 20 s head deadline: that close gives the places back too.
     */
    @Test
    void tricklingHeadsClosedAtTheHeadDeadline() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                Socket s = connect();
                s.setSoTimeout(250); // paces the trickle: about a byte a second on each
                send(s, ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
                open.add(s);
            }
            long start = System.nanoTime();
            List<Socket> closed = new ArrayList<>();
            while (closed.size() < CAP && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(35)) {
                for (Socket s : open) {
                    if (!closed.contains(s) && trickleClosed(s)) {
                        closed.add(s);
                    }
                }
            }
            long held = (System.nanoTime() - start) / 1_000_000;
            Stats.max("connection_count.trickled_head_cut.ms", held, CAP + " trickled heads");
            assertThat(closed).as("trickled heads the server closed within 35 s").hasSize(CAP);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        countIsBackToZero("request heads closed at the head deadline");
    }

    /** Sends one more byte of a head; whether the server has closed the connection. */
    private static boolean trickleClosed(Socket s) {
        try {
            send(s, ascii("a"));
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** The connections the cap itself refuses must give their places back too. */
    @Test
    void connectionsRefusedForBeingOverTheCap() throws Exception {
        for (int round = 0; round < 3; round++) {
            int served = client().servedAtOnce(CAP + 3);
            assertThat(served).as("connections served out of %d opened at once", CAP + 3).isLessThanOrEqualTo(CAP);
            countIsBackToZero("round " + round + " of " + (CAP + 3) + " connections at once");
        }
    }

    /** Behind a proxy every client shares its address: a trusted proxy is not capped per address. */
    @Test
    void aTrustedProxyIsNotCappedPerAddress() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_MAX_CONNECTIONS_PER_IP", String.valueOf(CAP),
                "WALKINDB_TRUSTED_PROXIES", "127.0.0.0/8"));
        CappedConnections proxy = new CappedConnections(SERVER, SERVER, own.http.port, new RawHttp(own.http, own.record));
        assertThat(proxy.servedAtOnce(3 * CAP)).as("connections from the trusted proxy served at once").isEqualTo(3 * CAP);
    }

    // ----- helpers -----

    /** A case's request on one connection: its answer, or null when the server closed without one. */
    interface OnConnection {
        Reply run(Socket s) throws IOException;
    }

    /**
     * Runs {@code exchange} on a fresh connection from the address under test until it is served
     * (200). A connection the cap refused is retried: the server may not have counted the previous
     * connection's close yet. A count that never comes back fails after 10 s.
     */
    private void servedOn(String what, OnConnection exchange) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int refused = 0;
        while (true) {
            Reply a;
            try (Socket s = connect()) {
                a = exchange.run(s);
            }
            if (a != null) {
                assertThat(a.status()).as(what).isEqualTo(200);
                if (refused > 0) {
                    Stats.line(what + " was refused " + refused + " time(s) before it was served");
                }
                return;
            }
            refused++;
            assertThat(System.nanoTime()).as("%s refused for 10 s: the address is locked out", what).isLessThan(until);
            Thread.sleep(20); // the retry's back-off inside the 10 s bound
        }
    }

    private CappedConnections client() {
        return new CappedConnections(CLIENT, SERVER, http.port, raw);
    }

    private Socket connect() throws IOException {
        return client().connect();
    }

    private Reply ask(Socket s, byte[] request) throws IOException {
        return client().ask(s, request);
    }

    private void countIsBackToZero(String phase) throws Exception {
        client().countIsBackToZero(phase, CAP);
    }

    private static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }
}
