package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>CPU bomb inside one native call</b> — SQLite checks the deadline between
 * virtual-machine steps, never inside a function: {@code ltrim(X, Y)} with a large set ran
 * 17.9 s in one call, six of them held every SQL worker for minutes, and a fresh caller's
 * {@code SELECT 1} waited behind them. Same class: instr, replace, unhex with a set,
 * json_patch, LIKE/GLOB, FTS5 snippet/highlight/bm25 and FTS5 queries themselves.
 *
 * <p>What stops it: the guards compiled into the library (sqlite/native/walkindb_guards.c)
 * refuse a call whose estimated work passes a measured bound — {@code 400 invalid sql:
 * <function> arguments too large} — and check the deadline before any large call they let
 * through; a call that finds every SQL worker busy for 2 s is answered {@code 503 server busy}
 * instead of waiting.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AbuseFunctionBombTest extends AbuseSuite {
    /** A refusal is computed from the arguments: far quicker than the 2 s deadline. */
    static final long REFUSAL_BAR_MS = 2000;
    /** SELECT 1 on a fresh walk-in while bombs hold every SQL worker: the 2 s slot wait and margin. */
    static final long FRESH_CALL_BAR_MS = 2500;
    /** The longest a call waits for its walk-in's gate and a SQL worker together (Limits.gateWait). */
    static final long SLOT_WAIT_MS = 2000;

    /** n copies of a one-byte character, built by SQLite (the SQL stays short). */
    static String run(int n, char c) {
        return "replace(hex(zeroblob(" + (n / 2) + ")), '0', '" + c + "')";
    }

    /** A JSON object with n labels "k1".."kn", as SQL. */
    static String object(int n) {
        return "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<" + n + ") "
                + "SELECT '{' || group_concat('\"k' || i || '\":1', ',') || '}' FROM c)";
    }

    /** A walk-in with an FTS5 table t(x) holding one row of n tokens "a". */
    private String ftsWalkin(int n) {
        return walkin("CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ((WITH RECURSIVE c(i) AS "
                + "(SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<" + n + ") SELECT group_concat('a', ' ') FROM c))");
    }

    private void refusedQuickly(String what, String sql, String token, String function) {
        Reply a = http.sql("SELECT 1; " + sql, token);
        Stats.max("function_guard.refusal.ms", a.millis(), what);
        expect(a, 400, "invalid sql: " + function + " arguments too large");
        assertThat(a.json().path("code").asText()).isEqualTo("invalid_sql");
        assertThat(a.json().path("statement").asInt()).as("statement of %s", a).isEqualTo(2);
        assertThat(a.millis()).as("time to refuse %s", what).isLessThanOrEqualTo(REFUSAL_BAR_MS);
    }

    @Test
    void theReportedLtrimBombIsRefusedAtOnce() {
        refusedQuickly("ltrim 200 KB x 83 001", "SELECT length(ltrim(replace(hex(zeroblob(100000)),'0','a'), "
                + "replace(hex(zeroblob(41500)),'0','b')||'a'))", null, "ltrim");
    }

    @Test
    void everyQuadraticStringFunctionOverItsBoundIsRefused() {
        String set = run(20_000, 'a') + ", " + run(10_000, 'b') + " || 'a'";
        refusedQuickly("rtrim", "SELECT rtrim(" + set + ")", null, "rtrim");
        refusedQuickly("trim", "SELECT trim(" + set + ")", null, "trim");
        String hay = run(999_998, 'a');
        String needle = run(5_000, 'a') + " || 'b'";
        refusedQuickly("instr", "SELECT instr(" + hay + ", " + needle + ")", null, "instr");
        refusedQuickly("replace", "SELECT replace(" + hay + ", " + needle + ", 'x')", null, "replace");
        refusedQuickly("unhex", "SELECT unhex(" + run(20_000, '-') + ", " + run(10_000, '+') + " || '-')", null, "unhex");
        refusedQuickly("json_patch", "SELECT json_patch('{}', " + object(20_000) + ")", null, "json_patch");
        refusedQuickly("jsonb_patch", "SELECT jsonb_patch(" + object(20_000) + ", " + object(20_000) + ")", null,
                "jsonb_patch");
        refusedQuickly("LIKE", "SELECT " + hay + " LIKE '%" + "a".repeat(98) + "b'", null, "like");
        refusedQuickly("GLOB", "SELECT " + hay + " GLOB '*" + "a".repeat(98) + "b'", null, "glob");
    }

    @Test
    void fts5FunctionsAndQueriesOverTheirBoundsAreRefused() {
        String token = ftsWalkin(40_000);
        refusedQuickly("snippet 40 000 matches", "SELECT snippet(t, 0, '[', ']', '...', 64) FROM t WHERE t MATCH 'a'",
                token, "snippet");
        refusedQuickly("highlight 40 000 matches", "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'a'",
                token, "highlight");
        String thirty = "a" + " OR a".repeat(29);
        refusedQuickly("bm25 30 phrases", "SELECT bm25(t) FROM t WHERE t MATCH '" + thirty + "'", token, "bm25");
        refusedQuickly("100 000-term query", "SELECT count(*) FROM t WHERE t MATCH (WITH RECURSIVE c(i) AS "
                + "(SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<100000) SELECT group_concat('a', ' OR ') FROM c)",
                token, "MATCH");
        refusedQuickly("phrase of 17", "SELECT count(*) FROM t WHERE t MATCH '\"" + "a ".repeat(17) + "\"'", token, "MATCH");
        refusedQuickly("NEAR of 5", "SELECT count(*) FROM t('NEAR(a a a a a, 10)')", token, "MATCH");
    }

    @Test
    void ordinaryCallsUnderTheBoundsAnswer200() {
        String mb = run(999_980, 'a');
        expectOk(http.sql("SELECT length(trim(" + mb + ", ' xya')), length(replace(" + mb + ", 'a', 'b')), "
                + "instr(" + mb + " || 'needle', 'needle'), instr(" + mb + ", " + run(1_000, 'a') + " || 'b'), "
                + "hex(unhex('AB CD-EF', ' -'))"));
        Reply patch = http.sql("SELECT json_patch('{\"a\":1,\"b\":{\"c\":2}}', '{\"b\":{\"c\":null,\"d\":3},\"e\":4}'), "
                + "json_extract(json_patch(" + object(20_000) + ", '{\"k7\":70,\"new\":1}'), '$.k7')");
        expectOk(patch);
        assertThat(patch.rows().get(0).get(0).asText()).isEqualTo("{\"a\":1,\"b\":{\"d\":3},\"e\":4}");
        assertThat(patch.rows().get(0).get(1).asInt()).isEqualTo(70);

        String token = walkin("CREATE VIRTUAL TABLE notes USING fts5(body); "
                + "INSERT INTO notes VALUES ('one two three. four five six'), ('seven')");
        Reply search = http.sql("SELECT highlight(notes, 0, '[', ']'), snippet(notes, 0, '<', '>', '..', 3), "
                + "bm25(notes) < 0 FROM notes WHERE notes MATCH 'two OR five' ORDER BY rank", token);
        expectOk(search);
        assertThat(search.rows().get(0).get(0).asText()).isEqualTo("one [two] three. four [five] six");
        String sixtyFour = "seven" + " OR seven".repeat(63);
        assertThat(scalar(http.sql("SELECT count(*) FROM notes WHERE notes MATCH '" + sixtyFour + "'", token)).asInt())
                .isEqualTo(1);
        assertThat(scalar(http.sql("SELECT count(*) FROM notes WHERE notes MATCH '\"one two three\" OR NEAR(four six)'",
                token)).asInt()).isEqualTo(1);
    }

    /**
     * Eight callers at once, each running the most expensive calls the guards still allow over
     * and over, so each runs into its deadline. SQL
     * workers are fewer than eight: a fresh walk-in's SELECT 1 meanwhile must be answered
     * within the slot wait — 200, or 503 when no worker came free — never left hanging.
     */
    @Test
    void eightNativeBombsAtOnceDoNotHoldUpAFreshCaller() throws Exception {
        String mb = run(990_000, 'a'); // a row of it and the needle, with its header, stays within LENGTH
        String ftsToken = ftsWalkin(1_300);
        List<String> bombs = List.of(
                counter(100_000) + "SELECT count(ltrim(x, 'bcdea')) FROM c, (SELECT " + mb + " x)",
                counter(100_000) + "SELECT count(instr(x, y)) FROM c, (SELECT " + mb + " x, "
                        + run(1_100, 'a') + " || 'b' y)",
                counter(100_000) + "SELECT count(replace(x, y, 'z')) FROM c, (SELECT " + mb + " x, "
                        + run(1_100, 'a') + " || 'b' y)",
                counter(100_000) + "SELECT count(unhex(x, '+++++++++++++++++++++-')) FROM c, (SELECT "
                        + run(999_980, '-') + " x)",
                counter(100_000) + "SELECT count(json_patch('{}', p)) FROM c, (SELECT " + object(2_000) + " p)",
                counter(100_000) + "SELECT count(x LIKE '%" + "a".repeat(5) + "b') FROM c, (SELECT " + mb + " x)",
                counter(100_000) + "SELECT count(x GLOB '*" + "a".repeat(5) + "b') FROM c, (SELECT " + mb + " x)",
                counter(100_000) + "SELECT count(*) FROM t, c WHERE t MATCH 'a' "
                        + "AND snippet(t, 0, '[', ']' || i, '...', 64) IS NOT NULL"); // per row: it depends on c
        ExecutorService pool = Executors.newFixedThreadPool(bombs.size());
        try {
            List<Future<Reply>> running = new ArrayList<>();
            for (int i = 0; i < bombs.size(); i++) {
                String sql = bombs.get(i);
                String token = i == bombs.size() - 1 ? ftsToken : null;
                running.add(pool.submit(() -> http.sql(sql, token)));
            }
            // Fresh callers one after the other for as long as the bombs run: each bomb runs
            // into its 2 s deadline, so the callers meet them all busy.
            long worst = 0;
            int fresh = 0;
            do {
                Reply a = http.sql("SELECT 1");
                fresh++;
                worst = Math.max(worst, a.millis());
                assertThat(a.status()).as("fresh SELECT 1 during the bombs: %s", a).isIn(200, 503);
                if (a.status() == 503) {
                    expect(a, 503, "server busy");
                    assertThat(a.header("Retry-After")).isEqualTo("1");
                }
                assertThat(a.millis()).as("fresh SELECT 1 during the bombs: %s", a).isLessThanOrEqualTo(FRESH_CALL_BAR_MS);
            } while (fresh < 40 && running.stream().anyMatch(f -> !f.isDone()));
            Stats.max("function_guard.fresh_select1_during_8_bombs.ms", worst, fresh + " fresh calls");
            for (int i = 0; i < bombs.size(); i++) {
                Reply b = running.get(i).get(30, TimeUnit.SECONDS);
                String what = Reply.clip(bombs.get(i));
                Stats.max("function_guard.bomb.ms", b.millis(), what);
                assertThat(b.status()).as("bomb %s: %s", what, b).isIn(408, 503);
                // A bomb beyond the six workers waits up to 2 s for one, then runs into its own deadline.
                assertThat(b.millis()).as("bomb %s: %s", what, b).isLessThanOrEqualTo(SLOT_WAIT_MS + AbuseCpuBombTest.BAR_MS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
