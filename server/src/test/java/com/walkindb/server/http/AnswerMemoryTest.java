package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WALKINDB_ANSWER_MEMORY_MB bounds the heap that large answers hold until they are written: when
 * it is used up, a call with a large answer is refused with 503 and rolled back, small answers
 * still pass, and every answer — read, or abandoned by its caller — gives its share back.
 */
class AnswerMemoryTest {
    private static final int MIB = 1 << 20;
    /** About 930 KB of rows: 900 rows of 1 000 hex characters plus their numbers. */
    private static final String LARGE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 900) "
            + "SELECT x, hex(randomblob(500)) FROM c";
    @RegisterExtension
    static final ServerExtension server = ServerExtension.withEnv(Map.of("WALKINDB_ANSWER_MEMORY_MB", "1"));
    private static AnswerMemory memory;

    @BeforeAll
    static void start() {
        memory = server.testServer().server().answerMemory();
    }

    @Test
    void aLargeAnswerWithoutMemoryIsRefusedAndRolledBack() {
        String writer = server.http().sql("CREATE TABLE t(x INTEGER, pad TEXT)").session();
        awaitHeld(0); // an earlier case's answer gives its share back when Jetty is done with it
        assertThat(memory.tryTake(MIB)).as("the test holds the whole budget").isTrue();
        try {
            Reply refused = server.http().sql("INSERT INTO t " + LARGE + " RETURNING x, pad", null, writer);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.error()).isEqualTo("server busy");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(server.http().sql("SELECT count(*) FROM t", null, writer).json().at("/rows/0/0").asInt())
                    .as("the refused INSERT committed nothing").isZero();

            // Answers within Limits.answerFreeBytes never wait for the budget.
            Reply small = server.http().sql("SELECT hex(randomblob(30000))");
            assertThat(small.status()).isEqualTo(200);
            assertThat(small.body().length()).isGreaterThan(60_000);
        } finally {
            memory.release(MIB);
        }
        awaitHeld(0);
        Reply again = server.http().sql("INSERT INTO t " + LARGE + " RETURNING x, pad", null, writer);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("rows").size()).isEqualTo(900);
        assertThat(server.http().sql("SELECT count(*) FROM t", null, writer).json().at("/rows/0/0").asInt()).isEqualTo(900);
        awaitHeld(0);
    }

    @Test
    void answersThatAreReadGiveTheirShareBack() {
        for (int i = 0; i < 5; i++) {
            // With a 1 MiB budget one answer at a time: the previous one must have been given back,
            // which happens once Jetty's write completes, possibly just after the client has read it.
            awaitHeld(0);
            Reply r = server.http().sql(LARGE);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().length()).isGreaterThan(900_000);
        }
        awaitHeld(0);
    }

    @Test
    void anAnswerItsCallerAbandonsGivesItsShareBack() throws Exception {
        for (int i = 0; i < 5; i++) {
            awaitHeld(0); // Jetty notices the previous caller's reset asynchronously
            URI base = URI.create(server.testServer().baseUrl());
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096); // before connect: a small window, so the answer backs up
                s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
                byte[] body = ("{\"sql\":\"" + LARGE + "\"}").getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] head = in.readNBytes(12);
                assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
                s.setSoLinger(true, 0); // reset, not a polite close: the rest of the answer has nowhere to go
            }
        }
        awaitHeld(0);
        assertThat(server.http().sql(LARGE).status()).as("the server still answers large calls").isEqualTo(200);
        awaitHeld(0);
    }

    private static void awaitHeld(long expected) {
        Await.until("answer memory held to be " + expected + " (now " + memory.held() + ")", Duration.ofSeconds(20),
                () -> memory.held() == expected);
    }
}
