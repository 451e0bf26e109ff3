package com.walkindb.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The live-walk-in cap of an IPv6 network survives a restart: meta.json records each creator's
 * full address, and start-up counts it under the key of today's WALKINDB_IPV6_PREFIX. (Restart
 * needs the in-process server; the abuse suite's AbuseIpv6IdentityTest covers the rest jailed.)
 */
class LiveCapRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENV = Map.of("WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32",
            "WALKINDB_MAX_INSTANCES_PER_IP", "2");

    private static Reply create(TestServer s, String client) {
        return s.http().send(s.http().request("/sql").header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")).build());
    }

    private static void assertTooMany(Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).contains("\"too many live instances\"");
    }

    @Test
    void theCapOfAnIpv6NetworkHoldsAfterARestart() throws Exception {
        TestServer first = TestServer.start(ENV);
        assertThat(create(first, "2001:db8:1:2::1").status()).isEqualTo(200);
        assertThat(create(first, "2001:db8:1:2::ffff").status()).isEqualTo(200);
        assertTooMany(create(first, "2001:db8:1:2::abcd"));

        // meta.json holds full addresses, as data directories written before keys existed do
        try (Stream<Path> dirs = Files.list(first.dataDir().resolve("instances"))) {
            for (Path dir : dirs.toList()) {
                String creator = JSON.readTree(Files.readString(dir.resolve("meta.json"))).get("creator_ip").asText();
                assertThat(InetAddress.ofLiteral(creator)).isIn(InetAddress.ofLiteral("2001:db8:1:2::1"),
                        InetAddress.ofLiteral("2001:db8:1:2::ffff"));
            }
        }

        TestServer again = first.restart(ENV);
        assertTooMany(create(again, "2001:db8:1:2::9"));
        assertThat(create(again, "2001:db8:1:3::1").status()).as("another /64").isEqualTo(200);

        // a narrower prefix after the restart: the recorded addresses count under the new keys
        Map<String, String> perAddress = new HashMap<>(ENV);
        perAddress.put("WALKINDB_IPV6_PREFIX", "128");
        try (TestServer third = again.restart(perAddress)) {
            assertThat(create(third, "2001:db8:1:2::9").status()).as("a /128 of its own").isEqualTo(200);
            assertThat(create(third, "2001:db8:1:2::1").status()).as("A's second walk-in").isEqualTo(200);
            assertTooMany(create(third, "2001:db8:1:2::1"));
        }
    }
}
