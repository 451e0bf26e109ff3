package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An answer given before the body arrived (here a 429) must neither wait for that body (a client
 * may send it only after the answer) nor leave the connection silently unusable: the next
 * request on it is served, or the answer said Connection: close.
 */
class KeepAliveTest {

    @Test
    void connectionStaysUsableAfterARefusalGivenBeforeTheBodyArrived() throws Exception {
        try (TestServer s = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "1"))) {
            int port = Integer.parseInt(s.baseUrl().substring(s.baseUrl().lastIndexOf(':') + 1));
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                String body = "{\"sql\":\"SELECT 1\"}";
                String head = "POST /sql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n";
                send(out, head + body);
                assertThat(readAnswers(in, 1)).startsWith("HTTP/1.1 200");
                // Headers only: the budget is spent, so the answer comes before the body is sent.
                send(out, head);
                String refused = readAnswers(in, 1);
                assertThat(refused).startsWith("HTTP/1.1 429");
                if (refused.toLowerCase().contains("connection: close")) {
                    return; // said openly: a client will not reuse the connection
                }
                send(out, body + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readAnswers(in, 1)).as("the next request on the same connection")
                        .startsWith("HTTP/1.1 200").contains("{\"status\":\"ok\"");
            }
        }
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
