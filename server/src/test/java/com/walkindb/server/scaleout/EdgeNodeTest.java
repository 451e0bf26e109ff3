package com.walkindb.server.scaleout;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertNoSessionHeaders;
import static com.walkindb.server.testing.ReplyAssertions.retryAfter;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One node of several behind a proxy (docs/DEPLOY.md, "Scale-out"), on the real server:
 * WALKINDB_RATE_LIMITS=edge hands the per-client budgets to the proxy and keeps the per-walk-in
 * ones; the client address comes from X-Forwarded-For only when the peer is a trusted proxy; the
 * node's name shows in /status and the metrics; a drain takes no new walk-ins and serves the
 * walk-ins held.
 */
class EdgeNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The per-client variables at their defaults (TestServer lifts them; "" reads as unset). */
    private static Map<String, String> perClientDefaults(String rateLimits) {
        Map<String, String> env = new HashMap<>();
        for (String v : List.of("WALKINDB_RATE_LIMIT_REQS", "WALKINDB_RATE_LIMIT_NEW_INSTANCES",
                "WALKINDB_MAX_INSTANCES_PER_IP", "WALKINDB_IMPORT_BUDGET_MB")) {
            env.put(v, "");
        }
        env.put("WALKINDB_RATE_LIMITS", rateLimits);
        return env;
    }

    @Test
    void edgeLiftsThePerClientBudgetsAndKeepsThePerWalkinOne() throws Exception {
        // local: the 11th new walk-in a minute from one client is refused (the default 10)
        try (TestServer local = TestServer.start(perClientDefaults("local"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(local.http().sql("SELECT 1").status()).isEqualTo(200);
            }
            assertError(local.http().sql("SELECT 1"), 429, "new-instance rate limit exceeded");
        }
        Map<String, String> env = perClientDefaults("edge");
        env.put("WALKINDB_RATE_LIMIT_INSTANCE_REQS", "3");
        try (TestServer edge = TestServer.start(env); Http admin = new Http(edge.adminUrl())) {
            // 60 new walk-ins (past 10 a minute and 50 live) and 70 requests (past 60 a minute), one client
            String session = null;
            for (int i = 0; i < 60; i++) {
                Reply r = edge.http().sql("SELECT 1");
                assertThat(r.status()).as("creation %d: %s", i, r).isEqualTo(200);
                session = r.session();
            }
            for (int i = 0; i < 10; i++) {
                assertThat(edge.http().sql("SELECT 1").status()).isEqualTo(200);
            }
            // the walk-in's own budget stays the node's: 3 calls with its token (its creation is not one), then 429
            assertThat(edge.http().sql("SELECT 1", null, session).status()).isEqualTo(200);
            assertThat(edge.http().sql("SELECT 1", null, session).status()).isEqualTo(200);
            assertThat(edge.http().sql("SELECT 1", null, session).status()).isEqualTo(200);
            assertError(edge.http().sql("SELECT 1", null, session), 429, "instance rate limit exceeded");

            JsonNode config = JSON.readTree(admin.get("/status").body()).get("config");
            assertThat(config.get("rate_limits").asText()).isEqualTo("edge");
            assertThat(config.get("max_connections_per_ip").asInt()).isEqualTo(1_000_000);
            assertThat(config.get("rate_limit_instance_reqs").asInt()).isEqualTo(3);
        }
    }

    @Test
    void onlyATrustedProxyNamesTheClient() throws Exception {
        String body = "{\"sql\":\"SELECT 1\"}";
        // the peer (127.0.0.1) is the trusted proxy: the walk-in's creator is the forwarded client
        Map<String, String> trusted = perClientDefaults("edge");
        trusted.put("WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32");
        try (TestServer node = TestServer.start(trusted)) {
            Reply r = node.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.9");
            assertThat(r.status()).isEqualTo(200);
            assertThat(creators(node.dataDir())).containsExactly("203.0.113.9");
        }
        // the trusted proxies are elsewhere: the peer's own address counts, whatever it forwards
        Map<String, String> untrusted = perClientDefaults("edge");
        untrusted.put("WALKINDB_TRUSTED_PROXIES", "10.0.0.0/8");
        try (TestServer node = TestServer.start(untrusted)) {
            Reply r = node.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.9");
            assertThat(r.status()).isEqualTo(200);
            assertThat(creators(node.dataDir())).containsExactly("127.0.0.1");
        }
        // and with local budgets, a spoofed X-Forwarded-For from an untrusted peer buys no second budget
        Map<String, String> local = perClientDefaults("local");
        local.put("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "1");
        local.put("WALKINDB_TRUSTED_PROXIES", "10.0.0.0/8");
        try (TestServer node = TestServer.start(local)) {
            assertThat(node.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
            assertError(node.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.2"), 429,
                    "new-instance rate limit exceeded");
        }
    }

    @Test
    void theNodesNameIsInStatusAndMetrics() throws Exception {
        try (TestServer node = TestServer.start(Map.of("WALKINDB_NODE_NAME", "node-b.7"));
             Http admin = new Http(node.adminUrl())) {
            assertThat(JSON.readTree(admin.get("/status").body()).get("node").asText()).isEqualTo("node-b.7");
            assertThat(admin.get("/metrics").body()).containsPattern("walkindb_info\\{[^}]*node=\"node-b.7\"[^}]*} 1");
        }
    }

    @Test
    void aDrainingNodeServesItsWalkinsAndCreatesNone() throws Exception {
        try (TestServer node = TestServer.start(); Http admin = new Http(node.adminUrl())) {
            String held = node.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)").session();
            assertThat(node.http().get("/healthz").status()).isEqualTo(200);
            assertThat(admin.get("/metrics").body()).contains("walkindb_draining 0.0");

            Reply started = admin.call("POST", "/drain");
            assertThat(started.status()).isEqualTo(200);
            assertThat(JSON.readTree(started.body()).get("draining").asBoolean()).isTrue();

            Reply health = node.http().get("/healthz");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"draining\"}");
            long walkinsBefore = walkins(node.dataDir());
            Reply refused = node.http().sql("SELECT 1");
            assertError(refused, 503, "server draining");
            assertThat(refused.json().get("code").asText()).isEqualTo("server_draining");
            assertThat(retryAfter(refused)).isEqualTo(1);
            assertNoSessionHeaders(refused);
            assertThat(walkins(node.dataDir())).isEqualTo(walkinsBefore);
            // the walk-in held is served, writes included
            assertThat(node.http().sql("INSERT INTO t VALUES (2)", null, held).status()).isEqualTo(200);
            assertThat(rows(node.http().sql("SELECT count(*) FROM t", null, held))).isEqualTo("[[2]]");
            JsonNode status = JSON.readTree(admin.get("/status").body());
            assertThat(status.get("draining").asBoolean()).isTrue();
            assertThat(status.get("draining_since").asText()).isNotEmpty();
            assertThat(admin.get("/metrics").body()).contains("walkindb_draining 1.0")
                    .containsPattern("walkindb_refusals_total\\{[^}]*code=\"server_draining\"[^}]*} 1");
            // the drain is on the admin listener only
            assertThat(node.http().call("POST", "/drain").status()).isEqualTo(404);

            assertThat(admin.call("DELETE", "/drain").body()).isEqualTo("{\"draining\":false}");
            assertThat(node.http().get("/healthz").status()).isEqualTo(200);
            assertThat(node.http().sql("SELECT 1").status()).isEqualTo(200);
        }
    }

    private static List<String> creators(Path dataDir) throws IOException {
        try (Stream<Path> dirs = Files.list(dataDir.resolve("instances"))) {
            return dirs.map(d -> {
                try {
                    return JSON.readTree(Files.readString(d.resolve("meta.json"))).get("creator_ip").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static long walkins(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("instances");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.count();
        }
    }
}
