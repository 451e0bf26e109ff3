package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An answer given before the body arrived (a 429, or a route that never reads a body) must
 * neither wait for that body (a client may send it only after the answer) nor leave the
 * connection silently unusable: the next request on it is served, or the answer said
 * Connection: close.
 */
class KeepAliveTest {

    @Test
    void connectionStaysUsableAfterARefusalGivenBeforeTheBodyArrived() throws Exception {
        try (TestServer s = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "1"))) {
            try (Socket socket = connect(s)) {
                String head = head("POST", "/sql", BODY);
                send(socket.getOutputStream(), head + BODY);
                assertThat(readAnswers(socket.getInputStream(), 1)).startsWith("HTTP/1.1 200");
                // Headers only: the budget is spent, so the answer comes before the body is sent.
                assertUsableOrClosed(socket, head, "HTTP/1.1 429");
            }
        }
    }

    /** Answers that never read the body: an unknown path, a wrong method, OPTIONS. */
    @ParameterizedTest
    @CsvSource({"POST,/v1/sql,404", "PUT,/sql,405", "POST,/healthz,405", "OPTIONS,/sql,204"})
    void connectionStaysUsableAfterAnAnswerThatLeftTheBodyUnread(String method, String path, int status)
            throws Exception {
        try (TestServer s = TestServer.start(); Socket socket = connect(s)) {
            assertUsableOrClosed(socket, head(method, path, BODY), "HTTP/1.1 " + status);
        }
    }

    private static final String BODY = "{\"sql\":\"SELECT 1\"}";

    /**
     * Sends {@code head} alone and expects {@code status}; then the answer must have said
     * Connection: close, or the body and a next request on the same connection must be served.
     */
    private static void assertUsableOrClosed(Socket socket, String head, String status) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        send(out, head);
        String answer = readAnswers(in, 1);
        assertThat(answer).startsWith(status);
        if (answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
            return; // said openly: a client will not reuse the connection
        }
        send(out, BODY + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readAnswers(in, 1)).as("the next request on the same connection")
                .startsWith("HTTP/1.1 200").contains("{\"status\":\"ok\"");
    }

    private static String head(String method, String path, String body) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n";
    }

    private static Socket connect(TestServer s) throws Exception {
        int port = Integer.parseInt(s.baseUrl().substring(s.baseUrl().lastIndexOf(':') + 1));
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(OutputStream out, String text) throws Exception {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads until {@code n} status lines have arrived or the server closes. */
    private static String readAnswers(InputStream in, int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        while (sb.toString().split("HTTP/1.1 ", -1).length - 1 < n) {
            int r = in.read(buf);
            if (r < 0) {
                break;
            }
            sb.append(new String(buf, 0, r, StandardCharsets.US_ASCII));
        }
        return sb.toString();
    }
}
