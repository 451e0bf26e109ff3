package com.walkindb.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /mcp (docs/API.md, "POST /mcp"): the Streamable HTTP transport of MCP as walkindb speaks
 * it, against the real server: sessions, revisions, Origin, JSON-RPC batches and notifications,
 * the body cap, the budgets it shares with POST /sql, and its access-log line. The tools
 * themselves are driven by the official TypeScript client in mcp/tests/remote.test.mjs.
 */
class McpProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shared server's cap; the other tests open fewer sessions than this from 127.0.0.1. */
    private static final int SESSIONS_PER_CLIENT = 40;
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}";

    @RegisterExtension
    static final ServerExtension server = ServerExtension.withEnv(Map.of("WALKINDB_IMPORT_MAX_MB", "1",
            "WALKINDB_MCP_ORIGINS", "https://app.example, http://localhost:5173",
            "WALKINDB_MCP_MAX_SESSIONS_PER_IP", Integer.toString(SESSIONS_PER_CLIENT)));

    private static Reply mcp(Http http, String body, String... headers) {
        HttpRequest.Builder b = http.request("/mcp").header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b);
    }

    private static Reply mcp(String body, String... headers) {
        return mcp(server.http(), body, headers);
    }

    /** A new session speaking {@code version}; its id. */
    private static String session(Http http, String version) {
        Reply r = mcp(http, INIT.formatted(version));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.header("Mcp-Session-Id");
    }

    private static String call(String id, String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + "}}";
    }

    @Test
    void initializeNegotiatesTheRevisionAndIssuesARandomSessionId() throws IOException {
        for (String asked : List.of("2025-11-25", "2025-06-18", "2025-03-26")) {
            Reply r = mcp(INIT.formatted(asked));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().at("/result/protocolVersion").asText()).isEqualTo(asked);
            assertThat(r.json().at("/result/serverInfo/name").asText()).isEqualTo("walkindb-mcp");
            assertThat(r.header("Mcp-Session-Id")).matches("[A-Za-z0-9_-]{43}");
        }
        Reply old = mcp(INIT.formatted("2024-11-05"));
        assertThat(old.json().at("/result/protocolVersion").asText()).as("unknown: the latest").isEqualTo("2025-11-25");
        assertThat(mcp(INIT.formatted("2025-11-25")).header("Mcp-Session-Id"))
                .isNotEqualTo(mcp(INIT.formatted("2025-11-25")).header("Mcp-Session-Id"));
    }

    @Test
    void toolsListServesMcpToolsJsonAsItIs() throws IOException {
        String id = session(server.http(), "2025-11-25");
        Reply r = mcp("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\"}", "Mcp-Session-Id", id,
                "MCP-Protocol-Version", "2025-11-25");
        assertThat(r.status()).isEqualTo(200);
        JsonNode file = JSON.readTree(Path.of("..", "mcp", "tools.json").toFile());
        assertThat(r.json().at("/result/tools")).isEqualTo(file.get("tools"));
        assertThat(r.json().get("id").asText()).isEqualTo("a");
    }

    @Test
    void aBrowserOriginIsRefusedUnlessConfigured() throws IOException {
        long before = server.testServer().instanceDirs();
        Reply evil = mcp(INIT.formatted("2025-11-25"), "Origin", "http://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.json().path("code").asText()).isEqualTo("forbidden_origin");
        assertThat(evil.header("Mcp-Session-Id")).isNull();
        Reply rebinding = mcp(INIT.formatted("2025-11-25"), "Origin", "http://127.0.0.1:" + server.http().port);
        assertThat(rebinding.status()).as("the server's own address is no exception").isEqualTo(403);
        assertThat(mcp(INIT.formatted("2025-11-25"), "Origin", "https://APP.example:443").status()).isEqualTo(200);
        assertThat(mcp(INIT.formatted("2025-11-25"), "Origin", "http://localhost:5173").status()).isEqualTo(200);
        assertThat(server.testServer().instanceDirs()).isEqualTo(before);
    }

    @Test
    void sessionHeadersAndRevisionsAreChecked() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        Reply missing = mcp(body);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("code").asText()).isEqualTo("missing_mcp_session");
        Reply unknown = mcp(body, "Mcp-Session-Id", "nope" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asText()).isEqualTo("mcp_session_not_found");
        String id = session(server.http(), "2025-06-18");
        Reply bad = mcp(body, "Mcp-Session-Id", id, "MCP-Protocol-Version", "2099-01-01");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("code").asText()).isEqualTo("unsupported_protocol_version");
        Reply ping = mcp(body, "Mcp-Session-Id", id, "MCP-Protocol-Version", "2025-06-18");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.json().get("result").isEmpty()).isTrue();
    }

    @Test
    void deleteEndsTheSessionAndGetIsNotOffered() {
        String id = session(server.http(), "2025-11-25");
        Reply get = server.http().send(server.http().request("/mcp").header("Mcp-Session-Id", id).GET());
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST, DELETE, OPTIONS");
        Reply deleted = server.http().send(server.http().request("/mcp").header("Mcp-Session-Id", id).DELETE());
        assertThat(deleted.status()).isEqualTo(204);
        Reply after = mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "Mcp-Session-Id", id);
        assertThat(after.status()).isEqualTo(404);
        Reply again = server.http().send(server.http().request("/mcp").header("Mcp-Session-Id", id).DELETE());
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    void notificationsAreAcceptedWithoutABodyAndBatchesOnlyIn20250326() {
        String id = session(server.http(), "2025-11-25");
        Reply note = mcp("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Mcp-Session-Id", id);
        assertThat(note.status()).isEqualTo(202);
        assertThat(note.body()).isEmpty();
        String batch = "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"no/such\"}]";
        Reply refused = mcp(batch, "Mcp-Session-Id", id);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asInt()).isEqualTo(-32600);

        String old = session(server.http(), "2025-03-26");
        Reply answered = mcp(batch, "Mcp-Session-Id", old);
        assertThat(answered.status()).isEqualTo(200);
        JsonNode replies = answered.json();
        assertThat(replies.isArray()).isTrue();
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).get("id").asInt()).isEqualTo(7);
        assertThat(replies.get(0).at("/result/tools").size()).isEqualTo(6);
        assertThat(replies.get(1).at("/error/code").asInt()).isEqualTo(-32601);
    }

    @Test
    void badJsonRpcGetsJsonRpcErrors() {
        Reply parse = mcp("{not json");
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.json().at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(parse.json().get("id").isNull()).isTrue();
        String id = session(server.http(), "2025-11-25");
        Reply unknownTool = mcp(call("3", "walkindb_nothing", "{}"), "Mcp-Session-Id", id);
        assertThat(unknownTool.status()).isEqualTo(200);
        assertThat(unknownTool.json().at("/error/code").asInt()).isEqualTo(-32602);
        Reply badArgs = mcp(call("4", "walkindb_execute", "{\"sql\":\"\"}"), "Mcp-Session-Id", id);
        assertThat(badArgs.json().at("/result/isError").asBoolean()).isTrue();
        assertThat(badArgs.json().at("/result/content/0/text").asText())
                .startsWith("Input validation error: Invalid arguments for tool walkindb_execute: sql: ");
        Reply notRpc = mcp("{\"hello\":1}", "Mcp-Session-Id", id);
        assertThat(notRpc.status()).isEqualTo(400);
        assertThat(notRpc.json().at("/error/code").asInt()).isEqualTo(-32600);
        Reply media = server.http().send(server.http().request("/mcp").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(media.status()).isEqualTo(415);
    }

    @Test
    void aToolCallMakesTheWalkinOnceAndLogsItsLine() throws Exception {
        String id = session(server.http(), "2025-11-25");
        long before = server.testServer().instanceDirs();
        Reply listed = mcp(call("1", "walkindb_schema", "{}"), "Mcp-Session-Id", id);
        assertThat(listed.json().at("/result/structuredContent/session_established").isNull())
                .as("schema makes no walk-in").isTrue();
        assertThat(server.testServer().instanceDirs()).isEqualTo(before);
        String marker = "mcp-log-" + UUID.randomUUID();
        Reply made = mcp(call("2", "walkindb_execute", "{\"sql\":\"CREATE TABLE t(x); INSERT INTO t VALUES (1)\"}"),
                "Mcp-Session-Id", id, "User-Agent", marker);
        JsonNode result = made.json().get("result");
        assertThat(result.path("isError").asBoolean()).as("%s", made).isFalse();
        assertThat(result.at("/structuredContent/new_walkin").asBoolean()).isTrue();
        assertThat(result.at("/structuredContent/session_established").asText()).matches("wkn_[A-Za-z0-9_-]{8}…");
        assertThat(made.header("X-Walkin-Session")).as("the token stays on the server").isNull();
        assertThat(made.body()).doesNotContain(result.at("/structuredContent/session_established").asText()
                .replace("…", "") + "AAAA"); // only the prefix is shown
        Reply again = mcp(call("3", "walkindb_execute", "{\"sql\":\"SELECT x FROM t\"}"), "Mcp-Session-Id", id);
        assertThat(again.json().at("/result/structuredContent/rows").toString()).isEqualTo("[[1]]");
        assertThat(again.json().at("/result/structuredContent/new_walkin").asBoolean()).isFalse();
        assertThat(server.testServer().instanceDirs()).isEqualTo(before + 1);

        Path logs = server.testServer().dataDir().resolve("logs");
        JsonNode line = Await.settle(Duration.ofSeconds(20), () -> lineWith(logs, marker), l -> l != null);
        assertThat(line).as("the access-log line of the tool call").isNotNull();
        assertThat(line.get("http_method").asText()).isEqualTo("POST");
        assertThat(line.get("http_status").asInt()).isEqualTo(200);
        assertThat(line.get("sql_byte_length").asInt()).isEqualTo("CREATE TABLE t(x); INSERT INTO t VALUES (1)".length());
        assertThat(line.get("instance_id").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void theBodyCapIsTheImportCapPlus64KiB() {
        String id = session(server.http(), "2025-11-25");
        int cap = (1 << 20) + 64 * 1024; // WALKINDB_IMPORT_MAX_MB=1
        Reply fits = mcp(call("1", "walkindb_import_csv", "{\"table\":\"big\",\"csv\":\"x\\n1\\n\"}"),
                "Mcp-Session-Id", id);
        assertThat(fits.json().at("/result/structuredContent/rows_affected").asInt()).as("%s", fits).isEqualTo(1);
        String over = call("2", "walkindb_import_csv", "{\"table\":\"big\",\"csv\":\"" + "y".repeat(cap) + "\"}");
        Reply tooBig = mcp(over, "Mcp-Session-Id", id);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().path("code").asText()).isEqualTo("payload_too_large");
        Reply overImport = mcp(call("3", "walkindb_import_csv", "{\"table\":\"big\",\"csv\":\"" + "z".repeat((1 << 20) + 10)
                + "\"}"), "Mcp-Session-Id", id);
        assertThat(overImport.status()).isEqualTo(200);
        assertThat(overImport.json().at("/result/content/0/text").asText())
                .startsWith("walkindb error 413: import exceeds 1 MB\nnext: the CSV is over the server's import limit.");
    }

    @Test
    void toolCallsSpendThePerClientBudgetOfPostSql() throws Exception {
        Map<String, String> env = new HashMap<>(TestServer.liftedLimits());
        env.put("WALKINDB_RATE_LIMIT_REQS", "3");
        try (TestServer own = TestServer.start(env)) {
            Http http = own.http();
            String id = session(http, "2025-11-25"); // 1
            Reply first = mcp(http, call("1", "walkindb_execute", "{\"sql\":\"SELECT 1\"}"), "Mcp-Session-Id", id); // 2
            assertThat(first.json().at("/result/isError").asBoolean()).isFalse();
            assertThat(http.sql("SELECT 1").status()).isEqualTo(200); // 3
            Reply limited = mcp(http, call("2", "walkindb_execute", "{\"sql\":\"SELECT 1\"}"), "Mcp-Session-Id", id);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().path("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.header("Retry-After")).isNotNull();
            assertThat(http.sql("SELECT 1").status()).as("and /sql is out of budget too").isEqualTo(429);
        }
    }

    @Test
    void sessionsPerClientAreCapped() throws Exception {
        // A caller of its own (127.0.0.7), so the other tests' sessions do not count.
        try (Http own = new Http(server.http().base, InetAddress.getByName("127.0.0.7"))) {
            String last = null;
            for (int i = 0; i < SESSIONS_PER_CLIENT; i++) {
                last = session(own, "2025-11-25");
            }
            Reply over = mcp(own, INIT.formatted("2025-11-25"));
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.json().path("code").asText()).isEqualTo("too_many_mcp_sessions");
            assertThat(over.header("Retry-After")).isNotNull();
            assertThat(session(server.http(), "2025-11-25")).as("another client is not held back").isNotNull();
            own.send(own.request("/mcp").header("Mcp-Session-Id", last).DELETE());
            assertThat(session(own, "2025-11-25")).as("a closed one makes room").isNotNull();
        }
    }

    @Test
    void mcpOffIsAnUnknownPath() throws Exception {
        Map<String, String> env = new HashMap<>(TestServer.liftedLimits());
        env.put("WALKINDB_MCP", "off");
        try (TestServer own = TestServer.start(env)) {
            assertThat(mcp(own.http(), INIT.formatted("2025-11-25")).status()).isEqualTo(404);
        }
    }

    private static JsonNode lineWith(Path logs, String marker) {
        try (Stream<Path> files = Files.isDirectory(logs) ? Files.list(logs) : Stream.empty()) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String l : Files.readAllLines(f)) {
                    if (l.contains(marker) && l.endsWith("}")) {
                        return JSON.readTree(l);
                    }
                }
            }
            return null;
        } catch (IOException e) {
            return null; // a line being written: read again
        }
    }
}
