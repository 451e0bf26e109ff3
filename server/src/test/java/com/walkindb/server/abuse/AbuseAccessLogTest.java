package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.accesslog.AccessLog;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>fill the disk through the access log</b> — requests the log writes a line for, each as
 * long as possible (an 8 000-character method, an 8 KB User-Agent) and as many as possible
 * (404s, 405s, OPTIONS and 429s, which no budget charges).
 *
 * <p>What stops it: every field is bounded (the method is a known one or {@code OTHER}, the user
 * agent 256 characters, the address an address); lines of requests that no request budget
 * charges are limited per source IP and minute ({@code WALKINDB_ACCESS_LOG_EDGE_LINES}); the
 * directory has a size cap. Each case runs on a server of its own, so its per-IP line budget is
 * its own.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AbuseAccessLogTest extends AbuseSuite {
    static final int EDGE = 20;

    private OwnServer own(Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("WALKINDB_ACCESS_LOG_EDGE_LINES",
                Integer.toString(EDGE)));
        env.putAll(extra);
        return ownServer(env);
    }

    /**
     * Sends a POST /sql with {@code marker} as its User-Agent from a caller of its own (127.0.0.3,
     * whose request budget is untouched) and waits until its line is in the log: one writer thread
     * writes in order, so every line queued before it is then on disk (or was dropped). Returns
     * every line of the log, each checked to be one whole JSON object with only the seven fields.
     */
    private static List<JsonNode> linesUpTo(OwnServer o, String marker) throws Exception {
        try (Http caller = new Http(o.http.base, InetAddress.getByName("127.0.0.3"))) {
            Reply a = caller.send(HttpRequest.newBuilder(URI.create(o.http.base + "/sql"))
                    .timeout(Http.DEFAULT_TIMEOUT).header("Content-Type", "application/json")
                    .header("User-Agent", marker).POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")));
            assertThat(a.status()).as("marker call %s", a).isEqualTo(200);
        }
        Path logs = o.server.dataDir().resolve("logs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<JsonNode> lines = wholeLines(logs);
            if (lines.stream().anyMatch(l -> marker.equals(l.path("user_agent").asText()))) {
                return lines;
            }
            assertThat(System.nanoTime()).as("the marker line reached the log").isLessThan(deadline);
            Thread.sleep(20); // the poll's back-off inside the 20 s bound
        }
    }

    static List<JsonNode> wholeLines(Path logs) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(logs)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(logs)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            assertThat(text.isEmpty() || text.endsWith("\n")).as("%s ends with a whole line", f).isTrue();
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                assertThat(n.isObject()).as("a line is one JSON object: %s", line).isTrue();
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                assertThat(AccessLog.FIELDS).as("fields of %s", line).containsAll(names);
                out.add(n);
            }
        }
        return out;
    }

    private static long logBytes(OwnServer o) throws IOException {
        Path logs = o.server.dataDir().resolve("logs");
        try (Stream<Path> s = Files.list(logs)) {
            return s.mapToLong(AbuseSuite::size).sum();
        }
    }

    /** Lines of 127.0.0.1 that no request budget charged: all but its admitted POST /sql calls. */
    private static long edgeLines(List<JsonNode> lines) {
        return lines.stream().filter(l -> l.path("source_ip").asText().equals("127.0.0.1")
                && !(l.path("http_method").asText().equals("POST") && l.path("http_status").asInt() == 200)).count();
    }

    @Test
    void anEightThousandCharacterMethodIsLoggedAsOtherAndCostsFewBytes() throws Exception {
        OwnServer o = own(Map.of());
        long before = logBytes(o);
        String method = "X".repeat(8000);
        for (int i = 0; i < 100; i++) {
            RawHttp.Exchange e = o.raw.exchange(RawHttp.ascii(method + " /sql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n"), 1, 5000);
            assertThat(e.answers()).as("an answer to request %d", i).hasSize(1);
        }
        List<JsonNode> lines = linesUpTo(o, "marker-" + hex(4));
        long grown = logBytes(o) - before;
        Stats.max("access_log.bytes.after_100_long_methods", grown, "long method");
        List<JsonNode> other = lines.stream().filter(l -> l.path("http_method").asText().equals("OTHER")).toList();
        assertThat(other).isNotEmpty().hasSizeLessThanOrEqualTo(EDGE + 10);
        for (JsonNode l : lines) {
            assertThat(l.path("http_method").asText()).isIn("GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH",
                    "CONNECT", "TRACE", "OTHER");
        }
        // Before: 100 lines of 8 KB each (814 KB). Now at most EDGE lines of ~200 bytes, plus the marker.
        assertThat(grown).isLessThan(16 * 1024);
    }

    @Test
    void aLongUserAgentIsCutTo256Characters() throws Exception {
        OwnServer o = own(Map.of());
        String ua = "agent-" + "u".repeat(7000);
        Reply a = o.http.send(HttpRequest.newBuilder(URI.create(o.http.base + "/healthz"))
                .timeout(Http.DEFAULT_TIMEOUT).header("User-Agent", ua).GET());
        assertThat(a.status()).isEqualTo(200);
        Reply sql = o.http.send(HttpRequest.newBuilder(URI.create(o.http.base + "/sql"))
                .timeout(Http.DEFAULT_TIMEOUT).header("Content-Type", "application/json").header("User-Agent", ua)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")));
        assertThat(sql.status()).isEqualTo(200);
        List<JsonNode> long_ = linesUpTo(o, "marker-" + hex(4)).stream()
                .filter(l -> l.path("user_agent").asText().startsWith("agent-")).toList();
        assertThat(long_).hasSize(2);
        for (JsonNode l : long_) {
            assertThat(l.path("user_agent").asText()).isEqualTo(ua.substring(0, 256));
        }
    }

    @Test
    void linesOfRequestsNoBudgetChargesAreCappedPerSourceIp() throws Exception {
        OwnServer o = own(Map.of());
        long start = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            assertThat(o.http.get("/no-such-page-" + i).status()).isEqualTo(404);
            assertThat(o.http.get("/sql").status()).isEqualTo(405);
            assertThat(o.http.send(HttpRequest.newBuilder(URI.create(o.http.base + "/sql"))
                    .timeout(Http.DEFAULT_TIMEOUT).method("OPTIONS", HttpRequest.BodyPublishers.noBody())).status())
                    .isEqualTo(204);
        }
        // Another caller has its own lines; calls the request budget admitted are all logged.
        try (Http other = new Http(o.http.base, InetAddress.getByName("127.0.0.2"))) {
            for (int i = 0; i < 5; i++) {
                assertThat(other.get("/elsewhere").status()).isEqualTo(404);
            }
        }
        for (int i = 0; i < 50; i++) {
            expectOk(o.http.sql("SELECT " + i));
        }
        List<JsonNode> lines = linesUpTo(o, "marker-" + hex(4));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
        // The bucket holds EDGE lines and refills EDGE per minute (a jailed server's start-up /healthz
        // check takes one of them too).
        assertThat(edgeLines(lines)).isBetween((long) EDGE, EDGE + seconds * EDGE / 60 + 1);
        assertThat(lines.stream().filter(l -> Set.of(404, 405, 204).contains(l.path("http_status").asInt())
                && l.path("source_ip").asText().equals("127.0.0.1")).count()).isGreaterThanOrEqualTo(EDGE - 1);
        assertThat(lines.stream().filter(l -> l.path("source_ip").asText().equals("127.0.0.2"))).hasSize(5);
        assertThat(lines.stream().filter(l -> l.path("http_method").asText().equals("POST")
                && l.path("http_status").asInt() == 200)).hasSize(51);
    }

    @Test
    void aFloodOfRateLimitedCallsLogsOnlyTheEdgeLines() throws Exception {
        OwnServer o = own(Map.of("WALKINDB_RATE_LIMIT_REQS", "10"));
        long start = System.nanoTime();
        int limited = 0;
        for (int i = 0; i < 150; i++) {
            Reply a = o.http.sql("SELECT 1");
            limited += a.status() == 429 ? 1 : 0;
        }
        assertThat(limited).isGreaterThan(100);
        List<JsonNode> lines = linesUpTo(o, "marker-" + hex(4));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
        assertThat(edgeLines(lines)).isBetween((long) EDGE, EDGE + seconds * EDGE / 60 + 1);
        assertThat(lines.stream().filter(l -> l.path("http_status").asInt() == 429).count())
                .isGreaterThanOrEqualTo(EDGE - 1);
        assertThat(lines.stream().filter(l -> l.path("http_status").asInt() == 200
                && l.path("source_ip").asText().equals("127.0.0.1")).count()).isBetween(10L, 10L + seconds);
    }
}
