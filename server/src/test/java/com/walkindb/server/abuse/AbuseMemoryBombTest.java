package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>memory bomb</b> — make the server process allocate without bound: giant strings and
 * blobs, string amplification, aggregates of huge values, sorts and DISTINCT sets of large rows,
 * materialized temporary results, enormous result rows or result sets, several at once.
 *
 * <p>What stops it: {@code SQLITE_LIMIT_LENGTH} (1 000 000 bytes per value) answered
 * {@code 400 invalid sql: string or blob too big}; {@code SQLITE_MAX_ALLOCATION_SIZE}; temp
 * data kept in memory under SQLite's process-wide hard heap limit, answered 503 server busy and
 * rolled back; the result caps (10 000 rows, 1 MiB of rows, no single row over 1 MiB); the column
 * limit of 100. The harness checks the test JVM's resident set (the server lives in it) after every
 * case.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseMemoryBombTest extends AbuseSuite {
    static final String TOO_BIG = "invalid sql: string or blob too big";

    private static void expectHeapLimit(Reply a) {
        expect(a, 503, "server busy");
        assertThat(a.header("Retry-After")).isNotNull();
    }

    @Test
    void aBatchOfFiftyMegabyteRowsAnswersOneMebibyte() {
        // Fifty entries of a 1 MB row each: the caps hold for the whole answer, not per entry.
        Reply a = http.batch(Collections.nCopies(50, Http.entry("SELECT hex(zeroblob(499000)) AS h", null)), null);
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(a.body().length()).as("one answer's worth, not fifty").isLessThan(1024 * 1024 + 8 * 1024);
        var results = a.json().path("results");
        assertThat(results.size()).isEqualTo(50);
        assertThat(results.get(0).path("rows").size()).isEqualTo(1);
        for (int i = 1; i < 50; i++) {
            assertThat(results.get(i).path("rows").size()).isZero();
            assertThat(results.get(i).path("truncated").asBoolean()).isTrue();
        }
    }

    @Test
    void aBatchOfWideColumnListsIsRefusedNotBuilt() {
        // 7 900-character column names, ten per entry, fifty entries: 4 MB of names from an 8 KB body.
        String token = walkin("CREATE TABLE w(\"" + "n".repeat(7900) + "\")");
        Reply a = http.batch(Collections.nCopies(50,
                Http.entry("SELECT * FROM w a,w b,w c,w d,w e,w f,w g,w h,w i,w j", null)), token);
        expect(a, 400, "result row too large");
        assertThat(a.json().path("entry").asInt()).isBetween(2, 50);
    }

    @Test
    void twoGigabyteRandomblobIsRefused() {
        expect(http.sql("SELECT randomblob(2000000000)"), 400, TOO_BIG);
    }

    @Test
    void twoGigabyteZeroblobIsRefused() {
        expect(http.sql("SELECT zeroblob(2000000000)"), 400, TOO_BIG);
        expect(http.sql("SELECT length(zeroblob(2000000000) || 'x')"), 400, TOO_BIG);
    }

    @Test
    void replaceAmplificationStopsAtTheLengthLimit() {
        expect(http.sql("SELECT replace(replace(replace(hex(zeroblob(1000)), '0', '0000000000'), '0', '0000000000'), "
                + "'0', '0000000000')"), 400, TOO_BIG);
    }

    @Test
    void groupConcatOfHugeStringsStopsAtTheLengthLimit() {
        // Either limit may stop it first on a starved machine: the length cap, or the deadline.
        Reply a = http.sql(counter(1000) + "SELECT length(group_concat(hex(randomblob(400000)))) FROM c");
        assertThat(a.status()).as("%s", a).isIn(400, 408);
        assertThat(a.error()).isIn(TOO_BIG, "query exceeded 2s timeout");
        // JSON aggregates grow their own buffer: the heap limit stops them instead
        Reply json = http.sql(counter(1000) + "SELECT length(json_group_array(hex(randomblob(100000)))) FROM c");
        assertThat(json.status()).as("%s", json).isIn(400, 503);
        assertThat(json.error()).isIn(TOO_BIG, "server busy");
        Reply agg = http.sql(counter(1000) + "SELECT length(string_agg(printf('%.*c', 100000, 'x'), ',')) FROM c");
        assertThat(agg.status()).as("%s", agg).isIn(400, 408);
        assertThat(agg.error()).isIn(TOO_BIG, "query exceeded 2s timeout");
    }

    @Test
    void sortingLargeRowsHitsTheHeapLimit() {
        expectHeapLimit(http.sql("WITH RECURSIVE c(i, b) AS (SELECT 1, randomblob(100000) UNION ALL "
                + "SELECT i+1, randomblob(100000) FROM c WHERE i < 100000) SELECT count(*) FROM (SELECT i FROM c ORDER BY b)"));
    }

    @Test
    void distinctOverLargeBlobsHitsTheHeapLimit() {
        expectHeapLimit(http.sql(counter(300) + "SELECT count(DISTINCT randomblob(900000)) FROM c"));
    }

    @Test
    void inSubqueryBuildingAHugeEphemeralIndexHitsTheHeapLimit() {
        Reply a = http.sql(counter(300) + "SELECT 1 WHERE x'00' IN (SELECT randomblob(900000) FROM c)");
        expectHeapLimit(a);
    }

    @Test
    void fiftyMegabyteMaterializedCteIsBounded() {
        Reply a = http.sql(counter(100) + ", m AS MATERIALIZED (SELECT randomblob(500000) b FROM c) "
                + "SELECT count(*) FROM m x, m y WHERE x.b = y.b");
        assertThat(a.status()).as("%s", a).isIn(503, 408);
        Stats.max("memory.bomb.answer.ms", a.millis(), "materialized 50 MB CTE");
    }

    @Test
    void threeHundredBlobsOfNearlyOneMegabyteInOneRowAreRefused() {
        String cols = String.join(", ", Collections.nCopies(300, "randomblob(900000)"));
        expect(http.sql("SELECT " + cols), 400, "invalid sql: too many columns in result set");
    }

    @Test
    void aRowOfOneHundredLargeBlobsIsTooLargeAndNeverBuilt() {
        long before = Stats.procStatus(server.serverPid(), "VmRSS");
        Reply a = http.sql("SELECT " + String.join(", ", Collections.nCopies(100, "zeroblob(900000)")));
        expect(a, 400, "result row too large");
        assertThat(a.json().path("statement").asInt()).isEqualTo(1);
        Reply small = http.sql("SELECT " + String.join(", ", Collections.nCopies(100, "randomblob(10000)")));
        expect(small, 400, "result row too large");
        long grown = Stats.procStatus(server.serverPid(), "VmRSS") - before;
        Stats.max("memory.rss_growth.row_of_100_blobs.bytes", grown, "row of 100 x 0.9 MB");
        assertThat(grown).as("RSS growth for a 90 MB row").isLessThan(256L << 20);
    }

    @Test
    void oneHundredMegabyteRowCannotBeStoredEither() {
        String cols = String.join(", ", Collections.nCopies(100, "zeroblob(900000)"));
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            names.append(i == 0 ? "" : ", ").append('c').append(i);
        }
        Reply a = http.sql("CREATE TABLE w(" + names + "); INSERT INTO w VALUES (" + cols + ")");
        expect(a, 400, TOO_BIG);
        assertThat(a.json().path("statement").asInt()).isEqualTo(2);
    }

    @Test
    void hugeResultSetsAreTruncatedNotBuffered() {
        Reply many = http.sql(counter(50000) + "SELECT i, 'row' FROM c");
        expectOk(many);
        assertThat(many.rows().size()).isEqualTo(10000);
        assertThat(many.json().path("truncated").asBoolean()).isTrue();
        Reply wide = http.sql(counter(5000) + "SELECT hex(randomblob(1000)) FROM c");
        expectOk(wide);
        assertThat(wide.json().path("truncated").asBoolean()).isTrue();
        assertThat(wide.body().length()).isLessThanOrEqualTo((1 << 20) + 4096);
    }

    @Test
    void aMemoryBombInsideAWriteRollsTheWriteBack() {
        String token = walkin("CREATE TABLE t(b); INSERT INTO t VALUES ('keep')");
        expectHeapLimit(http.sql("INSERT INTO t VALUES ('gone'); " + counter(300)
                + "INSERT INTO t SELECT count(DISTINCT randomblob(900000)) FROM c", token));
        assertThat(http.sql("SELECT b FROM t", token).rows().toString()).isEqualTo("[[\"keep\"]]");
    }

    @Test
    void afterAMemoryBombTheHeapIsFreeForTheNextCaller() {
        expectHeapLimit(http.sql(counter(300) + "SELECT count(DISTINCT randomblob(900000)) FROM c"));
        // a legitimate 20 MB sort right after must work
        Reply a = http.sql(counter(2000) + "SELECT count(*) FROM (SELECT randomblob(10000) b FROM c ORDER BY b)");
        assertThat(scalar(a).asInt()).isEqualTo(2000);
    }

    @Test
    void windowOverHugeValuesIsBounded() {
        Reply a = http.sql(counter(2000) + "SELECT max(length(g)) FROM (SELECT group_concat(b) OVER () g "
                + "FROM (SELECT hex(randomblob(10000)) b FROM c))");
        assertThat(a.status()).as("%s", a).isIn(400, 503);
        assertThat(a.error()).isIn(TOO_BIG, "server busy");
    }

    @Test
    void fourConcurrentMemoryBombsAreAllContained() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reply>> bombs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bombs.add(pool.submit(() -> http.sql("WITH RECURSIVE c(i, b) AS (SELECT 1, randomblob(100000) UNION ALL "
                        + "SELECT i+1, randomblob(100000) FROM c WHERE i < 100000) SELECT count(*) FROM (SELECT i FROM c ORDER BY b)")));
            }
            for (Future<Reply> f : bombs) {
                Reply a = f.get(20, TimeUnit.SECONDS);
                assertThat(a.status()).as("%s", a).isIn(503, 408);
            }
        } finally {
            pool.shutdownNow();
        }
        Stats.max("rss.bytes.after_4_memory_bombs", Stats.procStatus(server.serverPid(), "VmRSS"),
                "4 concurrent sorts");
    }

    @Test
    void tooManyArgsAreRefusedBeforeTheyReachSqlite() {
        List<Object> args = new ArrayList<>(Collections.nCopies(101, 1));
        Reply a = http.sql("SELECT 1", args, null);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).startsWith("invalid args: ");
        Reply nested = http.sql("SELECT ?", List.of(List.of(List.of(1))), null);
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.error()).startsWith("invalid args: ");
    }
}
