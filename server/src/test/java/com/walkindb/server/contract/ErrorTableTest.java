package com.walkindb.server.contract;

import static com.walkindb.server.testing.ReplyAssertions.assertCors;
import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertErrorMessage;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static com.walkindb.server.testing.SqlText.ENDLESS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ReplyAssertions;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.SqlText;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the error table of docs/API.md that one server with lifted budgets can answer, provoked over
 * HTTP: exact status and message, Allow on 405, hint and statement where they apply, CORS on
 * every answer, and the order in which docs/API.md runs its checks. The budget and load rows (429,
 * 503) are in {@link ErrorTableBudgetsTest}.
 */
class ErrorTableTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    // ---- 400 invalid json / missing sql / invalid args -------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "\"SELECT 1\"", "1", "null", "{\"sql\":\"SELECT 1\"} x",
            "{'sql':'SELECT 1'}", "{\"sql\":\"SELECT 1\",}", "{\"sql\":\"SELECT 1\" \"args\":[]}"})
    void bodyThatIsNotOneJsonObjectIsInvalidJson(String body) {
        assertError(server.http().postJson("/sql", body, null), 400, "invalid json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"sql\":null}", "{\"sql\":5}", "{\"sql\":\"\"}", "{\"sql\":[\"SELECT 1\"]}",
            "{\"sql\":{\"text\":\"SELECT 1\"}}", "{\"args\":[1]}", "{\"sql\":\" \\n\\t \"}"})
    void absentOrNonStringOrEmptySqlIsMissingSql(String body) {
        assertError(server.http().postJson("/sql", body, null), 400, "missing sql");
    }

    @Test
    void badArgsShapeIsInvalidArgsWithAReason() {
        Reply shape = server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"args\":\"x\"}", null);
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.error()).startsWith("invalid args: ").hasSizeGreaterThan("invalid args: ".length());
        ReplyAssertions.assertJsonWithCors(shape);
        for (String args : List.of("5", "true", "\"x\"", "[[1]]", "[{\"a\":1}]", "{\"a\":[1]}")) {
            Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":" + args + "}", null);
            assertThat(r.status()).as(args).isEqualTo(400);
            assertThat(r.error()).as(args).startsWith("invalid args: ");
            ReplyAssertions.assertNoSessionHeaders(r);
        }
    }

    // ---- 400 forbidden sql keyword / forbidden sql -----------------------------------------

    @Test
    void preFilterNamesTheKeywordAsSpecListsIt() {
        Map<String, String> cases = Map.of(
                "ATTACH DATABASE 'x.db' AS x", "ATTACH",
                "detach x", "DETACH",
                "SELECT load_extension('evil')", "load_extension",
                "SELECT ReadFile('/etc/passwd')", "readfile",
                "SELECT writefile('x', 'y')", "writefile",
                "SELECT edit('x')", "edit",
                "SELECT fts5_decode(1, 2)", "fts5_decode",
                "SELECT * FROM sqlite_dbpage", "sqlite_dbpage",
                "SELECT * FROM zipfile('a.zip')", "zipfile",
                "SELECT unzip('x')", "unzip");
        cases.forEach((sql, keyword) -> assertError(server.http().sql(sql), 400, "forbidden sql keyword: " + keyword));
    }

    @Test
    void keywordsInsideLiteralsOrAsPlainColumnNamesPass() {
        assertThat(rows(server.http().sql("SELECT 'attach', 'load_extension(1)' -- detach"))).isEqualTo("[[\"attach\",\"load_extension(1)\"]]");
        assertThat(rows(server.http().sql("CREATE TABLE e(edit); INSERT INTO e VALUES (1); SELECT edit FROM e"))).isEqualTo("[[1]]");
    }

    @Test
    void authorizerRefusalsNameWhatWasRefused() {
        String s = server.http().sql("CREATE TABLE t(x)").session();
        assertErrorMessage(server.http().sql("PRAGMA max_page_count = 100000", null, s), 400, "forbidden sql: PRAGMA max_page_count");
        assertErrorMessage(server.http().sql("PRAGMA database_list", null, s), 400, "forbidden sql: PRAGMA database_list");
        assertErrorMessage(server.http().sql("CREATE TEMP TABLE tt(x)", null, s), 400, "forbidden sql: TEMP table");
        JsonNode e = assertErrorMessage(server.http().sql("INSERT INTO t VALUES (1); PRAGMA journal_mode = DELETE", null, s),
                400, "forbidden sql: PRAGMA journal_mode");
        assertThat(e.path("statement").asInt()).isEqualTo(2);
        assertThat(rows(server.http().sql("SELECT count(*) FROM t", null, s))).isEqualTo("[[0]]");
    }

    @Test
    void vacuumIntoIsRefusedAndWritesNothing() throws Exception {
        String s = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)").session();
        Path target = server.testServer().dataDir().resolve("stolen.db");
        Reply r = server.http().sql("VACUUM INTO '" + target + "'", null, s);
        // docs/SECURITY.md: VACUUM INTO reaches the authorizer as ATTACH; inside the call's transaction
        // SQLite refuses VACUUM even before that. Either way it is a 400 and no file appears.
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isIn("forbidden sql: ATTACH", "invalid sql: cannot VACUUM from within a transaction");
        assertThat(Files.exists(target)).isFalse();
        assertThat(server.http().sql("VACUUM", null, s).status()).isEqualTo(400);
    }

    @Test
    void functionOutsideTheAllowlistIsForbiddenSql() {
        assertErrorMessage(server.http().sql("SELECT sqlite_compileoption_get(0)"), 400,
                "forbidden sql: function sqlite_compileoption_get");
        JsonNode e = assertErrorMessage(server.http().sql("SELECT 1; SELECT sqlite_compileoption_used('OMIT_LOAD_EXTENSION')"), 400,
                "forbidden sql: function sqlite_compileoption_used");
        assertThat(e.path("statement").asInt()).isEqualTo(2);
    }

    // ---- 400 invalid sql, with hint and statement ------------------------------------------

    @Test
    void syntaxErrorCarriesSqlitesMessage() {
        assertErrorMessage(server.http().sql("SELEC 1"), 400, "invalid sql: near \"SELEC\": syntax error");
    }

    @Test
    void noSuchTableHintListsTheTablesClosestFirst() {
        String s = server.http().sql("CREATE TABLE apples(a); CREATE TABLE zebra_notes(z); CREATE VIEW mid AS SELECT 1").session();
        JsonNode e = assertErrorMessage(server.http().sql("SELECT * FROM zebra_note", null, s), 400,
                "invalid sql: no such table: zebra_note");
        String hint = e.path("hint").asText();
        assertThat(hint).contains("zebra_notes", "apples").hasSizeLessThan(500);
        assertThat(position(hint, "zebra_notes")).isLessThan(position(hint, "apples"));
    }

    @Test
    void noSuchTableInAnEmptyWalkInKeepsTheMessage() {
        JsonNode e = assertErrorMessage(server.http().sql("SELECT * FROM notes"), 400, "invalid sql: no such table: notes");
        assertThat(e.path("hint").asText("")).hasSizeLessThan(500);
    }

    @Test
    void noSuchColumnHintListsTheTablesColumnsClosestFirst() {
        String s = server.http().sql("CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT, created_at TEXT, title TEXT)").session();
        JsonNode e = assertErrorMessage(server.http().sql("SELECT titel FROM posts", null, s), 400,
                "invalid sql: no such column: titel");
        String hint = e.path("hint").asText();
        assertThat(hint).contains("title", "body", "created_at", "id").hasSizeLessThan(500);
        int title = position(hint, "title");
        assertThat(title).isLessThan(position(hint, "id")).isLessThan(position(hint, "body"))
                .isLessThan(position(hint, "created_at"));
    }

    @Test
    void doubleQuotedWordGetsSingleQuoteAdviceAndTheStatementIndex() {
        JsonNode e = assertErrorMessage(server.http().sql("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); "
                + "INSERT INTO notes(body) VALUES(\"hello\")"), 400, "invalid sql: no such column: hello");
        assertThat(e.path("statement").asInt()).isEqualTo(2);
        assertThat(e.path("hint").asText()).contains("'hello'").containsIgnoringCase("single quote");
    }

    @Test
    void failingStatementIsNumberedFromOneInAMultiStatementCall() {
        String s = server.http().sql("CREATE TABLE a(x); INSERT INTO a VALUES (1)").session();
        JsonNode e = assertErrorMessage(server.http().sql("INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2); SELECT nope FROM a;",
                null, s), 400, "invalid sql: no such column: nope");
        assertThat(e.path("statement").asInt()).isEqualTo(3);
        JsonNode afterEmpty = assertErrorMessage(server.http().sql("SELECT 1;; ; /* nothing */ ;\nSELECT nope FROM a", null, s),
                400, "invalid sql: no such column: nope");
        assertThat(afterEmpty.path("statement").asInt()).as("empty statements are not counted").isEqualTo(2);
        JsonNode runtime = assertErrorMessage(server.http().sql("CREATE UNIQUE INDEX ax ON a(x); INSERT INTO a VALUES (1)",
                null, s), 400, "invalid sql: UNIQUE constraint failed: a.x");
        assertThat(runtime.path("statement").asInt()).isEqualTo(2);
    }

    @Test
    void hintStaysUnder500CharactersHoweverManyNamesThereAre() {
        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            ddl.append("CREATE TABLE table_with_a_rather_long_name_number_").append(i).append("(x); ");
        }
        StringBuilder columns = new StringBuilder("CREATE TABLE wide(");
        for (int i = 0; i < 60; i++) {
            columns.append(i == 0 ? "" : ", ").append("column_with_a_long_name_").append(i);
        }
        String s = server.http().sql(ddl + columns.toString() + ")").session();
        JsonNode tables = assertErrorMessage(server.http().sql("SELECT * FROM nope", null, s), 400, "invalid sql: no such table: nope");
        assertThat(tables.path("hint").asText()).isNotBlank().hasSizeLessThan(500);
        JsonNode cols = assertErrorMessage(server.http().sql("SELECT column_with_a_long_name_x FROM wide", null, s), 400,
                "invalid sql: no such column: column_with_a_long_name_x");
        assertThat(cols.path("hint").asText()).isNotBlank().hasSizeLessThan(500);
    }

    // ---- 400 result row too large ----------------------------------------------------------

    @Test
    void rowOverOneMebibyteFailsTheWholeCall() {
        String s = server.http().sql("CREATE TABLE t(x)").session();
        Reply r = server.http().sql("INSERT INTO t VALUES (1); SELECT zeroblob(800000)", null, s);
        assertErrorMessage(r, 400, "result row too large");
        assertThat(rows(server.http().sql("SELECT count(*) FROM t", null, s))).isEqualTo("[[0]]");
    }

    // ---- 404 -------------------------------------------------------------------------------

    @Test
    void unknownPathIsNotFound() {
        assertError(server.http().get("/nope"), 404, "not found");
        assertError(server.http().get("/SQL"), 404, "not found");
        assertError(server.http().get("/sql/"), 404, "not found");
        assertError(server.http().postJson("/v1/sql", "{\"sql\":\"SELECT 1\"}", null), 404, "not found");
    }

    @Test
    void unknownSessionIsInstanceNotFound() {
        Reply r = server.http().sql("SELECT 1", null, "wkn_" + "A".repeat(107));
        assertError(r, 404, "instance not found");
        ReplyAssertions.assertNoSessionHeaders(r);
        assertError(server.http().sql("SELECT 1", null, "not-a-token"), 404, "instance not found");
    }

    // ---- 405, OPTIONS ----------------------------------------------------------------------

    @Test
    void wrongMethodOnAKnownPathIs405WithAllow() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            Reply r = server.http().call(method, "/sql");
            assertError(r, 405, "method not allowed");
            assertThat(allow(r)).as(method + " /sql").containsExactlyInAnyOrder("POST", "OPTIONS");
        }
        for (String path : List.of("/healthz", "/openapi.json", "/")) {
            for (String method : List.of("POST", "PUT", "DELETE")) {
                Reply r = server.http().call(method, path);
                assertError(r, 405, "method not allowed");
                assertThat(allow(r)).as(method + " " + path).containsExactlyInAnyOrder("GET", "OPTIONS");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/sql", "/healthz", "/openapi.json", "/", "/anything/at/all"})
    void optionsOnAnyPathIs204WithCorsAndNoBody(String path) {
        Reply r = server.http().call("OPTIONS", path);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertCors(r);
    }

    // ---- 408 -------------------------------------------------------------------------------

    @Test
    void callPastTheDeadlineIs408AndRolledBack() {
        String s = server.http().sql("CREATE TABLE t(x)").session();
        long start = System.nanoTime();
        Reply r = server.http().sql("INSERT INTO t VALUES (1); " + ENDLESS, null, s);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertError(r, 408, "query exceeded 2s timeout");
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(6000));
        assertThat(rows(server.http().sql("SELECT count(*) FROM t", null, s))).isEqualTo("[[0]]");
    }

    @Test
    void bodyStalledPastItsAllowanceIs408RequestBodyTimeout() throws Exception {
        long start = System.nanoTime();
        Reply r = server.http().raw("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100", "{\"sql\":".getBytes(StandardCharsets.ISO_8859_1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertError(r, 408, "request body timeout");
        assertThat(r.json().path("code").asText()).isEqualTo("request_body_timeout");
        assertThat(r.header("Connection")).isEqualTo("close");
        // 7 bytes, then nothing: cut when the 3 s grace (plus 7/512 s) is over
        assertThat(took).isBetween(Duration.ofMillis(3000), Duration.ofMillis(9000));
    }

    // ---- 413 -------------------------------------------------------------------------------

    @Test
    void bodyOverTheCapByContentLengthIs413() {
        assertError(server.http().postBytes(Http.paddedBody("SELECT 1", 8193), "application/json", null), 413,
                "sql payload exceeds 8 KB");
    }

    @Test
    void declaredLengthOverTheCapIsRefusedWithoutWaitingForTheBody() throws Exception {
        Reply r = server.http().raw("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000", new byte[0]);
        assertError(r, 413, "sql payload exceeds 8 KB");
    }

    @Test
    void chunkedBodyIsCountedWhileReading() {
        Reply atCap = server.http().postChunked(Http.paddedBody("SELECT 7", 8192));
        assertThat(rows(atCap)).isEqualTo("[[7]]");
        assertError(server.http().postChunked(Http.paddedBody("SELECT 7", 8193)), 413, "sql payload exceeds 8 KB");
    }

    @Test
    void refusedBodyIsNeverReadAsTheNextRequest() throws Exception {
        String smuggled = "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n";
        byte[] body = (smuggled + "x".repeat(9000 - smuggled.length())).getBytes(StandardCharsets.ISO_8859_1);
        URI base = URI.create(server.testServer().baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(3000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("POST /sql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 9000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            request.writeBytes("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(request.toByteArray()); // one write: all of it is sent before any answer
            socket.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(all);
            } catch (IOException e) { // a timeout or a reset: what arrived is enough
                // what arrived so far is enough
            }
            String answers = all.toString(StandardCharsets.ISO_8859_1);
            assertThat(answers).startsWith("HTTP/1.1 413 ").contains("{\"error\":\"sql payload exceeds 8 KB\",\"code\":\"payload_too_large\"}")
                    .doesNotContain("\"error\":\"not found\"");
        }
    }

    // ---- 415 -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1",
            "application/jsonl", "text/json", "multipart/form-data; boundary=x"})
    void otherMediaTypesAre415(String type) {
        assertError(server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.UTF_8), type, null), 415,
                "content-type must be application/json");
    }

    @Test
    void missingContentTypeIs415() {
        assertError(server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.UTF_8), null, null), 415,
                "content-type must be application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
            "Application/JSON"})
    void jsonWithOrWithoutUtf8CharsetIsAccepted(String type) {
        assertThat(rows(server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.UTF_8), type, null)))
                .isEqualTo("[[1]]");
    }

    // ---- 431 -------------------------------------------------------------------------------

    @Test
    void headersOverTheCapAre431() {
        Reply r = server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Pad", "p".repeat(10 * 1024));
        assertError(r, 431, "request headers too large");
        assertThat(rows(server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Pad", "p".repeat(4 * 1024))))
                .isEqualTo("[[1]]");
    }

    // ---- 507 -------------------------------------------------------------------------------

    @Test
    void fillingTheWalkInPastTenMegabytesIs507AndRollsTheCallBack() {
        String s = server.http().sql("CREATE TABLE b(x BLOB)").session();
        Reply first = server.http().sql(SqlText.counter(5) + "INSERT INTO b SELECT randomblob(999000) FROM c", null, s);
        assertThat(first.json().path("rows_affected").asLong()).isEqualTo(5);
        Reply full = server.http().sql("INSERT INTO b VALUES (x'01'); " + SqlText.counter(6)
                + "INSERT INTO b SELECT randomblob(999000) FROM c", null, s);
        assertError(full, 507, "instance storage quota exceeded");
        assertThat(rows(server.http().sql("SELECT count(*), sum(length(x)) FROM b", null, s))).isEqualTo("[[5,4995000]]");
        assertThat(server.http().sql("INSERT INTO b VALUES (x'02')", null, s).status()).as("still writable").isEqualTo(200);
    }

    // ---- the order of checks (docs/API.md) -----------------------------------------------------

    @Test
    void checksRunInTheOrderSpecGives() {
        String bogus = "wkn_" + "B".repeat(107);
        byte[] big = Http.paddedBody("SELECT 1", 9000);
        assertError(server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain", null), 415,
                "content-type must be application/json");
        assertError(server.http().postBytes(big, "text/plain", null), 415, "content-type must be application/json");
        byte[] bigGarbage = new byte[9000];
        Arrays.fill(bigGarbage, (byte) '{');
        assertError(server.http().postBytes(bigGarbage, "application/json", null), 413, "sql payload exceeds 8 KB");
        assertError(server.http().postJson("/sql", "{\"args\":\"x\",\"sql\":7}", null), 400, "missing sql");
        assertThat(server.http().postJson("/sql", "{\"sql\":\"ATTACH 'a' AS b\",\"args\":5}", null).error()).startsWith("invalid args: ");
        assertError(server.http().sql("ATTACH 'a' AS b", null, bogus), 400, "forbidden sql keyword: ATTACH");
        assertError(server.http().sql("SELEC 1", null, bogus), 404, "instance not found");
        assertThat(server.http().send(server.http().request("/sql").header("Content-Type", "text/plain")
                .method("PUT", HttpRequest.BodyPublishers.ofString("x")).build()).status()).isEqualTo(405);
    }

    /** Where {@code word} first stands as a whole word in {@code text}. */
    private static int position(String text, String word) {
        Matcher m = Pattern.compile("(?<![A-Za-z0-9_])" + word + "(?![A-Za-z0-9_])")
                .matcher(text);
        assertThat(m.find()).as("%s in %s", word, text).isTrue();
        return m.start();
    }

    private static List<String> allow(Reply r) {
        String allow = r.header("Allow");
        assertThat(allow).as("Allow").isNotNull();
        return Arrays.stream(allow.split(",")).map(String::trim).toList();
    }
}
