package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.accesslog.AccessLog;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/API.md, "Request ids": every answer carries {@code X-Request-Id}, the caller's when
 * well-formed, else a new one; errors Jetty answers itself too; the access log never holds it.
 */
class RequestIdTest {
    private static final String GENERATED = "[0-9a-f]{16}";

    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static Reply getWithId(String path, String id) {
        Http http = server.http();
        return http.send(http.request(path).header("X-Request-Id", id).GET());
    }

    @Test
    void anAnswerWithoutOneGetsAFreshIdEachTime() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Reply r = server.http().get("/healthz");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Request-Id")).matches(GENERATED);
            ids.add(r.header("X-Request-Id"));
        }
        assertThat(ids).hasSize(20);
    }

    @Test
    void aWellFormedIdIsEchoedOnSuccessAndOnErrors() {
        String id = "Trace.abc_123-XYZ";
        assertThat(getWithId("/healthz", id).header("X-Request-Id")).isEqualTo(id);
        assertThat(getWithId("/no-such-path", id)).satisfies(r -> {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("X-Request-Id")).isEqualTo(id);
        });
        Reply sql = server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Request-Id", id);
        assertThat(sql.status()).isEqualTo(200);
        assertThat(sql.header("X-Request-Id")).isEqualTo(id);
        Reply bad = server.http().postWithHeaders("{\"sql\":", "X-Request-Id", id);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.header("X-Request-Id")).isEqualTo(id);
        Reply options = server.http().send(server.http().request("/sql").header("X-Request-Id", id)
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("X-Request-Id")).isEqualTo(id);
        assertThat("x".repeat(64)).as("64 characters are still well-formed")
                .isEqualTo(getWithId("/healthz", "x".repeat(64)).header("X-Request-Id"));
    }

    @Test
    void aMalformedIdIsReplacedNotEchoed() throws Exception {
        for (String bad : List.of("x".repeat(65), "two words", "semi;colon", "quote\"d", "slash/ed")) {
            assertThat(getWithId("/healthz", bad).header("X-Request-Id")).as(bad).matches(GENERATED);
        }
        // Not even through a raw socket, where the client library would not stop it: a byte outside ASCII.
        Reply raw = server.http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: caf\u00e9\r\nConnection: close",
                new byte[0]);
        assertThat(raw.header("X-Request-Id")).matches(GENERATED);
    }

    @Test
    void errorsJettyAnswersBeforeAnyHandlerCarryOneToo() throws Exception {
        Reply tooLarge = server.http().send(server.http().request("/healthz")
                .header("X-Request-Id", "big-one").header("X-Pad", "p".repeat(10 * 1024)).GET());
        assertThat(tooLarge.status()).isEqualTo(431);
        assertThat(tooLarge.header("X-Request-Id")).matches("big-one|" + GENERATED);

        Reply malformed = server.http().raw("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close",
                new byte[0]);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("X-Request-Id")).matches(GENERATED);
        assertThat(malformed.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void theAccessLogKeepsItsSevenFieldsAndNeverTheId() throws Exception {
        String id = "never-in-the-access-log-" + System.nanoTime();
        assertThat(server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Request-Id", id).status()).isEqualTo(200);
        Path file = server.testServer().dataDir().resolve("logs")
                .resolve("access-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        // The line of a later request proves the earlier one's line was written (lines go in order).
        String marker = "marker-" + System.nanoTime();
        assertThat(server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "User-Agent", marker).status()).isEqualTo(200);
        Await.until("the access log to record the marker", Duration.ofSeconds(20),
                () -> Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(marker));
        String log = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(log).doesNotContain(id, "request_id", "X-Request-Id");
        assertThat(AccessLog.FIELDS).hasSize(7);
    }
}
