package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>a fresh identity per request</b> over IPv6. One /64 — what a single customer line or
 * virtual machine gets — holds 2^64 addresses, so limits keyed by the full address would let one
 * client spend every per-IP budget, the live-walk-in cap and the connection cap again with each
 * new address.
 *
 * <p>What stops it: every per-client limit counts under the client's key
 * ({@code ratelimit.ClientKey}): an IPv6 address cut to {@code WALKINDB_IPV6_PREFIX} bits (64),
 * an IPv4 address whole, an IPv4-mapped IPv6 address as its IPv4 address. The access log and
 * meta.json keep the full address. Loopback offers only {@code ::1}, so other IPv6 callers come
 * through a trusted proxy's X-Forwarded-For.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseIpv6IdentityTest extends AbuseSuite {
    private static final String A = "2001:db8:1:2::1";
    private static final String B = "2001:db8:1:2::ffff"; // A's /64
    private static final String C = "2001:db8:1:3::1";    // the next /64
    private static final int CAP = 8;

    /** A server listening on [::1]: its callers are IPv6 peers, budgets and the connection cap hold for them. */
    @Test
    void aServerOnIpv6LoopbackLimitsItsIpv6Callers() throws Exception {
        InetAddress loopback6 = InetAddress.ofLiteral("::1");
        assumeIpv6Loopback(loopback6);
        OwnServer own = ownServer(Map.of("WALKINDB_ADDR", "[::1]:0", "WALKINDB_RATE_LIMIT_REQS", "3",
                "WALKINDB_MAX_CONNECTIONS_PER_IP", String.valueOf(CAP)));
        assertThat(URI.create(own.server.baseUrl()).getHost()).as("listening on IPv6").contains(":");
        for (int i = 0; i < 3; i++) {
            expectOk(own.http.sql("SELECT " + i));
        }
        expect(own.http.sql("SELECT 9"), 429, "rate limit exceeded");

        // the connection cap counts ::1 (the client above holds at most one more connection)
        CappedConnections conns = new CappedConnections(loopback6, loopback6, own.http.port, own.raw);
        assertThat(conns.servedAtOnce(CAP / 2)).as("connections from ::1 served at once").isEqualTo(CAP / 2);
        assertThat(conns.servedAtOnce(CAP + 4)).as("connections from ::1 served of %d at once", CAP + 4)
                .isLessThanOrEqualTo(CAP);

        // the access log keeps the caller's full address, not its key
        JsonNode line = awaitLogLine(own.server.dataDir(), "POST");
        assertThat(InetAddress.ofLiteral(line.get("source_ip").asText())).isEqualTo(loopback6);
    }

    @Test
    void oneSlash64BehindATrustedProxySharesOneRequestBudget() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32", "WALKINDB_RATE_LIMIT_REQS", "3"));
        for (int i = 0; i < 3; i++) {
            expectOk(forwarded(own, A, null));
        }
        expect(forwarded(own, B, null), 429, "rate limit exceeded");
        expectOk(forwarded(own, C, null));
        // IPv4 is keyed whole, and its IPv4-mapped IPv6 form is the same client
        for (int i = 0; i < 3; i++) {
            expectOk(forwarded(own, "203.0.113.5", null));
        }
        expect(forwarded(own, "::ffff:203.0.113.5", null), 429, "rate limit exceeded");
        expectOk(forwarded(own, "203.0.113.6", null));
        expectOk(forwarded(own, "::ffff:203.0.113.7", null));
    }

    @Test
    void oneSlash64BehindATrustedProxySharesTheCreationBudgetAndTheLiveCap() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32",
                "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "2", "WALKINDB_MAX_INSTANCES_PER_IP", "3"));
        String first = expectOk(forwarded(own, A, null)).session();
        expectOk(forwarded(own, A, null));
        expect(forwarded(own, B, null), 429, "new-instance rate limit exceeded");
        expectOk(forwarded(own, B, first)); // using a walk-in is not a creation
        expectOk(forwarded(own, C, null));

        own.server.advanceClock(Duration.ofSeconds(60)); // the creation budget refills
        expectOk(forwarded(own, B, null)); // the /64's third live walk-in
        expect(forwarded(own, A, null), 429, "too many live instances");
        expectOk(forwarded(own, C, null));

        // meta.json records the full address; a restart maps it to the key again
        Path meta = own.server.dataDir().resolve("instances").resolve(Tokens.instanceId(first).toString())
                .resolve("meta.json");
        String creator = JSON.readTree(Files.readString(meta)).get("creator_ip").asText();
        assertThat(InetAddress.ofLiteral(creator)).isEqualTo(InetAddress.ofLiteral(A));
    }

    // ----- helpers -----

    /** POST /sql through the trusted proxy (this loopback client) for the caller {@code client}. */
    private static Reply forwarded(OwnServer own, String client, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(own.server.baseUrl() + "/sql"))
                .timeout(Http.DEFAULT_TIMEOUT).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "198.51.100.200, " + client) // the left entry is the client's own claim
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"));
        if (session != null) {
            b.header("X-Walkin-Session", session);
            own.record.noteToken(session);
        }
        return own.http.send(b);
    }

    private static void assumeIpv6Loopback(InetAddress loopback6) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(loopback6, 0));
        } catch (IOException e) {
            String why = "SKIPPED: this machine cannot listen on [::1] (" + e + "); IPv6 peers are untested here";
            Stats.line(why);
            System.err.println(why);
            Assumptions.abort(why);
        }
    }

    /** The first access-log line of {@code method} (the log is written in the background). */
    private static JsonNode awaitLogLine(Path dataDir, String method) throws Exception {
        Path logs = dataDir.resolve("logs");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (Files.isDirectory(logs)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(logs)) {
                    files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList();
                }
                for (Path f : files) {
                    for (String text : Files.readAllLines(f)) {
                        JsonNode line;
                        try {
                            line = JSON.readTree(text);
                        } catch (com.fasterxml.jackson.core.JsonProcessingException partial) {
                            continue; // a line still being written
                        }
                        if (method.equals(line.path("http_method").asText())) {
                            return line;
                        }
                    }
                }
            }
            Thread.sleep(50); // the poll's back-off inside the 10 s bound
        }
        throw new AssertionError("no access-log line for " + method + " within 10 s in " + logs);
    }
}
