package com.walkindb.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards of native/walkindb_guards.c: built-in functions whose work grows faster than their
 * arguments refuse a call whose estimate passes the bound ("<function> arguments too large"),
 * run an ordinary call unchanged, and check the deadline before a large call.
 */
class FunctionGuardsTest {
    @TempDir Path dir;
    SqliteConnection db;

    /** n copies of a one-byte character, built inside SQLite (the SQL stays short). */
    static String run(int n, char c) {
        return "replace(hex(zeroblob(" + (n / 2) + ")), '0', '" + c + "')";
    }

    @BeforeEach
    void open() throws SqliteException {
        db = SqliteConnection.open(dir.resolve("db.sqlite"));
        db.limit(Limit.LENGTH, 1_000_000);
        db.limit(Limit.LIKE_PATTERN_LENGTH, 100);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void refused(String sql, String function) {
        assertThatThrownBy(() -> Rows.single(db, sql)).isInstanceOf(SqliteException.class)
                .hasMessage(function + " arguments too large");
    }

    @Test
    void trimWithALargeSetOverALongRunIsRefused() throws SqliteException {
        String bomb = run(200_000, 'a') + ", " + run(83_000, 'b') + " || 'a'";
        refused("SELECT ltrim(" + bomb + ")", "ltrim");
        refused("SELECT rtrim(" + bomb + ")", "rtrim");
        refused("SELECT trim(" + bomb + ")", "trim");
        // A megabyte trimmed away entirely with a few characters, and a long set that removes little.
        assertThat(Rows.single(db, "SELECT length(trim(" + run(999_998, 'a') + ", ' xya'))")).isEqualTo("0");
        assertThat(Rows.single(db, "SELECT length(ltrim('  ' || " + run(999_990, 'q') + ", ' ' || "
                + run(2_000, 'z') + "))")).isEqualTo("999990");
        assertThat(Rows.single(db, "SELECT trim('  hello  '), ltrim('xxhixx', 'x'), rtrim('xxhixx', 'x')"))
                .isEqualTo("hello");
    }

    @Test
    void instrAndReplaceWithLongNeedlesOverMatchingTextAreRefused() throws SqliteException {
        String hay = run(999_990, 'a');
        String needle = run(5_000, 'a') + " || 'b'";
        refused("SELECT instr(" + hay + ", " + needle + ")", "instr");
        refused("SELECT replace(" + hay + ", " + needle + ", 'x')", "replace");
        // A megabyte with a short pattern; a long needle whose first byte is rare.
        assertThat(Rows.single(db, "SELECT length(replace(" + hay + ", 'a', 'b'))")).isEqualTo("999990");
        assertThat(Rows.single(db, "SELECT instr(" + hay + " || 'xyz', 'xyz')")).isEqualTo("999991");
        assertThat(Rows.single(db, "SELECT instr(" + hay + ", 'q' || " + run(50_000, 'a') + ")")).isEqualTo("0");
        assertThat(Rows.single(db, "SELECT instr('héllo', 'llo'), replace('abcabc', 'b', 'XY')")).isEqualTo("3");
    }

    @Test
    void unhexWithALargeSetOverManySeparatorsIsRefused() throws SqliteException {
        refused("SELECT unhex(" + run(20_000, '-') + ", " + run(10_000, '+') + " || '-')", "unhex");
        assertThat(Rows.single(db, "SELECT hex(unhex('AB CD-EF', ' -'))")).isEqualTo("ABCDEF");
        assertThat(Rows.single(db, "SELECT length(unhex(" + run(999_998, 'a') + "))")).isEqualTo("499999");
    }

    @Test
    void jsonPatchWithManyLabelsIsRefusedAndOrdinaryPatchesWork() throws SqliteException {
        String manyKeys = "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<20000) "
                + "SELECT '{' || group_concat('\"k' || i || '\":1', ',') || '}' FROM c)";
        refused("SELECT json_patch('{}', " + manyKeys + ")", "json_patch");
        refused("SELECT jsonb_patch(" + manyKeys + ", " + manyKeys + ")", "jsonb_patch");
        assertThat(Rows.single(db, "SELECT json_patch('{\"a\":1,\"b\":{\"c\":2}}', '{\"b\":{\"c\":null,\"d\":3},\"e\":4}')"))
                .isEqualTo("{\"a\":1,\"b\":{\"d\":3},\"e\":4}");
        // A large document with a small patch.
        assertThat(Rows.single(db, "SELECT json_extract(json_patch(" + manyKeys + ", '{\"k7\":70,\"new\":1}'), '$.k7')"))
                .isEqualTo("70");
        assertThat(Rows.single(db, "SELECT json_patch(NULL, '{}') IS NULL")).isEqualTo("1");
        assertThatThrownBy(() -> Rows.single(db, "SELECT json_patch('{', '{}')")).hasMessage("malformed JSON");
    }

    @Test
    void fts5AuxiliaryFunctionsRefuseRowsWithTooManyMatches() throws SqliteException {
        db.exec("CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ((WITH RECURSIVE c(i) AS "
                + "(SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<40000) SELECT group_concat('a', ' ') FROM c))");
        refused("SELECT snippet(t, 0, '[', ']', '...', 64) FROM t WHERE t MATCH 'a'", "snippet");
        refused("SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'a'", "highlight");
        refused("SELECT bm25(t) FROM t WHERE t MATCH 'a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a "
                + "OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a'", "bm25");
        // rank is bm25 too; FTS5's own sorting statement must pass the refusal on. (Fewer
        // positions here: the row's position lists travel in one value, under LENGTH.)
        db.exec("CREATE VIRTUAL TABLE r USING fts5(x); INSERT INTO r VALUES ((WITH RECURSIVE c(i) AS "
                + "(SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<20000) SELECT group_concat('a', ' ') FROM c))");
        refused("SELECT rowid FROM r WHERE r MATCH 'a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a "
                + "OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a OR a' "
                + "ORDER BY rank", "bm25");
        assertThat(Rows.single(db, "SELECT bm25(t) < 0 FROM t WHERE t MATCH 'a'")).isEqualTo("1");

        db.exec("INSERT INTO t VALUES ('one two three. four five six'), ('seven')");
        assertThat(Rows.single(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'two OR five'"))
                .isEqualTo("one [two] three. four [five] six");
        assertThat(Rows.single(db, "SELECT snippet(t, 0, '<', '>', '..', 3) FROM t WHERE t MATCH 'five'"))
                .isEqualTo("..four <five> six");
        assertThat(Rows.single(db, "SELECT count(*) FROM t WHERE t MATCH 'seven' ORDER BY rank")).isEqualTo("1");
    }

    @Test
    void fts5QueriesBeyondTheirBoundsAreRefusedBeforeTheyRun() throws SqliteException {
        db.exec("CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ('a b c d e f g')");
        // Weight: 1 per one-token phrase, 6 per token of a longer phrase, 16 per token in NEAR,
        // 32 per prefix token; at most 64.
        String sixtyFive = "a" + " OR a".repeat(64);
        refused("SELECT count(*) FROM t WHERE t MATCH '" + sixtyFive + "'", "MATCH");
        refused("SELECT count(*) FROM t('" + sixtyFive + "')", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH 'a b' AND t MATCH '" + "a OR ".repeat(62) + "a'", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH '\"" + "a ".repeat(17) + "\"'", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH 'NEAR(a b c d e, 10)'", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH 'a* OR b* OR c*'", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH 'a" + " ".repeat(5000) + "'", "MATCH");
        refused("SELECT count(*) FROM t WHERE t MATCH CAST('" + sixtyFive + "' AS BLOB)", "MATCH");
        // Trigram tables answer LIKE (case-insensitive ones) and GLOB (case-sensitive ones) themselves.
        db.exec("CREATE VIRTUAL TABLE l USING fts5(x, tokenize='trigram'); INSERT INTO l VALUES ('abcdefghij'); "
                + "CREATE VIRTUAL TABLE g USING fts5(x, tokenize='trigram case_sensitive 1'); "
                + "INSERT INTO g VALUES ('abcdefghij')");
        refused("SELECT count(*) FROM l WHERE x LIKE '%" + "abcdefghij".repeat(10) + "%'", "MATCH");
        refused("SELECT count(*) FROM g WHERE x GLOB '*" + "abcdefghij".repeat(10) + "*'", "MATCH");
        assertThat(Rows.single(db, "SELECT count(*) FROM l WHERE x LIKE '%CDEF%'")).isEqualTo("1");
        assertThat(Rows.single(db, "SELECT count(*) FROM g WHERE x GLOB '*ghij'")).isEqualTo("1");
        assertThat(Rows.single(db, "SELECT count(*) FROM t WHERE t MATCH '" + "a OR ".repeat(63) + "a'")).isEqualTo("1");
        assertThat(Rows.single(db, "SELECT count(*) FROM t WHERE t MATCH '\"a b c d\" AND NEAR(a b, 3)'"))
                .isEqualTo("1");
        assertThat(Rows.single(db, "SELECT count(*) FROM t WHERE t MATCH 'b*' AND x MATCH 'g'")).isEqualTo("1");
    }

    @Test
    void everyKindOfFts5TableStillAnswersThroughTheGuards() throws SqliteException {
        db.exec("CREATE VIRTUAL TABLE n USING fts5(x, detail=none); CREATE VIRTUAL TABLE k USING fts5(x, detail=column); "
                + "CREATE VIRTUAL TABLE e USING fts5(x, content=''); CREATE TABLE src(id INTEGER PRIMARY KEY, x); "
                + "CREATE VIRTUAL TABLE s USING fts5(x, content='src', content_rowid='id'); "
                + "INSERT INTO n VALUES ('a b a c'); INSERT INTO k VALUES ('a b a c'); "
                + "INSERT INTO e(rowid, x) VALUES (1, 'a b a c'); INSERT INTO src VALUES (1, 'q r s'); "
                + "INSERT INTO s(s) VALUES ('rebuild')");
        for (String t : new String[] {"n", "k", "e"}) {
            assertThat(Rows.single(db, "SELECT count(*) FROM (SELECT snippet(" + t + ", -1, '[', ']', '..', 4), highlight("
                    + t + ", 0, '[', ']'), highlight(" + t + ", 7, '[', ']'), bm25(" + t + ") FROM " + t + " WHERE " + t
                    + " MATCH 'a' ORDER BY rank)")).as(t).isEqualTo("1");
        }
        assertThat(Rows.single(db, "SELECT highlight(s, 0, '[', ']') FROM s WHERE s MATCH 'x : (r OR z)' AND "
                + "rank MATCH 'bm25(10.0)' ORDER BY rank")).isEqualTo("q [r] s");
        assertThat(Rows.single(db, "SELECT count(*) FROM s WHERE s MATCH '*reads'")).isNotNull();
        assertThatThrownBy(() -> Rows.single(db, "SELECT count(*) FROM s WHERE s MATCH NULL"))
                .hasMessage("fts5: syntax error near \"\"");
    }

    @Test
    void likeAndGlobWithLongSegmentsOverMatchingTextAreRefused() throws SqliteException {
        String mb = run(999_998, 'a');
        refused("SELECT " + mb + " LIKE '%" + "a".repeat(20) + "b'", "like");
        refused("SELECT " + mb + " GLOB '*" + "a".repeat(20) + "b'", "glob");
        refused("SELECT like('%" + "A".repeat(20) + "b', " + mb + ")", "like");
        // An escaped star does not end the segment that is tried at every candidate.
        refused("SELECT " + mb + " LIKE '%aaaa!%" + "a".repeat(20) + "b' ESCAPE '!'", "like");
        assertThat(Rows.single(db, "SELECT " + mb + " LIKE '%foo!_bar%' ESCAPE '!'")).isEqualTo("0");
        // Ordinary patterns over a megabyte, and the plain cases.
        assertThat(Rows.single(db, "SELECT " + mb + " LIKE '%needle in a haystack%'")).isEqualTo("0");
        assertThat(Rows.single(db, "SELECT " + mb + " LIKE '%a%b'")).isEqualTo("0");
        assertThat(Rows.single(db, "SELECT " + mb + " || 'b' GLOB '*ab'")).isEqualTo("1");
        assertThat(Rows.single(db, "SELECT 'abc' LIKE 'A%', 'abc' GLOB 'A*', like('a!%', 'a%', '!')")).isEqualTo("1");
        assertThat(Rows.single(db, "SELECT 'abc' GLOB 'a*'")).isEqualTo("1");
        assertThatThrownBy(() -> Rows.single(db, "SELECT 'a' LIKE '" + "%".repeat(2000) + "'"))
                .hasMessage("LIKE or GLOB pattern too complex");
    }

    @Test
    void aLargeCallChecksTheDeadlineBeforeItRuns() throws SqliteException {
        // The virtual machine checks only every million steps here: the interrupt can only come
        // from the guard, which asks the progress handler before a call near its bound.
        db.enableDeadline(1_000_000);
        db.deadline(System.nanoTime() - 1);
        assertThatThrownBy(() -> Rows.single(db, "SELECT length(replace(" + run(999_998, 'a') + ", 'a', 'b'))"))
                .isInstanceOf(SqliteException.class).hasMessage("interrupted");
        assertThat(db.deadlineHit()).isTrue();
        db.clearDeadline();
        assertThat(Rows.single(db, "SELECT length(replace(" + run(999_998, 'a') + ", 'a', 'b'))")).isEqualTo("999998");
    }

    @Test
    void theGuardedFunctionsKeepTheirFlags() throws SqliteException {
        // Deterministic and innocuous as before: usable in an index expression and a CHECK.
        db.exec("CREATE TABLE k(a TEXT CHECK (instr(a, 'z') = 0)); CREATE INDEX ki ON k(replace(a, 'x', 'y'), ltrim(a, 'q'))");
        db.exec("INSERT INTO k VALUES ('qxq')");
        assertThat(Rows.single(db, "SELECT a FROM k WHERE replace(a, 'x', 'y') = 'qyq'")).isEqualTo("qxq");
    }
}
