package com.walkindb.server.http;

import static com.walkindb.server.testing.Http.entry;
import static com.walkindb.server.testing.ReplyAssertions.assertErrorMessage;
import static com.walkindb.server.testing.ReplyAssertions.assertNoSessionHeaders;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/API.md, "Batch": {@code {"batch": [...]}} on POST /sql runs its entries as one transaction
 * and answers one result per entry; shape errors, errors naming the entry, the caps over the
 * whole answer, and the checks and limits a single call has.
 */
class BatchTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static String walkIn() {
        Reply r = server.http().sql("CREATE TABLE t(x INTEGER PRIMARY KEY, v)");
        assertThat(r.status()).isEqualTo(200);
        return r.session();
    }

    private static String xs(String session) {
        return rows(server.http().sql("SELECT x FROM t ORDER BY x", null, session));
    }

    private static Reply batch(String session, Map<?, ?>... entries) {
        return server.http().batch(List.of(entries), session);
    }

    @Test
    void answersOneResultPerEntryInOrder() {
        Reply r = batch(null,
                entry("CREATE TABLE t(x INTEGER PRIMARY KEY, v)", null),
                entry("INSERT INTO t VALUES (?, ?), (?, ?)", List.of(1, "a", 2, "b")),
                entry("SELECT x, v FROM t ORDER BY x", null),
                entry("UPDATE t SET v = :v WHERE x = :x RETURNING x", Map.of("v", "c", "x", 2)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.session()).as("a batch without a session creates a walk-in").startsWith("wkn_");
        assertThat(r.body()).isEqualTo("{\"results\":["
                + "{\"columns\":[],\"rows\":[],\"rows_affected\":0,\"truncated\":false},"
                + "{\"columns\":[],\"rows\":[],\"rows_affected\":2,\"truncated\":false},"
                + "{\"columns\":[\"x\",\"v\"],\"rows\":[[1,\"a\"],[2,\"b\"]],\"rows_affected\":0,\"truncated\":false},"
                + "{\"columns\":[\"x\"],\"rows\":[[2]],\"rows_affected\":1,\"truncated\":false}]}");
        assertThat(rows(server.http().sql("SELECT v FROM t ORDER BY x", null, r.session()))).isEqualTo("[[\"a\"],[\"c\"]]");
    }

    @Test
    void aSingleCallIsAnsweredAsBefore() {
        Reply r = server.http().sql("SELECT 1 AS a, 'x' AS b");
        assertThat(r.body()).isEqualTo("{\"columns\":[\"a\",\"b\"],\"rows\":[[1,\"x\"]],\"rows_affected\":0,\"truncated\":false}");
        Reply nullBatch = server.http().postJson("/sql", "{\"sql\": \"SELECT 2 AS c\", \"batch\": null}", null);
        assertThat(nullBatch.body()).as("batch: null counts as absent")
                .isEqualTo("{\"columns\":[\"c\"],\"rows\":[[2]],\"rows_affected\":0,\"truncated\":false}");
    }

    @Test
    void readsSeeTheWritesOfEarlierEntries() {
        String s = walkIn();
        Reply r = batch(s,
                entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("SELECT count(*) FROM t", null),
                entry("DELETE FROM t", null),
                entry("SELECT count(*) AS n FROM t", null));
        JsonNode results = r.json().path("results");
        assertThat(results.size()).isEqualTo(4);
        assertThat(results.get(0).path("rows_affected").asLong()).isEqualTo(1);
        assertThat(results.get(1).path("rows").toString()).isEqualTo("[[1]]");
        assertThat(results.get(2).path("rows_affected").asLong()).isEqualTo(1);
        assertThat(results.get(3).path("columns").toString()).isEqualTo("[\"n\"]");
        assertThat(results.get(3).path("rows").toString()).isEqualTo("[[0]]");
    }

    @Test
    void anEntryOfSeveralStatementsGivesItsLastResult() {
        String s = walkIn();
        Reply r = batch(s,
                entry("INSERT INTO t VALUES (1, 'a'); SELECT 'first' AS f; INSERT INTO t VALUES (2, 'b'); SELECT x FROM t ORDER BY x",
                        null),
                entry("SELECT 'only' AS o; INSERT INTO t VALUES (3, ?); INSERT INTO t VALUES (4, ?)", List.of("c", "d")));
        JsonNode results = r.json().path("results");
        assertThat(results.get(0).toString())
                .isEqualTo("{\"columns\":[\"x\"],\"rows\":[[1],[2]],\"rows_affected\":2,\"truncated\":false}");
        assertThat(results.get(1).toString())
                .isEqualTo("{\"columns\":[\"o\"],\"rows\":[[\"only\"]],\"rows_affected\":2,\"truncated\":false}");
    }

    @Test
    void aFailureInTheThirdEntryRollsBackTheFirstTwo() {
        String s = walkIn();
        JsonNode e = assertErrorMessage(batch(s,
                entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("INSERT INTO t VALUES (2, 'b')", null),
                entry("SELECT 1; INSERT INTO t VALUES (1, 'dup')", null),
                entry("INSERT INTO t VALUES (9, 'never')", null)), 400, "invalid sql: UNIQUE constraint failed: t.x");
        assertThat(e.path("code").asText()).isEqualTo("invalid_sql");
        assertThat(e.path("entry").asInt()).isEqualTo(3);
        assertThat(e.path("statement").asInt()).as("the statement within its entry").isEqualTo(2);
        assertThat(xs(s)).isEqualTo("[]");

        JsonNode forbidden = assertErrorMessage(batch(s,
                entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("PRAGMA max_page_count = 5", null)), 400, "forbidden sql: PRAGMA max_page_count");
        assertThat(forbidden.path("entry").asInt()).isEqualTo(2);
        assertThat(forbidden.path("statement").asInt()).isEqualTo(1);
        assertThat(xs(s)).isEqualTo("[]");
    }

    @Test
    void aPlainRollbackDiscardsTheEarlierEntriesToo() {
        String s = walkIn();
        Reply r = batch(s,
                entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("ROLLBACK", null),
                entry("INSERT INTO t VALUES (2, 'b')", null));
        JsonNode results = r.json().path("results");
        assertThat(results.get(0).path("rows_affected").asLong()).as("discarded with its write").isZero();
        assertThat(results.get(2).path("rows_affected").asLong()).isEqualTo(1);
        assertThat(xs(s)).isEqualTo("[[2]]");
    }

    @Test
    void theRowCapSpansEntries() {
        String s = walkIn();
        String sixThousand = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 6000) SELECT i FROM c";
        Reply r = batch(s,
                entry(sixThousand, null),
                entry(sixThousand, null),
                entry("SELECT 1 AS one", null),
                entry("INSERT INTO t VALUES (1, 'written')", null));
        assertThat(r.status()).isEqualTo(200);
        JsonNode results = r.json().path("results");
        assertThat(results.get(0).path("rows").size()).isEqualTo(6000);
        assertThat(results.get(0).path("truncated").asBoolean()).isFalse();
        assertThat(results.get(1).path("rows").size()).as("10 000 rows in the whole answer").isEqualTo(4000);
        assertThat(results.get(1).path("truncated").asBoolean()).isTrue();
        assertThat(results.get(2).toString()).as("later entries keep their columns, no rows")
                .isEqualTo("{\"columns\":[\"one\"],\"rows\":[],\"rows_affected\":0,\"truncated\":true}");
        assertThat(results.get(3).toString())
                .isEqualTo("{\"columns\":[],\"rows\":[],\"rows_affected\":1,\"truncated\":true}");
        assertThat(xs(s)).as("entries after the cap still run").isEqualTo("[[1]]");
    }

    @Test
    void theByteCapSpansEntries() {
        String s = walkIn();
        String big = "SELECT hex(zeroblob(300000)) AS h"; // 600 000 characters in one row
        Reply r = batch(s, entry(big, null), entry(big, null), entry("SELECT 2 AS two", null));
        assertThat(r.status()).isEqualTo(200);
        JsonNode results = r.json().path("results");
        assertThat(results.get(0).path("rows").size()).isEqualTo(1);
        assertThat(results.get(0).path("truncated").asBoolean()).isFalse();
        assertThat(results.get(1).path("rows").size()).as("1 MiB in the whole answer").isZero();
        assertThat(results.get(1).path("truncated").asBoolean()).isTrue();
        assertThat(results.get(2).path("truncated").asBoolean()).isTrue();
        assertThat(r.body().length()).isLessThan(1024 * 1024 + 1024);
    }

    @Test
    void columnListsCountAgainstTheAnswerBytes() {
        // One column with a 7 900-character name; ten of them side by side, in fifty entries,
        // would make a 4 MB answer of column names from an 8 KB body.
        String name = "c".repeat(7900);
        String s = server.http().sql("CREATE TABLE w(\"" + name + "\")").session();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(entry("SELECT * FROM w a,w b,w c,w d,w e,w f,w g,w h,w i,w j", null));
        }
        JsonNode e = assertErrorMessage(server.http().batch(entries, s), 400, "result row too large");
        assertThat(e.path("code").asText()).isEqualTo("result_row_too_large");
        assertThat(e.path("entry").asInt()).as("79 000 bytes of names per entry pass 1 MiB in entry 14").isEqualTo(14);
        assertThat(e.path("statement").asInt()).isEqualTo(1);
    }

    @Test
    void zeroOrFiftyOneEntriesAreRefused() {
        assertErrorMessage(server.http().batch(List.of(), null), 400, "invalid batch: must have 1 to 50 entries");
        List<Map<String, Object>> many = Collections.nCopies(51, entry("SELECT 1", null));
        Reply r = server.http().batch(many, null);
        assertErrorMessage(r, 400, "invalid batch: must have 1 to 50 entries");
        assertThat(r.json().path("code").asText()).isEqualTo("invalid_batch");
        assertNoSessionHeaders(r);
        assertThat(server.http().batch(Collections.nCopies(50, entry("SELECT 1", null)), null).status()).isEqualTo(200);
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": {\"sql\": \"SELECT 1\"}}", null), 400,
                "invalid batch: must have 1 to 50 entries");
    }

    @Test
    void sqlAndBatchTogetherAreInvalidJson() {
        Reply r = server.http().postJson("/sql", "{\"sql\": \"SELECT 1\", \"batch\": [{\"sql\": \"SELECT 2\"}]}", null);
        assertErrorMessage(r, 400, "invalid json");
        assertNoSessionHeaders(r);
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT 2\"}], \"sql\": 7}", null), 400,
                "invalid json");
    }

    @Test
    void entriesMustBeObjectsWithSql() {
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT 1\"}, \"SELECT 2\"]}", null), 400,
                "invalid batch: entry 2 is not an object");
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT 1\"}, {\"args\": [1]}]}", null), 400,
                "invalid batch: entry 2 has no sql");
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": 5}]}", null), 400,
                "invalid batch: entry 1 has no sql");
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT 1\"}, {\"sql\": \" -- nothing\"}]}",
                null), 400, "invalid batch: entry 2 has no sql");
        assertErrorMessage(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT 1\", \"sql\": \"SELECT 2\"}]}", null),
                400, "invalid json");
    }

    @Test
    void badArgsNameTheirEntry() {
        String s = walkIn();
        Reply shape = batch(s, entry("SELECT ?", List.of(1)), entry("SELECT ?", List.of(List.of(1))));
        JsonNode e = assertErrorMessage(shape, 400, "invalid args: args[0] is an array; values must be scalars or {\"base64\": ...}");
        assertThat(e.path("code").asText()).isEqualTo("invalid_args");
        assertThat(e.path("entry").asInt()).isEqualTo(2);

        JsonNode fit = assertErrorMessage(batch(s, entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("SELECT ?", List.of(1, 2))), 400, "invalid args: 1 value left over in args after the last statement");
        assertThat(fit.path("entry").asInt()).isEqualTo(2);
        JsonNode missing = assertErrorMessage(batch(s, entry("SELECT 1", null), entry("SELECT 2", null),
                entry("SELECT :n", null)), 400, "invalid args: statement 1 has 1 parameter but the call has no args");
        assertThat(missing.path("entry").asInt()).isEqualTo(3);
        assertThat(xs(s)).isEqualTo("[]");

        assertThat(batch(s, entry("SELECT ?", List.of(1)), entry("SELECT ?", List.of(2))).json().path("results").toString())
                .as("each entry binds its own args").isEqualTo("[{\"columns\":[\"?\"],\"rows\":[[1]],\"rows_affected\":0,"
                        + "\"truncated\":false},{\"columns\":[\"?\"],\"rows\":[[2]],\"rows_affected\":0,\"truncated\":false}]");
    }

    @Test
    void aForbiddenKeywordInTheSecondEntryCreatesNothing() {
        Reply r = batch(null, entry("CREATE TABLE a(x)", null), entry("ATTACH 'x' AS y", null));
        JsonNode e = assertErrorMessage(r, 400, "forbidden sql keyword: ATTACH");
        assertThat(e.path("entry").asInt()).isEqualTo(2);
        assertNoSessionHeaders(r);
    }

    @Test
    void theOrderOfChecksGoesOverTheWholeBatchStepByStep() {
        // The keyword filter (step 4) comes after every entry's args (step 3), and args after every entry's sql.
        assertThat(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"ATTACH 'x' AS y\"}, {\"sql\": \"SELECT ?\", "
                + "\"args\": 1}]}", null).json().path("code").asText()).isEqualTo("invalid_args");
        assertThat(server.http().postJson("/sql", "{\"batch\": [{\"sql\": \"SELECT ?\", \"args\": 1}, {\"sql\": \"\"}]}",
                null).json().path("code").asText()).isEqualTo("invalid_batch");
    }

    @Test
    void theDeadlineHoldsForTheWholeBatch() {
        String s = walkIn();
        Reply r = batch(s,
                entry("INSERT INTO t VALUES (1, 'a')", null),
                entry("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c", null));
        JsonNode e = assertErrorMessage(r, 408, "query exceeded 2s timeout");
        assertThat(e.has("entry")).as("a timeout is the whole call's").isFalse();
        assertThat(xs(s)).isEqualTo("[]");
    }

    @Test
    void aBodyOverEightKilobytesIsRefused() {
        List<Map<String, Object>> entries = Collections.nCopies(40, entry("SELECT '" + "x".repeat(200) + "'", null));
        Reply r = server.http().batch(entries, null);
        assertErrorMessage(r, 413, "sql payload exceeds 8 KB");
        assertNoSessionHeaders(r);
    }
}
