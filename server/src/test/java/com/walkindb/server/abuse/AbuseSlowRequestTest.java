package com.walkindb.server.abuse;

import static com.walkindb.server.abuse.RawHttp.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>hold connections with a trickle</b> (slowloris): a request body or a header section
 * sent a few bytes a second keeps resetting the 15 s idle timeout, so 8 addresses × 512
 * connections could sit on all 4 096 connection slots for hours and starve everyone.
 *
 * <p>What stops it: each request's body must keep up with 512 bytes/s after a 3 s grace,
 * counting only that request's bytes (docs/API.md, "Slow request bodies"): a trickle is answered
 * {@code 408 request body timeout} with {@code Connection: close} after about 3 s, 8 KB may take
 * at most 3 + 16 s. A request head must be complete within 20 s of the connection opening or of
 * its previous answer, or the connection is closed. The body case runs after the server has
 * read many ordinary bodies: Jetty's MinimumDataRateHandler, used before, divided all the bytes
 * its server had ever read by this request's time, and then let a 10 B/s trickle run on.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AbuseSlowRequestTest extends AbuseSuite {
    /** The grace before a body must keep up with 512 bytes/s (docs/API.md). */
    private static final long BODY_GRACE_MS = 3_000;
    /** Jetty's idle timeout: silence this long ends a connection. */
    private static final long IDLE_TIMEOUT_MS = 15_000;
    /** How long a request head may take, from the connection's open or its previous answer. */
    private static final long HEAD_DEADLINE_MS = 20_000;
    /** Margin for a loaded 2-core machine on top of every bound. */
    private static final long MARGIN_MS = 8_000;

    @Test
    void aTricklingBodyIsCutWith408AfterTheServerReadManyBodies() throws Exception {
        String session = null;
        for (int i = 0; i < 50; i++) { // ~400 KB read in all before the trickle starts
            Reply a = http.post("{\"sql\":\"SELECT " + i + "\",\"pad\":\"" + "p".repeat(8_100) + "\"}",
                    "application/json", session, Http.DEFAULT_TIMEOUT);
            assertThat(scalar(a).asInt()).as("ordinary 8 KB body %d", i).isEqualTo(i);
            session = a.session() != null ? a.session() : session;
        }
        long start = System.nanoTime();
        try (Socket s = RawHttp.connect(http.port, 100)) { // the read timeout paces the trickle: ~10 B/s
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 8000\r\n\r\n{\"sql\":\"SELECT 1\",\"pad\":\""));
            out.flush();
            RawHttp.Exchange ex = null;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(BODY_GRACE_MS + 16_000 + MARGIN_MS)) {
                out.write('a');
                out.flush();
                ex = raw.read(s, 1, start);
                if (!ex.answers().isEmpty() || ex.closedByServer()) {
                    break;
                }
            }
            long held = (System.nanoTime() - start) / 1_000_000;
            Stats.max("slow.trickling_body.cut.ms", held, "10 B/s trickle after 50 bodies of 8 KB");
            Stats.line("a 10 B/s body after 50 bodies of 8 KB: " + ex + " after " + held + " ms");
            assertThat(ex.answers()).as("the trickle is answered, not just dropped: %s", ex).hasSize(1);
            Reply cut = expect(ex.only(), 408, "request body timeout");
            assertThat(cut.json().path("code").asText()).isEqualTo("request_body_timeout");
            assertThat(cut.header("Content-Type")).startsWith("application/json");
            assertThat(cut.header("Connection")).isEqualTo("close");
            // 10 B/s falls behind 512 B/s as soon as the grace is over: cut then, not at 16 s.
            assertThat(held).isBetween(BODY_GRACE_MS, BODY_GRACE_MS + 1_000 + MARGIN_MS);
            assertThat(serverCloses(s)).as("the connection of a cut body is closed").isTrue();
        }
    }

    @Test
    void aBodyAtAnOrdinaryPaceWithPausesIsServed() throws Exception {
        byte[] body = ascii("{\"sql\":\"SELECT 'paused' AS p\",\"pad\":\"" + "q".repeat(7_900) + "\"}");
        try (Socket s = RawHttp.connect(http.port, 10_000)) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n"));
            int part = body.length / 4;
            for (int i = 0; i < 4; i++) { // 2 KB, a 1 s pause, 2 KB, ...: 8 KB in 3 s
                int from = i * part;
                out.write(body, from, i == 3 ? body.length - from : part);
                out.flush();
                if (i < 3) {
                    Thread.sleep(1_000); // pacing: the slow client is the case
                }
            }
            Reply a = raw.read(s, 1, System.nanoTime()).only();
            assertThat(scalar(a).asText()).isEqualTo("paused");
        }
    }

    /**
     * 7 KB at once, then silence: the 15 s idle timeout ends the body before its 3 + 14 s
     * allowance, and that too is {@code 408 request body timeout} on a closed connection.
     */
    @Test
    void aBodyThatFallsSilentIsCutWith408() throws Exception {
        try (Socket s = RawHttp.connect(http.port, 30_000)) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 8000\r\n\r\n{\"sql\":\"SELECT 1\",\"pad\":\"" + "s".repeat(7_168)));
            out.flush();
            long start = System.nanoTime();
            RawHttp.Exchange ex = raw.read(s, 1, start);
            long held = (System.nanoTime() - start) / 1_000_000;
            Stats.line("a body silent after 7 KB: " + ex + " after " + held + " ms");
            Reply cut = expect(ex.only(), 408, "request body timeout");
            assertThat(cut.json().path("code").asText()).isEqualTo("request_body_timeout");
            assertThat(held).isBetween(IDLE_TIMEOUT_MS - 1_000, BODY_GRACE_MS + 14_000 + MARGIN_MS);
            assertThat(serverCloses(s)).as("the connection of a cut body is closed").isTrue();
        }
    }

    /**
     * Three header sections trickled at about a byte a second: on a new connection, after a
     * keep-alive answer, and blank lines between requests (which the parser skips). Each is
     * closed once its head is 20 s late; before, each byte reset the 15 s idle timeout, so a head
     * of 8 KB sent a byte every 14 s held its connection for 32 hours.
     */
    @Test
    void aTricklingHeaderSectionIsCut() throws Exception {
        List<Trickle> trickles = new ArrayList<>();
        try {
            long start = System.nanoTime();
            trickles.add(new Trickle("a new connection", RawHttp.connect(http.port, 5_000), start,
                    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 'a'));
            Socket kept = RawHttp.connect(http.port, 5_000);
            kept.getOutputStream().write(ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(raw.read(kept, 1, start).only().status()).isEqualTo(200);
            trickles.add(new Trickle("after a keep-alive answer", kept, System.nanoTime(),
                    "GET /healthz HTTP/1.1\r\nX-Slow: ", 'a'));
            Socket blank = RawHttp.connect(http.port, 5_000);
            blank.getOutputStream().write(ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(raw.read(blank, 1, start).only().status()).isEqualTo(200);
            trickles.add(new Trickle("blank lines after an answer", blank, System.nanoTime(), "", '\n'));

            long bound = TimeUnit.MILLISECONDS.toNanos(HEAD_DEADLINE_MS + MARGIN_MS);
            while (trickles.stream().anyMatch(t -> t.closedMs < 0) && System.nanoTime() - start < bound) {
                for (Trickle t : trickles) {
                    t.step(); // a byte, then up to 250 ms of listening: about 1.3 bytes/s each
                }
            }
            for (Trickle t : trickles) {
                Stats.max("slow.trickling_head.cut.ms", t.closedMs, t.name);
                Stats.line("a head trickled " + t.name + ": " + (t.closedMs < 0 ? "still open" : "closed after "
                        + t.closedMs + " ms") + ", " + t.sent + " bytes sent, answer: " + t.answer());
            }
            for (Trickle t : trickles) {
                assertThat(t.closedMs).as("%s closed", t.name).isGreaterThanOrEqualTo(0);
                // the server's clock starts as it finishes an answer, a little before the client reads it
                assertThat(t.closedMs).as("%s closed at the deadline", t.name)
                        .isBetween(HEAD_DEADLINE_MS - 1_000, HEAD_DEADLINE_MS + MARGIN_MS);
                assertThat(t.sent).as("%s: far from the 8 KB header cap", t.name).isLessThan(200);
            }
        } finally {
            for (Trickle t : trickles) {
                t.socket.close();
            }
        }
    }

    /** One trickled head: a prefix, then one byte per step, until the server closes. */
    private static final class Trickle {
        final String name;
        final Socket socket;
        final long start;
        final byte filler;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        long closedMs = -1;
        int sent;

        Trickle(String name, Socket socket, long start, String prefix, char filler) throws IOException {
            this.name = name;
            this.socket = socket;
            this.start = start;
            this.filler = (byte) filler;
            socket.setSoTimeout(250);
            socket.getOutputStream().write(ascii(prefix));
            socket.getOutputStream().flush();
            sent = prefix.length();
        }

        void step() {
            if (closedMs >= 0) {
                return;
            }
            try {
                socket.getOutputStream().write(filler);
                socket.getOutputStream().flush();
                sent++;
                InputStream in = socket.getInputStream();
                byte[] buf = new byte[1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    received.write(buf, 0, n);
                }
                if (n < 0) {
                    closedMs = (System.nanoTime() - start) / 1_000_000;
                }
            } catch (SocketTimeoutException stillOpen) {
                // nothing yet: next byte
            } catch (IOException reset) {
                closedMs = (System.nanoTime() - start) / 1_000_000;
            }
        }

        String answer() {
            String text = received.toString(StandardCharsets.ISO_8859_1);
            return text.isEmpty() ? "none" : text.lines().findFirst().orElse("");
        }
    }

    /** Whether the server closes the connection (end of stream or reset) within a few seconds. */
    private static boolean serverCloses(Socket s) throws IOException {
        s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // drain whatever follows the answer
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
