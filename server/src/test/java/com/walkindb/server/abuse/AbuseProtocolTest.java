package com.walkindb.server.abuse;

import static com.walkindb.server.abuse.RawHttp.ascii;
import static com.walkindb.server.abuse.RawHttp.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: <b>protocol abuse</b>, one request at a time — break the HTTP layer instead of SQLite:
 * bodies over 8 KB by length or by chunks, request smuggling (Content-Length with
 * Transfer-Encoding, two lengths), malformed chunk framing, bodies cut short, huge headers and
 * URIs, invalid UTF-8 and lone surrogate escapes, deep or huge JSON, duplicate keys, repeated
 * Content-Type or session headers, wrong media types and methods, path traversal. ({@link AbuseProtocolConnectionTest} does the connection-level half.)
 *
 * <p>What stops it: Jetty's parser (smuggling, framing, 8 KB header cap answered 431), the body
 * reader that stops at 8192 bytes (413, never buffering more), the strict JSON parser (UTF-8, no
 * half surrogate pairs, no duplicate keys, depth 32, numbers of at most 100 characters), the
 * repeated-header check (400), the media-type check (415),
 * virtual threads per request (a stalled client holds no platform thread), and the error handler
 * that answers everything in the same JSON shape. Malformed HTTP may get a plain 400; never a 500.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseProtocolTest extends AbuseSuite {
    static final String TOO_LARGE = "sql payload exceeds 8 KB";

    private static byte[] bodyOfSize(int n) {
        String prefix = "{\"sql\":\"SELECT 1\",\"pad\":\"";
        String suffix = "\"}";
        byte[] b = (prefix + "a".repeat(n - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.UTF_8);
        assertThat(b.length).isEqualTo(n);
        return b;
    }

    private static byte[] chunkedHead(String extra) {
        return ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n" + extra + "\r\n");
    }

    @Test
    void aBodyOf8192BytesIsReadAndOneOf8193Is413() {
        expectOk(http.post(new String(bodyOfSize(8192), StandardCharsets.UTF_8), "application/json", null,
                Http.DEFAULT_TIMEOUT));
        expect(http.post(new String(bodyOfSize(8193), StandardCharsets.UTF_8), "application/json", null,
                Http.DEFAULT_TIMEOUT), 413, TOO_LARGE);
    }

    @Test
    void aChunkedBodyOver8KbIs413() {
        byte[] chunks = new byte[0];
        for (int i = 0; i < 9; i++) {
            chunks = concat(chunks, ascii("400\r\n" + " ".repeat(1024) + "\r\n"));
        }
        Reply a = raw.exchange(concat(chunkedHead(""), chunks, ascii("0\r\n\r\n")), 1, 5000).only();
        expect(a, 413, TOO_LARGE);
    }

    @Test
    void anEndlessChunkedBodyIsCutOffAt8KbWithoutWaitingForItsEnd() throws Exception {
        try (Socket s = RawHttp.connect(http.port, 5000)) {
            OutputStream out = s.getOutputStream();
            out.write(chunkedHead(""));
            long start = System.nanoTime();
            try {
                for (int i = 0; i < 12; i++) { // 12 KB and no terminating chunk
                    out.write(ascii("400\r\n" + "x".repeat(1024) + "\r\n"));
                    out.flush();
                }
            } catch (java.net.SocketException closedOnUs) {
                // the server answered and closed before we were done sending: what it should do
            }
            RawHttp.Exchange ex = raw.read(s, 1, start);
            expect(ex.only(), 413, TOO_LARGE);
            assertThat(ex.millis()).isLessThan(2000);
        }
    }

    @Test
    void expectContinueWithAnOversizedLengthIs413WithoutTheBody() {
        byte[] req = ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
        RawHttp.Exchange ex = raw.exchange(req, 1, 5000);
        expect(ex.only(), 413, TOO_LARGE);
    }

    @Test
    void contentLengthTogetherWithTransferEncodingIsRefused() {
        byte[] req = ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "11\r\n{\"sql\":\"SELECT 1\"}\r\n0\r\n\r\n");
        Reply a = raw.exchange(req, 1, 5000).only();
        assertThat(a.status()).isEqualTo(400);
    }

    @Test
    void twoContentLengthsAreRefused() {
        byte[] req = ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 18\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{\"sql\":\"SELECT 1\"}");
        assertThat(raw.exchange(req, 1, 5000).only().status()).isEqualTo(400);
    }

    @ParameterizedTest(name = "malformed chunk framing #{index}")
    @ValueSource(strings = {
            "FFFFFFFFFFFFFFFFFF\r\nabc",        // chunk size overflowing 64 bits
            "zz\r\nabc\r\n0\r\n\r\n",          // not hex
            "3\r\nabcXX\r\n0\r\n\r\n",          // chunk longer than declared
            "3;ext=" + "x" + "\r\nabc\r\n-1\r\n\r\n", // negative size
    })
    void malformedChunkFramingIsA400NotAnInternalError(String framing) {
        Reply a = raw.exchange(concat(chunkedHead(""), ascii(framing)), 1, 5000).only();
        assertThat(a.status()).as("%s", a).isEqualTo(400);
    }

    @Test
    void aBodyCutShortByTheClientIsNotAnInternalError() throws Exception {
        try (Socket s = RawHttp.connect(http.port, 5000)) {
            s.getOutputStream().write(ascii("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"sql\":\"SEL"));
            s.getOutputStream().flush();
            s.shutdownOutput(); // the client is gone mid-body
            RawHttp.Exchange ex = raw.read(s, 1, System.nanoTime());
            for (Reply a : ex.answers()) {
                assertThat(a.status()).as("%s", a).isEqualTo(400);
            }
        }
        // the harness also fails the case if the access log recorded a 500 for it
    }

    @Test
    void headersOver8KbAre431InTheUsualShape() {
        Reply a = raw.exchange(ascii("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9000)
                + "\r\nConnection: close\r\n\r\n"), 1, 5000).only();
        expect(a, 431, "request headers too large");
        assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
        Reply many = raw.exchange(RawHttp.post(ascii("{\"sql\":\"SELECT 1\"}"), "application/json",
                "X-H: v\r\n".repeat(1500)), 1, 5000).only();
        expect(many, 431, "request headers too large");
        Reply token = http.send(HttpRequest.newBuilder(URI.create(http.base + "/sql")).timeout(Http.DEFAULT_TIMEOUT)
                .header("Content-Type", "application/json").header("X-Walkin-Session", "wkn_" + "A".repeat(10000))
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")));
        expect(token, 431, "request headers too large");
    }

    @Test
    void aHugeUriIsRefused() {
        Reply a = raw.exchange(ascii("GET /" + "a".repeat(10000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                1, 5000).only();
        assertThat(a.status()).isIn(414, 431);
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] body = concat(ascii("{\"sql\":\"SELECT '"), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0x80},
                ascii("'\"}"));
        expect(raw.exchange(RawHttp.post(body, "application/json", null), 1, 5000).only(), 400, "invalid json");
        byte[] surrogate = concat(ascii("{\"sql\":\"SELECT '"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                ascii("'\"}"));
        expect(raw.exchange(RawHttp.post(surrogate, "application/json", null), 1, 5000).only(), 400, "invalid json");
    }

    /**
     * Text the server would have changed on the way in (half a surrogate pair became '?',
     * CESU-8 and overlong bytes were decoded), and two session lines aimed at the victim behind
     * the attacker's own token (a proxy that reads the last line sees the attacker's): all
     * refused before any walk-in is reached or created.
     */
    @Test
    void textTheServerWouldRewriteAndSplitSessionHeadersAreRefused() {
        String own = expectOk(http.sql("SELECT 1")).session();
        for (String body : new String[] {"{\"sql\":\"SELECT '\\ud800' AS q\"}",
                "{\"sql\":\"SELECT hex(?)\",\"args\":[\"\\udc00\"]}", "{\"sql\":\"SELECT :k\",\"args\":{\"k\\ud800\":1}}"}) {
            expect(raw.exchange(RawHttp.post(ascii(body), "application/json", null), 1, 5000).only(), 400, "invalid json");
        }
        byte[] cesu = concat(ascii("{\"sql\":\"SELECT '"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0xbd,
                (byte) 0xed, (byte) 0xb8, (byte) 0x80}, ascii("'\"}"));
        expect(raw.exchange(RawHttp.post(cesu, "application/json", null), 1, 5000).only(), 400, "invalid json");
        byte[] overlongQuote = concat(ascii("{\"sql\":\"SELECT 1 WHERE 'a"), new byte[] {(byte) 0xc0, (byte) 0xa7},
                ascii(" OR 1=1 --'\"}"));
        expect(raw.exchange(RawHttp.post(overlongQuote, "application/json", null), 1, 5000).only(), 400, "invalid json");

        String steal = "{\"sql\":\"SELECT * FROM " + victim.table() + "\"}";
        for (String lines : new String[] {
                "X-Walkin-Session: " + victim.token() + "\r\nX-Walkin-Session: " + own + "\r\n",
                "X-Walkin-Session: " + own + "\r\nx-walkin-session: " + victim.token() + "\r\n"}) {
            expect(raw.exchange(RawHttp.post(ascii(steal), "application/json", lines), 1, 5000).only(), 400,
                    "duplicate header: X-Walkin-Session");
        }
        expect(raw.exchange(RawHttp.post(ascii(steal), "text/plain", "Content-Type: application/json\r\n"), 1, 5000)
                .only(), 400, "duplicate header: Content-Type");
    }

    @Test
    void jsonNestedOver32DeepIsInvalidButTheLimitItselfIsFine() {
        expectOk(http.post("{\"sql\":\"SELECT 1\",\"x\":" + "[".repeat(31) + "]".repeat(31) + "}", "application/json",
                null, Http.DEFAULT_TIMEOUT));
        expect(http.post("{\"sql\":\"SELECT 1\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}", "application/json",
                null, Http.DEFAULT_TIMEOUT), 400, "invalid json");
        expect(http.post("{\"sql\":\"SELECT 1\",\"args\":" + "[".repeat(4000) + "]".repeat(4000) + "}",
                "application/json", null, Http.DEFAULT_TIMEOUT), 400, "invalid json");
    }

    @Test
    void hugeNumbersAreRefusedWithoutBeingParsed() throws Exception {
        // A million digits: refused by Content-Length. java.net.http gives up on the write error when
        // the server answers early and closes, so this one goes over a socket like curl would.
        byte[] million = ascii("{\"sql\":\"SELECT 1\",\"x\":" + "9".repeat(1_000_000) + "}");
        try (Socket s = RawHttp.connect(http.port, 5000)) {
            long start = System.nanoTime();
            try {
                s.getOutputStream().write(RawHttp.post(million, "application/json", null));
                s.getOutputStream().flush();
            } catch (java.net.SocketException closedOnUs) {
                // answered and closed before the upload ended
            }
            expect(raw.read(s, 1, start).only(), 413, TOO_LARGE);
        }
        expect(http.post("{\"sql\":\"SELECT 1\",\"x\":" + "9".repeat(8000) + "}", "application/json", null,
                Http.DEFAULT_TIMEOUT), 400, "invalid json");
        expect(http.post("{\"sql\":\"SELECT ?\",\"args\":[1e" + "9".repeat(101) + "]}", "application/json", null,
                Http.DEFAULT_TIMEOUT), 400, "invalid json");
        expectOk(http.post("{\"sql\":\"SELECT 1\",\"x\":" + "9".repeat(100) + "}", "application/json", null,
                Http.DEFAULT_TIMEOUT));
    }

    @Test
    void duplicateKeysAndOtherNonObjectsAreInvalidJson() {
        for (String body : new String[] {"{\"sql\":\"SELECT 1\",\"sql\":\"SELECT 2\"}",
                "{\"sql\":\"SELECT 1\",\"args\":{\"a\":1,\"a\":2}}", "[\"SELECT 1\"]", "\"SELECT 1\"", "",
                "{\"sql\":\"SELECT 1\"} {}", "\ufeff{\"sql\":\"SELECT 1\"}", "{\"sql\":\"SELECT ?\",\"args\":[NaN]}",
                "{'sql':'SELECT 1'}", "{\"sql\":\"SELECT 1\",}"}) {
            expect(http.post(body, "application/json", null, Http.DEFAULT_TIMEOUT), 400, "invalid json");
        }
    }

    @Test
    void sqlThatIsNotAStatementIsMissingSql() {
        for (String body : new String[] {"{}", "{\"sql\":1}", "{\"sql\":[\"SELECT 1\"]}", "{\"sql\":{\"a\":1}}",
                "{\"sql\":null}", "{\"sql\":\"   \"}", "{\"sql\":\"-- only a comment\\n/* and this */ ;;\"}",
                "{\"sql\":\"\\u0000SELECT 1\"}"}) {
            expect(http.post(body, "application/json", null, Http.DEFAULT_TIMEOUT), 400, "missing sql");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=latin1", "application/jsonp", "text/json", "application/json-patch+json", "*/*"})
    void otherMediaTypesAre415(String type) {
        expect(http.post("{\"sql\":\"SELECT 1\"}", type, null, Http.DEFAULT_TIMEOUT), 415,
                "content-type must be application/json");
    }

    @Test
    void aMissingContentTypeIs415() {
        Reply a = raw.exchange(RawHttp.post(ascii("{\"sql\":\"SELECT 1\"}"), null, null), 1, 5000).only();
        expect(a, 415, "content-type must be application/json");
    }

    @Test
    void otherMethodsAre405WithAllow() {
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "TRACE", "GET"}) {
            Reply a = http.send(HttpRequest.newBuilder(URI.create(http.base + "/sql")).timeout(Http.DEFAULT_TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"))
                    .header("Content-Type", "application/json"));
            expect(a, 405, "method not allowed");
            assertThat(a.header("Allow")).isEqualTo("POST, OPTIONS");
        }
        Reply options = http.send(HttpRequest.newBuilder(URI.create(http.base + "/sql"))
                .timeout(Http.DEFAULT_TIMEOUT).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.body()).isEmpty();
    }

    @Test
    void pathTraversalNeverServesAFile() {
        for (String path : new String[] {"/../../etc/passwd", "/playground/..%2f..%2f..%2fetc%2fpasswd",
                "/%2e%2e/%2e%2e/etc/passwd", "/playground/../../../../etc/passwd", "//etc/passwd",
                "/playground/%c0%ae%c0%ae/etc/passwd", "/openapi.json/../../../etc/passwd"}) {
            Reply a = raw.exchange(ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                    1, 5000).only();
            assertThat(a.status()).as("%s -> %s", path, a).isIn(400, 404);
            assertThat(a.body()).doesNotContain("root:");
        }
    }

    @Test
    void unknownPathsAreAPlain404() {
        expect(http.get("/admin"), 404, "not found");
        Reply dotted = http.get("/sql/../healthz/../../instances");
        assertThat(dotted.status()).isIn(400, 404); // Jetty refuses ambiguous paths itself
    }
}
