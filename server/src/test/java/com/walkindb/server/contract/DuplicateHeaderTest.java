package com.walkindb.server.contract;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertNoSessionHeaders;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two lines of {@code Content-Type} or {@code X-Walkin-Session} on POST /sql are refused with
 * {@code 400 duplicate header: <Name>} (docs/API.md): a proxy in front that reads the last line
 * would otherwise see another request than the server, which reads the first. Checked at step 3,
 * before the media type and before the body is read. Written over a socket, so the spelling and
 * order of the lines are exactly as given.
 */
class DuplicateHeaderTest {
    private static final byte[] BODY = "{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.UTF_8);
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Type: application/json\r\nContent-Type: application/json",
            "Content-Type: application/json\r\ncontent-type: application/json",
            "CONTENT-TYPE: text/plain\r\nContent-Type: application/json", // not 415: the repeat comes first
            "Content-Type: application/json; charset=utf-8\r\nContent-type: text/plain"})
    void aSecondContentTypeLineIsRefused(String lines) throws IOException {
        Reply r = post(lines);
        assertError(r, 400, "duplicate header: Content-Type");
        assertThat(r.json().path("code").asText()).isEqualTo("duplicate_header");
        assertThat(r.header("Connection")).as("the body stays unread").isEqualTo("close");
        assertNoSessionHeaders(r);
    }

    @Test
    void aSecondSessionLineIsRefusedWhateverTheTokensAndSpelling() throws IOException {
        String mine = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES ('mine')").session();
        String theirs = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES ('theirs')").session();
        long dirs = server.testServer().instanceDirs();
        for (String lines : new String[] {
                "X-Walkin-Session: " + mine + "\r\nX-Walkin-Session: " + theirs,
                "X-Walkin-Session: " + mine + "\r\nx-walkin-session: " + mine,
                "x-WALKIN-session: \r\nX-Walkin-Session: ",  // two empty ones: still two lines
                "X-Walkin-Session: " + theirs + "\r\nX-Walkin-Session: "}) {
            Reply r = post("Content-Type: application/json\r\n" + lines);
            assertError(r, 400, "duplicate header: X-Walkin-Session");
            assertThat(r.json().path("code").asText()).isEqualTo("duplicate_header");
            assertNoSessionHeaders(r);
        }
        assertThat(server.testServer().instanceDirs()).as("no walk-in was created").isEqualTo(dirs);
        // Each header once is fine, and each walk-in still holds its own row.
        assertThat(rows(raw("Content-Type: application/json\r\nX-Walkin-Session: " + mine,
                "{\"sql\":\"SELECT x FROM t\"}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("[[\"mine\"]]");
        assertThat(rows(server.http().sql("SELECT x FROM t", null, theirs))).isEqualTo("[[\"theirs\"]]");
    }

    @Test
    void theRefusalIsChargedToTheRequestBudget() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "2"))) {
            for (int i = 0; i < 2; i++) {
                assertError(raw(limited, "Content-Type: application/json\r\nContent-Type: application/json", BODY),
                        400, "duplicate header: Content-Type");
            }
            assertError(limited.http().sql("SELECT 1"), 429, "rate limit exceeded");
            // and the budget (step 2) comes before it
            assertError(raw(limited, "Content-Type: application/json\r\nContent-Type: application/json", BODY),
                    429, "rate limit exceeded");
        }
    }

    private static Reply post(String headerLines) throws IOException {
        return raw(headerLines, BODY);
    }

    private static Reply raw(String headerLines, byte[] body) throws IOException {
        return raw(server.testServer(), headerLines, body);
    }

    private static Reply raw(TestServer s, String headerLines, byte[] body) throws IOException {
        // No Connection: close of our own, so that the server's is seen (Http.raw reads one answer).
        return s.http().raw("POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines + "\r\nContent-Length: "
                + body.length, body);
    }
}
