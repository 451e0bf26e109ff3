package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>crash or corruption</b> — take the process down through SQLite (historic crashers
 * such as {@code fts3_tokenizer} with a crafted pointer, malformed JSONB, crafted planner
 * statistics, format strings), or leave a walk-in half-written or corrupt: a crafted
 * {@code sqlite_schema} row, writes to FTS5 shadow tables, a COMMIT in the middle of a call
 * followed by a failure, a transaction or savepoint left open for the next call.
 *
 * <p>What stops it: the build (no FTS3/4, API armor, current SQLite), DEFENSIVE mode (schema and
 * shadow tables read-only to SQL, {@code writable_schema} refused), the authorizer, and the
 * executor: every call is one transaction that the server commits only at its end; the
 * caller's BEGIN/COMMIT/END are no-ops; any failure — error, 408, 503, 507 — rolls back
 * everything; the connection is reset before its next call. The cases check row counts and
 * {@code PRAGMA integrity_check} after each failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseCrashCorruptionTest extends AbuseSuite {

    private long count(String token, String table) {
        return scalar(http.sql("SELECT count(*) FROM " + table, token)).asLong();
    }

    private void integrityOk(String token) {
        assertThat(scalar(http.sql("PRAGMA integrity_check", token)).asText()).isEqualTo("ok");
    }

    @Test
    void fts3TokenizerWithACraftedPointerIsRefusedWithoutACrash() {
        Reply a = http.sql("SELECT fts3_tokenizer('simple', x'4141414141414141')");
        assertThat(a.status()).isEqualTo(400);
        // FTS3 is not compiled in; the authorizer would refuse it if it were
        assertThat(a.error()).isIn("invalid sql: no such function: fts3_tokenizer",
                "forbidden sql: function fts3_tokenizer");
        expect(http.sql("CREATE VIRTUAL TABLE f USING fts3(a)"), 400, "forbidden sql: virtual table module fts3");
        expect(http.sql("CREATE VIRTUAL TABLE f USING fts4(a, tokenize=simple)"), 400,
                "forbidden sql: virtual table module fts4");
    }

    @Test
    void writableSchemaWithACraftedSchemaRowIsRefused() {
        String token = walkin("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
        expect(http.sql("PRAGMA writable_schema=ON; INSERT INTO sqlite_schema VALUES "
                + "('table', 'evil', 'evil', 2, 'CREATE TABLE evil(x)')", token), 400, "forbidden sql: PRAGMA writable_schema");
        expect(http.sql("INSERT INTO sqlite_schema VALUES ('table', 'evil', 'evil', 2, 'CREATE TABLE evil(x)')", token),
                400, "invalid sql: table sqlite_master may not be modified");
        expect(http.sql("UPDATE sqlite_master SET sql = 'CREATE TABLE t(x, y, z)', rootpage = 1 WHERE name = 't'", token),
                400, "invalid sql: table sqlite_master may not be modified");
        expect(http.sql("DELETE FROM sqlite_schema", token), 400, "invalid sql: table sqlite_master may not be modified");
        assertThat(http.sql("SELECT name FROM sqlite_schema", token).rows().toString()).isEqualTo("[[\"t\"]]");
        assertThat(count(token, "t")).isEqualTo(1);
        integrityOk(token);
    }

    @Test
    void aUserCommitInTheMiddleDoesNotSurviveALaterFailure() {
        String token = walkin("CREATE TABLE t(x)");
        Reply a = http.sql("INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (2); END; BEGIN; "
                + "INSERT INTO t VALUES (3); SELECT no_such_function()", token);
        expect(a, 400, "invalid sql: no such function: no_such_function");
        assertThat(a.json().path("statement").asInt()).isEqualTo(7);
        assertThat(count(token, "t")).as("rows after the failed call").isZero();
    }

    @Test
    void aPlainRollbackDiscardsTheCallSoFarAndLaterStatementsStillRun() {
        String token = walkin("CREATE TABLE t(x); INSERT INTO t VALUES ('before')");
        Reply a = http.sql("INSERT INTO t VALUES ('dropped'); ROLLBACK; INSERT INTO t VALUES ('kept'); "
                + "SELECT x FROM t ORDER BY rowid", token);
        expectOk(a);
        assertThat(a.rows().toString()).isEqualTo("[[\"before\"],[\"kept\"]]");
        assertThat(a.json().path("rows_affected").asInt()).isEqualTo(1);
    }

    @Test
    void releasingASavepointThenFailingRollsBackEverything() {
        String token = walkin("CREATE TABLE t(x)");
        expect(http.sql("SAVEPOINT a; INSERT INTO t VALUES (1); RELEASE a; INSERT INTO t VALUES (2); "
                + "INSERT INTO nosuch VALUES (3)", token), 400, "invalid sql: no such table: nosuch");
        assertThat(count(token, "t")).isZero();
    }

    @Test
    void aSavepointLeftOpenDoesNotLeakIntoTheNextCall() {
        String token = walkin("CREATE TABLE t(x)");
        expectOk(http.sql("SAVEPOINT dangling; INSERT INTO t VALUES (1)", token));
        Reply next = http.sql("ROLLBACK TO dangling", token);
        expect(next, 400, "invalid sql: no such savepoint: dangling");
        expectOk(http.sql("BEGIN EXCLUSIVE; INSERT INTO t VALUES (2); COMMIT; END; COMMIT", token));
        assertThat(count(token, "t")).isEqualTo(2);
        // nothing from the dangling savepoint survives as an open transaction: plain writes commit
        expectOk(http.sql("INSERT INTO t VALUES (3)", token));
        assertThat(count(token, "t")).isEqualTo(3);
    }

    @Test
    void aTimeoutInTheMiddleOfAWriteRollsBackAndLeavesTheFileIntact() {
        String token = walkin("CREATE TABLE t(x); INSERT INTO t VALUES (0)");
        expect(http.sql("INSERT INTO t VALUES (1); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) "
                + "INSERT INTO t SELECT i FROM c WHERE i % 100000 = 0", token), 408, "query exceeded 2s timeout");
        assertThat(count(token, "t")).isEqualTo(1);
        integrityOk(token);
    }

    @Test
    void everyKindOfFailureLeavesTheWalkinConsistentAndWritable() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b); INSERT INTO t(b) VALUES ('seed')");
        String[] failures = {
                "INSERT INTO t(b) VALUES (1); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c",
                "INSERT INTO t(b) VALUES (1); " + counter(300) + "SELECT count(DISTINCT randomblob(900000)) FROM c",
                "INSERT INTO t(b) VALUES (1); " + counter(3000) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c",
                "INSERT INTO t(b) VALUES (1); PRAGMA cache_size = 1",
                "INSERT INTO t(b) VALUES (1); SELECT * FROM nosuch",
                "INSERT INTO t(b) VALUES (1); SELECT " + String.join(",", java.util.Collections.nCopies(100, "randomblob(20000)")),
        };
        // The memory and storage bombs need CPU to get to their cap: on a loaded machine the 2 s
        // deadline may come first. Either way the call is rolled back, which is what this checks.
        Integer[][] statuses = {{408}, {503, 408}, {507, 408}, {400}, {400}, {400}};
        for (int i = 0; i < failures.length; i++) {
            Reply a = http.sql(failures[i], token);
            assertThat(a.status()).as("failure %d: %s", i, a).isIn((Object[]) statuses[i]);
            assertThat(count(token, "t")).as("rows after failure %d", i).isEqualTo(1 + i);
            expectOk(http.sql("INSERT INTO t(b) VALUES ('after " + i + "')", token));
        }
        integrityOk(token);
    }

    @Test
    void triggerChainsDeeperThanFiveAreRefused() {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i <= 7; i++) {
            sql.append("CREATE TABLE t").append(i).append("(x);");
        }
        for (int i = 0; i < 7; i++) {
            sql.append("CREATE TRIGGER tr").append(i).append(" AFTER INSERT ON t").append(i)
                    .append(" BEGIN INSERT INTO t").append(i + 1).append(" VALUES (new.x); END;");
        }
        String token = walkin(sql.toString());
        expect(http.sql("INSERT INTO t0 VALUES (1)", token), 400, "invalid sql: triggers nested too deep");
        assertThat(count(token, "t0")).isZero();
        assertThat(count(token, "t5")).isZero();
    }

    @Test
    void fts5ShadowTablesAreReadOnly() {
        String create = "CREATE VIRTUAL TABLE ft USING fts5(body); INSERT INTO ft VALUES ('hello world');";
        expect(http.sql(create + "UPDATE ft_data SET block = randomblob(64)"), 400,
                "invalid sql: table ft_data may not be modified");
        expect(http.sql(create + "INSERT INTO ft_data VALUES (999, x'00')"), 400,
                "invalid sql: table ft_data may not be modified");
        expect(http.sql(create + "DELETE FROM ft_idx"), 400, "invalid sql: table ft_idx may not be modified");
        expect(http.sql(create + "UPDATE ft_config SET v = 1 WHERE k = 'version'"), 400,
                "invalid sql: table ft_config may not be modified");
    }

    /**
     * An FTS5 table created in one call must be usable in the next — also the ground every other
     * FTS5 attack (rank-function injection, merge bombs, index bloat) needs to be tested on.
     */
    @Test
    void fts5RankConfigurationCannotInjectAFunctionAndTheTableStaysSearchable() {
        String token = walkin("CREATE VIRTUAL TABLE ft USING fts5(body); INSERT INTO ft VALUES ('hello world')");
        Reply search = http.sql("SELECT count(*) FROM ft WHERE ft MATCH 'hello'", token);
        assertThat(scalar(search).asInt()).as("FTS5 search in a later call").isEqualTo(1);
        expectOk(http.sql("INSERT INTO ft(ft, rank) VALUES ('rank', 'load_extension(1)')", token));
        Reply ranked = http.sql("SELECT body FROM ft WHERE ft MATCH 'hello' ORDER BY rank", token);
        assertThat(ranked.status()).isEqualTo(400);
        assertThat(ranked.error()).startsWith("invalid sql: ");
        expectOk(http.sql("INSERT INTO ft(ft) VALUES ('integrity-check')", token));
    }

    @Test
    void craftedPlannerStatisticsDoNotBreakQueries() {
        String token = walkin("CREATE TABLE t(a, b); CREATE INDEX ti ON t(a, b); " + counter(200)
                + "INSERT INTO t SELECT i, i * 2 FROM c; ANALYZE");
        expectOk(http.sql("UPDATE sqlite_stat1 SET stat = '18446744073709551615 0 9999999999999 unordered sz=0 noskipscan'",
                token));
        expectOk(http.sql("INSERT INTO sqlite_stat1 VALUES ('t', NULL, '-1'), ('nosuch', 'x', 'garbage garbage')", token));
        Reply a = http.sql("SELECT count(*) FROM t WHERE a > 10 AND b < 300", token);
        assertThat(scalar(a).asInt()).isEqualTo(139);
        integrityOk(token);
    }

    @Test
    void malformedJsonbBlobsNeverCrash() {
        Random random = new Random(20261121L);
        String token = walkin("SELECT 1");
        for (int i = 0; i < 60; i++) {
            byte[] blob = new byte[1 + random.nextInt(64)];
            random.nextBytes(blob);
            if (i % 3 == 0) {
                blob[0] = (byte) (0xC0 | (blob[0] & 0x0F)); // header claiming an 8-byte payload size
            }
            Reply a = http.sql("SELECT json_valid(?1, 8), json_type(?1), jsonb_extract(?1, '$.a[#-1]'), "
                    + "json_array_length(?1), json(?1)", List.of(Map.of("base64", Base64.getEncoder().encodeToString(blob))),
                    token);
            assertThat(a.status()).as("%s", a).isIn(200, 400);
            if (a.status() == 400) {
                assertThat(a.error()).startsWith("invalid sql: ");
            }
        }
        Reply path = http.sql("SELECT json_extract('{}', '$' || printf('%.*c', 50000, '['))", null, token);
        assertThat(path.status()).isIn(200, 400);
    }

    @Test
    void formatStringsCannotReadMemory() {
        Reply a = http.sql("SELECT printf('%n%n%s%s%s%p%lln%z%Q%w%r%!.*f'), printf('%s', x'41424300'), "
                + "format('%.*z', 100000, 'x')");
        assertThat(a.status()).isIn(200, 400);
        if (a.status() == 200) {
            assertThat(a.body()).doesNotContain("0x7f");
        }
    }

    /**
     * EXPLAIN lists the compiled program, whose operands carried native heap addresses
     * ("vtab:55BC6D3A3C28" for json_each or an FTS5 table): a free ASLR bypass. EXPLAIN QUERY
     * PLAN, which agents use to check their indexes, carries none and stays allowed.
     */
    @Test
    void explainIsRefusedAndExplainQueryPlanCarriesNoAddress() {
        Reply a = http.sql("SELECT 1; EXPLAIN SELECT * FROM json_each('[1,2]')");
        expect(a, 400, "forbidden sql: EXPLAIN");
        assertThat(a.json().path("code").asText()).isEqualTo("forbidden_sql");
        assertThat(a.json().path("statement").asInt()).isEqualTo(2);
        String token = walkin("CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('x y'); "
                + "CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE INDEX tb ON t(b)");
        expect(http.sql("explain SELECT * FROM docs WHERE docs MATCH 'x'", token), 400, "forbidden sql: EXPLAIN");
        expect(http.sql("EXPLAIN BEGIN", token), 400, "forbidden sql: EXPLAIN");
        for (String sql : List.of("SELECT * FROM json_each('[1,2]')", "SELECT * FROM docs WHERE docs MATCH 'x'",
                "SELECT * FROM t WHERE b = 1", "SELECT * FROM json_tree('{\"a\":[1]}') j, t WHERE t.a = j.key")) {
            Reply plan = http.sql("EXPLAIN QUERY PLAN " + sql, token);
            expectOk(plan);
            assertThat(plan.rows().size()).as("%s", plan).isPositive();
            assertThat(NATIVE_ADDRESS.matcher(plan.body()).find()).as("%s", plan).isFalse();
        }
    }

    @Test
    void schemaTricksAreRefused() {
        expect(http.sql("CREATE VIEW v AS SELECT * FROM v; SELECT * FROM v"), 400,
                "invalid sql: view v is circularly defined");
        expect(http.sql("CREATE TABLE t(k, a AS (b), b AS (a))"), 400, "invalid sql: generated column loop on \"b\"");
        expect(http.sql("CREATE TABLE sqlite_evil(x)"), 400, "invalid sql: object name reserved for internal use: sqlite_evil");
        expect(http.sql("CREATE TABLE t(x); ALTER TABLE t RENAME TO sqlite_x"), 400,
                "invalid sql: object name reserved for internal use: sqlite_x");
        expect(http.sql("SELECT abs(-9223372036854775808)"), 400, "invalid sql: integer overflow");
        StringBuilder wide = new StringBuilder("CREATE TABLE w(c0");
        for (int i = 1; i <= 100; i++) {
            wide.append(", c").append(i);
        }
        expect(http.sql(wide + ")"), 400, "invalid sql: too many columns on w");
    }

    @Test
    void randomSqlSoupNeverCrashesTheServer() {
        String[] vocabulary = {"SELECT", "INSERT", "INTO", "VALUES", "CREATE", "TABLE", "INDEX", "VIEW", "TRIGGER",
                "WITH", "RECURSIVE", "UNION", "ALL", "FROM", "WHERE", "ORDER", "BY", "GROUP", "HAVING", "LIMIT",
                "OVER", "PARTITION", "(", ")", ",", ";", "*", "+", "-", "/", "||", "=", "<", "'a'", "x'00'", "1",
                "-9223372036854775808", "1e308", "NULL", "t", "c", "json_each", "json_tree", "randomblob", "zeroblob",
                "printf", "'%.*c'", "group_concat", "RETURNING", "ON", "CONFLICT", "DO", "UPDATE", "SET", "NOTHING",
                "AS", "MATERIALIZED", "NOT", "EXISTS", "CASE", "WHEN", "THEN", "END", "BEGIN", "COMMIT", "ROLLBACK",
                "SAVEPOINT", "RELEASE", "PRAGMA", "table_info", "?", "?1", ":x", "@y", "$z", "->", "->>", "COLLATE",
                "NOCASE", "DISTINCT", "FILTER", "WINDOW", "RANGE", "ROWS", "GENERATED", "STRICT", "WITHOUT", "ROWID"};
        Random random = new Random(42);
        String token = walkin("CREATE TABLE t(c); INSERT INTO t VALUES (1), ('a'), (x'00')");
        for (int i = 0; i < 300; i++) {
            List<String> words = new ArrayList<>();
            int n = 3 + random.nextInt(25);
            for (int w = 0; w < n; w++) {
                words.add(vocabulary[random.nextInt(vocabulary.length)]);
            }
            Reply a = http.sql(String.join(" ", words), token);
            assertThat(a.status()).as("%s for %s", a, words).isIn(200, 400, 408, 503, 507);
        }
        integrityOk(token);
    }

    @Test
    void brokenTextEncodingsInValuesAndNamesAreAnswered() {
        Reply a = http.sql("SELECT CAST(x'ff' AS TEXT) AS a, CAST(x'c0af' AS TEXT) AS b, CAST(x'eda080' AS TEXT) AS c, "
                + "'x' || char(0) || 'y' AS d, CAST(x'f4908080' AS TEXT) AS e, unistr('\\d800') AS f, "
                + "char(55296, 57343, 1114111) AS g");
        expectOk(a);
        assertThat(a.rows().get(0).size()).isEqualTo(7);
        Reply names = http.sql("SELECT 1 AS \"" + "\u00e9\ud83d\ude00".repeat(500) + "\", 2 AS \"\"");
        expectOk(names);
    }

    @Test
    void errorHintsSurviveHostileTableAndColumnNames() {
        String token = walkin("CREATE TABLE \"(.*)+$\"(\"[a-\"\"z]\" INT, \"x'y\"); CREATE TABLE \"a.b\"(c); "
                + "CREATE TABLE \"\ud83d\ude00\"(\"\\E\\Q\"); CREATE TABLE \"%\"(\"" + "w".repeat(300) + "\")");
        Reply col = http.sql("SELECT nosuch FROM \"(.*)+$\"", token);
        expect(col, 400, "invalid sql: no such column: nosuch");
        assertThat(col.json().path("hint").asText().length()).isLessThan(500);
        Reply dotted = http.sql("SELECT \"a.b\".zz FROM \"a.b\"", token);
        assertThat(dotted.status()).isEqualTo(400);
        assertThat(dotted.error()).startsWith("invalid sql: no such column: ");
        Reply table = http.sql("SELECT * FROM \"\\E.*\"", token);
        assertThat(table.status()).isEqualTo(400);
        assertThat(table.json().path("hint").asText()).contains("a.b").hasSizeLessThan(500);
        Reply dqs = http.sql("SELECT * FROM \"%\" WHERE \"" + "w".repeat(300) + "\" = \"(.*)+$\"", token);
        assertThat(dqs.status()).isEqualTo(400);
    }

    @Test
    void expiryAndSweepingUnderLoadNeverAnswer500() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_TTL", "3", "WALKINDB_SWEEP_SECONDS", "1"))) {
            String token = own.http.sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)").session();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            // The load runs until the walk-in has answered 404 and then for two sweeps more. A fixed
            // window is not enough: a CPU bomb that takes the gate just before expiry holds it for
            // its whole 2 s deadline, and every caller queued behind it stays busy until then.
            long start = System.nanoTime();
            long cap = start + TimeUnit.SECONDS.toNanos(15);
            java.util.concurrent.atomic.AtomicLong goneAt = new java.util.concurrent.atomic.AtomicLong();
            try {
                List<java.util.concurrent.Future<List<String>>> workers = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    final int worker = w;
                    workers.add(pool.submit(() -> {
                        List<String> statuses = new ArrayList<>();
                        while (true) {
                            long now = System.nanoTime();
                            long gone = goneAt.get();
                            if (now > cap || (gone != 0 && now - gone > TimeUnit.MILLISECONDS.toNanos(2500))) {
                                return statuses;
                            }
                            String sql = worker == 0
                                    ? "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c"
                                    : "INSERT INTO t VALUES (2); SELECT count(*) FROM t";
                            int status = own.http.sql(sql, token).status();
                            long after = System.nanoTime();
                            if (status == 404) {
                                goneAt.compareAndSet(0, after);
                            }
                            statuses.add(status + "@" + (after - start) / 1_000_000 + "ms");
                        }
                    }));
                }
                java.util.Set<Integer> seen = new java.util.TreeSet<>();
                List<String> timeline = new ArrayList<>();
                for (var f : workers) {
                    for (String s : f.get(30, TimeUnit.SECONDS)) {
                        seen.add(Integer.parseInt(s.substring(0, 3)));
                        if (!s.startsWith("404")) {
                            timeline.add(s);
                        }
                    }
                }
                Stats.line("statuses around expiry and sweep: " + seen);
                assertThat(seen).as("statuses (answers other than 404: %s)", timeline)
                        .contains(404).isSubsetOf(200, 404, 408, 503);
            } finally {
                pool.shutdownNow();
            }
            // The background sweeper runs every second; 30 s bounds a loaded machine's wait.
            Await.until("the sweeper to delete the expired walk-in", Duration.ofSeconds(30),
                    () -> own.server.instanceDirs() == 0);
        }
    }
}
