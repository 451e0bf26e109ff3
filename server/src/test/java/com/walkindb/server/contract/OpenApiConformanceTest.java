package com.walkindb.server.contract;

import static com.walkindb.server.testing.SqlText.ENDLESS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Parallel;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.SqlText;
import com.walkindb.server.testing.TestServer;
import com.walkindb.server.testing.Uploads;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The served /openapi.json against what the server really answers (docs/API.md: the document must
 * match what the server does): real requests for every value type and every error row of docs/API.md that can
 * be provoked from outside, each reply checked against the response the document gives for its
 * path, method and status — body schema, media type, required headers, and no governed header
 * (session, TTL, Retry-After, Allow) where the document does not list it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();
    private OpenApiDocument doc;
    private String served;
    /** "METHOD path" → statuses seen, filled by every exchange of this class. */
    private final Map<String, Set<Integer>> seen = new TreeMap<>();

    @BeforeAll
    void readServedDocument() throws Exception {
        Reply r = server.http().get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        served = r.body();
        doc = new OpenApiDocument(served);
    }

    @Test
    @Order(1)
    void servedDocumentIsTheShippedOpenApi31Document() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
            assertThat(in).as("openapi.json on the classpath").isNotNull();
            assertThat(served).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        JsonNode root = doc.root();
        assertThat(root.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(root.at("/info/title").asText()).isEqualTo("walkindb");
        assertThat(root.at("/info/version").asText()).isEqualTo("0.2.0");
        assertThat(root.at("/info/license/name").asText()).isEqualTo("Apache-2.0");
        assertThat(root.at("/servers/0/url").asText()).isEqualTo("http://127.0.0.1:8080");
        assertThat(names(root.path("paths"))).containsExactlyInAnyOrder("/sql", "/db", "/import", "/mcp", "/healthz", "/openapi.json", "/llms.txt", "/");
        assertThat(doc.operation("/sql", "POST")).isNotNull();
        assertThat(doc.operation("/sql", "OPTIONS")).isNotNull();
        assertThat(doc.operation("/healthz", "GET")).isNotNull();
        assertThat(doc.operation("/openapi.json", "GET")).isNotNull();
        assertThat(doc.operation("/", "GET")).isNotNull();
        assertThat(names(root.at("/components/schemas")))
                .contains("SqlRequest", "Value", "ResultValue", "SqlResult", "Error", "Health");
        assertThat(root.at("/components/schemas/SqlResult/required").toString())
                .isEqualTo("[\"columns\",\"rows\",\"rows_affected\",\"truncated\"]");
        assertThat(root.at("/components/schemas/SqlResult/additionalProperties").asBoolean(true)).isFalse();
        assertThat(root.at("/components/schemas/Error/additionalProperties").asBoolean(true)).isFalse();
        assertThat(root.at("/components/headers/X-Walkin-Session/schema/pattern").asText())
                .isEqualTo("^wkn_[A-Za-z0-9_-]{107}$");
        assertThat(doc.statuses("/sql", "POST"))
                .containsExactlyInAnyOrder(200, 400, 404, 405, 408, 413, 415, 429, 431, 500, 503, 507);
    }

    @Test
    @Order(2)
    void theValidatorCatchesBodiesThatBreakTheDocument() {
        OpenApiDocument.Located ok = doc.response("/sql", "POST", 200);
        String schema = ok.pointer() + "/content/application~1json/schema";
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[],\"rows_affected\":0,\"truncated\":false}")))
                .isEmpty();
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[],\"rows_affected\":0}"))).isNotEmpty();
        String one = "{\"columns\":[\"a\"],\"rows\":[[1]],\"rows_affected\":0,\"truncated\":false}";
        assertThat(doc.validate(schema, json("{\"results\":[" + one + "," + one + "]}"))).as("a batch answer").isEmpty();
        assertThat(doc.validate(schema, json("{\"results\":[]}"))).isNotEmpty();
        assertThat(doc.validate(schema, json("{\"results\":[{\"columns\":[]}]}"))).isNotEmpty();
        assertThat(doc.validate(schema, json("{\"results\":[" + one + "],\"truncated\":false}"))).isNotEmpty();
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[],\"rows_affected\":0,\"truncated\":false,\"x\":1}")))
                .isNotEmpty();
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[[true]],\"rows_affected\":0,\"truncated\":false}")))
                .as("booleans never come back").isNotEmpty();
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[[{\"base64\":\"AA\"}]],\"rows_affected\":0,\"truncated\":false}")))
                .isEmpty();
        assertThat(doc.validate(schema, json("{\"columns\":[],\"rows\":[[{\"base64\":\"A-_\"}]],\"rows_affected\":0,\"truncated\":false}")))
                .as("base64url is not standard base64").isNotEmpty();
        OpenApiDocument.Located tooMany = doc.response("/sql", "POST", 429);
        String errorSchema = tooMany.pointer() + "/content/application~1json/schema";
        assertThat(doc.validate(errorSchema, json("{\"error\":\"rate limit exceeded\",\"code\":\"rate_limited\"}"))).isEmpty();
        assertThat(doc.validate(errorSchema, json("{\"error\":\"rate limit exceeded\"}"))).as("code is required").isNotEmpty();
        assertThat(doc.validate(errorSchema, json("{\"error\":\"slow down\",\"code\":\"rate_limited\"}"))).isNotEmpty();
        assertThat(doc.validate(errorSchema, json("{\"error\":\"rate limit exceeded\",\"code\":\"rate_limited\",\"detail\":1}"))).isNotEmpty();
        String badRequest = doc.response("/sql", "POST", 400).pointer() + "/content/application~1json/schema";
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid sql: x\",\"code\":\"invalid_sql\",\"hint\":\"h\",\"statement\":2}"))).isEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid sql: x\",\"code\":\"invalid_sql\",\"statement\":0}"))).isNotEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid sql: x\",\"code\":\"invalid_sql\",\"hint\":\"" + "h".repeat(500) + "\"}")))
                .isNotEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"bad sql\",\"code\":\"invalid_sql\"}"))).isNotEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid sql: x\",\"code\":\"invalid_sql\",\"entry\":3,\"statement\":1}")))
                .isEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid sql: x\",\"code\":\"invalid_sql\",\"entry\":0}"))).isNotEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid batch: entry 2 is not an object\",\"code\":\"invalid_batch\"}")))
                .isEmpty();
        assertThat(doc.validate(badRequest, json("{\"error\":\"invalid batch: too big\",\"code\":\"invalid_batch\"}"))).isNotEmpty();

        Reply fake = new Reply(429, java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of("application/json")),
                (a, b) -> true), "{\"error\":\"rate limit exceeded\",\"code\":\"rate_limited\"}", 0);
        assertThat(doc.check(tooMany, fake)).anyMatch(p -> p.contains("Retry-After"));
    }

    @Test
    @Order(3)
    void successfulCallsMatchTheirDocumentedResponses() {
        SoftAssertions soft = new SoftAssertions();
        Reply values = exchange(soft, "POST", "/sql", server.http().sql("SELECT 1 AS i, 2.5 AS r, 2.0 AS two, 'text' AS t, "
                + "x'00ff10' AS b, x'' AS empty_blob, NULL AS n, 9223372036854775807 AS max, "
                + "-9223372036854775808 AS min, 1e999 AS inf, '' AS empty_text"));
        soft.assertThat(values.body()).isEqualTo("{\"columns\":[\"i\",\"r\",\"two\",\"t\",\"b\",\"empty_blob\",\"n\","
                + "\"max\",\"min\",\"inf\",\"empty_text\"],\"rows\":[[1,2.5,2.0,\"text\",{\"base64\":\"AP8Q\"},"
                + "{\"base64\":\"\"},null,9223372036854775807,-9223372036854775808,null,\"\"]],"
                + "\"rows_affected\":0,\"truncated\":false}");
        String session = values.session();
        soft.assertThat(session).isNotNull();

        exchange(soft, "POST", "/sql", server.http().sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v); "
                + "INSERT INTO t(v) VALUES (1), (2)", null, session));
        exchange(soft, "POST", "/sql", server.http().sql("UPDATE t SET v = ? WHERE id = :id RETURNING id, v",
                List.of(Map.of("base64", "AAEC"), 1), session));
        exchange(soft, "POST", "/sql", server.http().sql("SELECT :a, @a, $a", Map.of("a", 1.5), session));
        exchange(soft, "POST", "/sql", server.http().sql("SELECT * FROM t WHERE 0", null, session));
        // a batch: one result per entry, and a batch over the row cap (later entries truncated)
        Reply batch = exchange(soft, "POST", "/sql", server.http().batch(List.of(
                Http.entry("INSERT INTO t(v) VALUES (?), (?)", List.of(3, "x")),
                Http.entry("SELECT id, v FROM t ORDER BY id", null),
                Http.entry("UPDATE t SET v = :v WHERE id = 1 RETURNING id", Map.of("v", 2.5))), session));
        soft.assertThat(batch.json().path("results").size()).isEqualTo(3);
        String counter = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 7000) SELECT i FROM c";
        Reply capped = exchange(soft, "POST", "/sql", server.http().batch(List.of(Http.entry(counter, null),
                Http.entry(counter, null), Http.entry("SELECT 1", null)), session));
        soft.assertThat(capped.json().at("/results/2/truncated").asBoolean()).isTrue();
        exchange(soft, "POST", "/sql", server.http().batch(List.of(Http.entry("SELECT 1 AS fresh", null)), null));
        exchange(soft, "GET", "/healthz", server.http().get("/healthz"));
        exchange(soft, "GET", "/openapi.json", server.http().get("/openapi.json"));
        exchange(soft, "GET", "/llms.txt", server.http().get("/llms.txt"));
        exchange(soft, "GET", "/", server.http().get("/"));
        for (String path : List.of("/sql", "/healthz", "/openapi.json", "/llms.txt", "/")) {
            exchange(soft, "OPTIONS", path, server.http().call("OPTIONS", path));
        }
        soft.assertAll();
    }

    @Test
    @Order(4)
    void everyErrorThatCanBeProvokedMatchesItsDocumentedResponse() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        String session = server.http().sql("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)").session();

        // 400, each message of the error table
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"sql\":", null));
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"args\":[]}", null));
        expect(soft, 400, "POST", "/sql", server.http().sql("SELECT ?", List.of(List.of(1)), null));
        // batches: shape, sql and batch together, an entry's args, keyword, SQL error and row too large
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"batch\":[]}", null));
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"batch\":[{\"sql\":\"SELECT 1\"},7]}", null));
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"batch\":[{\"args\":[1]}]}", null));
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"batch\":[{\"sql\":\"SELECT 1\"}]}", null));
        expect(soft, 400, "POST", "/sql", server.http().batch(List.of(Http.entry("SELECT 1", null),
                Http.entry("SELECT ?", List.of(List.of(1)))), null));
        expect(soft, 400, "POST", "/sql", server.http().batch(List.of(Http.entry("SELECT 1", null),
                Http.entry("ATTACH 'x' AS y", null)), null));
        expect(soft, 400, "POST", "/sql", server.http().batch(List.of(Http.entry("SELECT 1", null),
                Http.entry("SELECT 1; SELECT titel FROM notes", null)), session));
        expect(soft, 400, "POST", "/sql", server.http().batch(List.of(Http.entry("PRAGMA max_page_count = 1", null)), session));
        expect(soft, 400, "POST", "/sql", server.http().batch(List.of(Http.entry("SELECT 1", null),
                Http.entry("SELECT zeroblob(800000)", null)), session));
        expect(soft, 400, "POST", "/sql", server.http().sql("ATTACH 'x' AS y"));
        expect(soft, 400, "POST", "/sql", server.http().sql("PRAGMA max_page_count = 1", null, session));
        expect(soft, 400, "POST", "/sql", server.http().sql("SELECT 1; SELECT titel FROM notes", null, session));
        expect(soft, 400, "POST", "/sql", server.http().sql("INSERT INTO notes(body) VALUES(\"hi\")", null, session));
        expect(soft, 400, "POST", "/sql", server.http().sql("SELECT * FROM note", null, session));
        expect(soft, 400, "POST", "/sql", server.http().sql("SELECT zeroblob(800000)", null, session));
        expect(soft, 400, "POST", "/sql", server.http().postJson("/sql", "{\"sql\":\"SELECT '\\ud800'\"}", null));
        expect(soft, 400, "POST", "/sql", server.http().raw("POST /sql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json"
                + "\r\ncontent-type: application/json\r\nContent-Length: 2", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // 404, 405
        expect(soft, 404, "POST", "/sql", server.http().sql("SELECT 1", null, "wkn_" + "A".repeat(107)));
        expect(soft, 405, "GET", "/sql", server.http().get("/sql"));
        expect(soft, 405, "POST", "/healthz", server.http().call("POST", "/healthz"));
        expect(soft, 405, "PUT", "/openapi.json", server.http().call("PUT", "/openapi.json"));
        expect(soft, 405, "DELETE", "/", server.http().call("DELETE", "/"));
        // 413, 415, 431
        expect(soft, 413, "POST", "/sql", server.http().postBytes(Http.paddedBody("SELECT 1", 8193), "application/json", null));
        expect(soft, 413, "POST", "/sql", server.http().postChunked(Http.paddedBody("SELECT 1", 8193)));
        expect(soft, 413, "POST", "/sql", server.http().batch(java.util.Collections.nCopies(50,
                Http.entry("SELECT '" + "x".repeat(160) + "'", null)), null));
        expect(soft, 415, "POST", "/sql", server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain", null));
        expect(soft, 431, "GET", "/healthz", server.http().send(server.http().request("/healthz")
                .header("X-Pad", "p".repeat(10 * 1024)).GET().build()));
        expect(soft, 431, "POST", "/sql", server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Pad", "p".repeat(10 * 1024)));
        // 507: fill the walk-in past 10 MB in one call
        String full = server.http().sql("CREATE TABLE b(x BLOB)").session();
        expect(soft, 507, "POST", "/sql", server.http().sql(SqlText.counter(11) + "INSERT INTO b SELECT randomblob(999000) FROM c",
                null, full));
        // an unknown path belongs to no operation: it answers the UnknownPath component
        Reply unknown = server.http().get("/nope");
        soft.assertThat(unknown.status()).isEqualTo(404);
        soft.assertThat(doc.check(doc.componentResponse("UnknownPath"), unknown)).as("GET /nope").isEmpty();

        // 408 and 503 instance busy: one endless call holds the walk-in; two more endless calls wait for
        // it. The first of them to get in holds it past the other's 2 s wait.
        String busy = server.http().sql("SELECT 1").session();
        Future<Reply> holder = Parallel.background(() -> server.http().sql(ENDLESS, null, busy));
        server.testServer().awaitCallsInSql(1);
        List<Reply> waiting = Parallel.concurrently(List.of(() -> server.http().sql(ENDLESS, null, busy),
                () -> server.http().sql(ENDLESS, null, busy)));
        List<Reply> all = new ArrayList<>(waiting);
        all.add(holder.get());
        // whichever got the gate first ran out its deadline; the last one in line waited 2 s
        soft.assertThat(all).extracting(Reply::status).contains(408, 503);
        for (Reply r : all) {
            exchange(soft, "POST", "/sql", r);
        }
        // 408 request body timeout: 7 bytes of a 100-byte body, then nothing
        expect(soft, 408, "POST", "/sql", server.http().raw("POST /sql HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100", "{\"sql\":".getBytes(StandardCharsets.US_ASCII)));

        // 429 (each budget) and 503 server busy need their own limits
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "2",
                "WALKINDB_MAX_INSTANCES_PER_IP", "1", "WALKINDB_RATE_LIMIT_INSTANCE_REQS", "1"))) {
            String first = limited.http().sql("SELECT 1").session();
            expect(soft, 429, "POST", "/sql", limited.http().sql("SELECT 1"));
            expect(soft, 429, "POST", "/sql", limited.http().sql("SELECT 1"));
            expect(soft, 200, "POST", "/sql", limited.http().sql("SELECT 1", null, first));
            expect(soft, 429, "POST", "/sql", limited.http().sql("SELECT 1", null, first));
        }
        try (TestServer guarded = TestServer.start(Map.of("WALKINDB_DISK_MIN_FREE_MB", "64",
                "WALKINDB_DISK_MIN_FREE_PERCENT", "0"))) {
            String kept = guarded.http().sql("CREATE TABLE t(x)").session();
            guarded.simulateDisk(1024 * 1024, 1L << 40);
            expect(soft, 503, "POST", "/sql", guarded.http().sql("SELECT 1"));
            expect(soft, 503, "POST", "/sql", guarded.http().sql("CREATE TABLE u(x)", null, kept));
        }
        try (TestServer narrow = TestServer.start(Map.of("WALKINDB_MAX_INFLIGHT", "1", "WALKINDB_RATE_LIMIT_REQS", "2"))) {
            Future<Reply> slow = Parallel.background(() -> narrow.http().sql(ENDLESS));
            narrow.awaitCallsInFlight(1);
            expect(soft, 503, "POST", "/sql", narrow.http().sql("SELECT 1"));
            expect(soft, 408, "POST", "/sql", slow.get());
            expect(soft, 200, "POST", "/sql", narrow.http().sql("SELECT 1"));
            expect(soft, 429, "POST", "/sql", narrow.http().sql("SELECT 1"));
        }
        soft.assertAll();
    }

    @Test
    @Order(5)
    void importsAndExportsMatchTheirDocumentedResponses() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        Reply created = expect(soft, 200, "POST", "/import", Uploads.csv(server.http(), null, "table=t", "a,b\n1,x\n"));
        String session = created.session();
        expect(soft, 200, "POST", "/import", Uploads.sql(server.http(), session, "INSERT INTO t VALUES (2, 'y'); SELECT * FROM t"));
        expect(soft, 200, "GET", "/db", exported(Uploads.export(server.http(), session, null)));
        expect(soft, 200, "GET", "/db", exported(Uploads.export(server.http(), session, "sql")));
        expect(soft, 400, "GET", "/db", server.http().get("/db"));
        expect(soft, 400, "GET", "/db", exported(Uploads.export(server.http(), session, "xml")));
        expect(soft, 404, "GET", "/db", exported(Uploads.export(server.http(), "wkn_" + "A".repeat(107), null)));
        expect(soft, 405, "POST", "/db", server.http().call("POST", "/db"));
        expect(soft, 400, "POST", "/import", Uploads.csv(server.http(), session, "table=sqlite_x", "a\n1\n"));
        expect(soft, 400, "POST", "/import", Uploads.csv(server.http(), session, "table=t", "a,\"b\n1,2\n"));
        expect(soft, 400, "POST", "/import", Uploads.sql(server.http(), session, "SELECT * FROM nope"));
        expect(soft, 404, "POST", "/import", Uploads.sql(server.http(), "wkn_" + "A".repeat(107), "SELECT 1"));
        expect(soft, 405, "GET", "/import", server.http().get("/import"));
        expect(soft, 413, "POST", "/import", Uploads.csv(server.http(), session, "table=t", new byte[4 * 1024 * 1024 + 1]));
        expect(soft, 415, "POST", "/import", Uploads.post(server.http(), "/import", "application/json", session,
                java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        expect(soft, 507, "POST", "/import", Uploads.sql(server.http(), session,
                "CREATE TABLE b(x); " + SqlText.counter(11)
                        + "INSERT INTO b SELECT randomblob(999000) FROM c"));
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_IMPORT_BUDGET_MB", "1", "WALKINDB_IMPORT_TIMEOUT_S", "1"))) {
            String mine = Uploads.sql(limited.http(), null, "CREATE TABLE t(a)").session();
            expect(soft, 408, "POST", "/import", Uploads.sql(limited.http(), mine, ENDLESS));
            expect(soft, 429, "POST", "/import", Uploads.csv(limited.http(), mine, "table=t", new byte[1024 * 1024 + 1]));
        }
        soft.assertAll();
    }

    private static Reply exported(Uploads.Export e) {
        return new Reply(e.status(), e.headers(), e.text(), 0);
    }

    @Test
    @Order(99)
    void everyStatusTheSuiteSawIsDocumentedAndEveryDocumentedSqlStatusWasSeen() {
        List<String> undocumented = new ArrayList<>();
        seen.forEach((call, statuses) -> {
            String[] mp = call.split(" ", 2);
            for (int status : statuses) {
                if (doc.response(mp[1], mp[0], status) == null) {
                    undocumented.add(call + " " + status);
                }
            }
        });
        assertThat(undocumented).isEmpty();
        Set<Integer> sqlSeen = new TreeSet<>();
        seen.forEach((call, statuses) -> {
            if (call.endsWith(" /sql")) {
                sqlSeen.addAll(statuses);
            }
        });
        Set<Integer> unseen = new TreeSet<>(doc.statuses("/sql", "POST"));
        unseen.removeAll(sqlSeen);
        assertThat(unseen).as("documented for POST /sql but never answered on /sql (500 cannot be, from outside)")
                .containsExactly(500);
    }

    private Reply expect(SoftAssertions soft, int status, String method, String path, Reply reply) {
        soft.assertThat(reply.status()).as("%s %s: %s", method, path, reply.body()).isEqualTo(status);
        return exchange(soft, method, path, reply);
    }

    private Reply exchange(SoftAssertions soft, String method, String path, Reply reply) {
        seen.computeIfAbsent(method + " " + path, k -> new TreeSet<>()).add(reply.status());
        OpenApiDocument.Located response = doc.response(path, method, reply.status());
        soft.assertThat(response).as("%s %s → %d is documented", method, path, reply.status()).isNotNull();
        if (response != null) {
            soft.assertThat(doc.check(response, reply)).as("%s %s → %d %s", method, path, reply.status(), reply.body())
                    .isEmpty();
        }
        return reply;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
