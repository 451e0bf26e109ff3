package com.walkindb.server.http;

import static com.walkindb.server.testing.ReplyAssertions.assertErrorMessage;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Parallel;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/API.md, "Every call is atomic": one transaction per call, the caller's transaction statements,
 * what rows_affected counts, where columns and rows come from, and one call at a time per
 * walk-in under concurrency.
 */
class TransactionTest {
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

    @Test
    void failureInTheThirdStatementRollsBackTheFirstTwo() {
        String s = walkIn();
        JsonNode e = assertErrorMessage(server.http().sql("INSERT INTO t VALUES (1, 'a'); UPDATE t SET v = 'b'; "
                + "INSERT INTO t VALUES (1, 'dup')", null, s), 400, "invalid sql: UNIQUE constraint failed: t.x");
        assertThat(e.path("statement").asInt()).isEqualTo(3);
        assertThat(xs(s)).isEqualTo("[]");

        assertErrorMessage(server.http().sql("CREATE TABLE u(y); INSERT INTO u VALUES (1); SELECT nope FROM u", null, s), 400,
                "invalid sql: no such column: nope");
        assertThat(rows(server.http().sql("SELECT name FROM sqlite_schema ORDER BY name", null, s))).isEqualTo("[[\"t\"]]");
    }

    @Test
    void callersBeginCommitAndEndChangeNothing() {
        String s = walkIn();
        JsonNode e = assertErrorMessage(server.http().sql("BEGIN; INSERT INTO t VALUES (1, 'x'); COMMIT; "
                + "INSERT INTO t VALUES (1, 'again')", null, s), 400, "invalid sql: UNIQUE constraint failed: t.x");
        assertThat(e.path("statement").asInt()).isEqualTo(4);
        assertThat(xs(s)).as("the caller's COMMIT committed nothing").isEqualTo("[]");

        assertThat(server.http().sql("BEGIN TRANSACTION; INSERT INTO t VALUES (1, 'x'); END TRANSACTION", null, s).status())
                .isEqualTo(200);
        assertThat(server.http().sql("BEGIN IMMEDIATE; INSERT INTO t VALUES (2, 'y'); COMMIT TRANSACTION; "
                + "BEGIN EXCLUSIVE; INSERT INTO t VALUES (3, 'z'); END", null, s).status()).isEqualTo(200);
        assertThat(server.http().sql("COMMIT", null, s).status()).as("COMMIT with nothing to commit").isEqualTo(200);
        assertThat(server.http().sql("BEGIN; INSERT INTO t VALUES (4, 'w')", null, s).status()).isEqualTo(200);
        assertThat(xs(s)).as("a BEGIN without COMMIT still commits at the call's end").isEqualTo("[[1],[2],[3],[4]]");
    }

    @Test
    void savepointsWorkInsideTheCall() {
        String s = walkIn();
        assertThat(rows(server.http().sql("SAVEPOINT a; INSERT INTO t VALUES (10, 0); ROLLBACK TO a; INSERT INTO t VALUES (11, 0); "
                + "RELEASE a; SELECT x FROM t", null, s))).isEqualTo("[[11]]");
        assertThat(rows(server.http().sql("SAVEPOINT outer_sp; INSERT INTO t VALUES (20, 0); SAVEPOINT inner_sp; "
                + "INSERT INTO t VALUES (21, 0); ROLLBACK TO inner_sp; RELEASE inner_sp; INSERT INTO t VALUES (22, 0); "
                + "RELEASE SAVEPOINT outer_sp; SELECT x FROM t WHERE x >= 20", null, s))).isEqualTo("[[20],[22]]");
        assertErrorMessage(server.http().sql("SAVEPOINT a; INSERT INTO t VALUES (30, 0); RELEASE a; INSERT INTO t VALUES (30, 0)",
                null, s), 400, "invalid sql: UNIQUE constraint failed: t.x");
        assertThat(xs(s)).as("RELEASE does not commit on its own").isEqualTo("[[11],[20],[22]]");
        assertThat(server.http().sql("SAVEPOINT open_sp; INSERT INTO t VALUES (40, 0)", null, s).status()).isEqualTo(200);
        assertThat(xs(s)).as("an unreleased savepoint is committed with the call").isEqualTo("[[11],[20],[22],[40]]");
        assertErrorMessage(server.http().sql("ROLLBACK TO nosuch", null, s), 400, "invalid sql: no such savepoint: nosuch");
    }

    /**
     * A call that is one read-only statement with columns runs without the call's BEGIN/COMMIT;
     * every other shape of a lone statement still gets them, and each answers as before.
     */
    @Test
    void aLoneStatementAnswersAsInsideTheCallsTransaction() {
        String s = walkIn();
        assertThat(server.http().sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')", null, s).status()).isEqualTo(200);
        assertThat(rows(server.http().sql("SELECT x FROM t ORDER BY x;;  \n", null, s))).isEqualTo("[[1],[2]]");
        assertThat(rows(server.http().sql("SELECT x FROM t ORDER BY x -- a comment", null, s))).isEqualTo("[[1],[2]]");
        assertThat(rows(server.http().sql("SELECT x FROM t ORDER BY x; -- a comment after it", null, s))).isEqualTo("[[1],[2]]");
        assertThat(rows(server.http().sql("SELECT name FROM pragma_table_info('t') ORDER BY cid", null, s)))
                .isEqualTo("[[\"x\"],[\"v\"]]");
        assertThat(server.http().sql("PRAGMA table_info(t)", null, s).json().path("rows").size()).isEqualTo(2);
        assertThat(server.http().sql("EXPLAIN QUERY PLAN SELECT x FROM t WHERE x = 1", null, s).status()).isEqualTo(200);
        for (String alone : List.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT a")) {
            assertThat(server.http().sql(alone, null, s).status()).as(alone).isEqualTo(200);
        }
        assertErrorMessage(server.http().sql("RELEASE nosuch", null, s), 400, "invalid sql: no such savepoint: nosuch");
        assertThat(rows(server.http().sql("INSERT INTO t VALUES (3, 'c') RETURNING x", null, s)))
                .as("RETURNING has columns but writes: the call's transaction").isEqualTo("[[3]]");
        assertThat(xs(s)).isEqualTo("[[1],[2],[3]]");
        assertErrorMessage(server.http().sql("SELECT nope FROM t", null, s), 400, "invalid sql: no such column: nope");
        assertThat(server.http().sql("SELECT x FROM t", null, s).status())
                .as("no transaction is left open by the failed read").isEqualTo(200);
        assertThat(server.http().sql("INSERT INTO t VALUES (4, 'd')", null, s).status()).isEqualTo(200);
        assertThat(xs(s)).isEqualTo("[[1],[2],[3],[4]]");
    }

    @Test
    void plainRollbackDiscardsTheCallSoFarAndLaterStatementsStillRun() {
        String s = walkIn();
        Reply r = server.http().sql("INSERT INTO t VALUES (50, 0); ROLLBACK; INSERT INTO t VALUES (51, 0); SELECT x FROM t", null, s);
        assertThat(rows(r)).isEqualTo("[[51]]");
        assertThat(r.json().path("rows_affected").asLong()).as("what was discarded is not counted").isEqualTo(1);
        assertThat(xs(s)).isEqualTo("[[51]]");

        assertThat(server.http().sql("INSERT INTO t VALUES (60, 0); ROLLBACK TRANSACTION; INSERT INTO t VALUES (60, 0)", null, s)
                .status()).isEqualTo(200);
        assertErrorMessage(server.http().sql("INSERT INTO t VALUES (70, 0); ROLLBACK; INSERT INTO t VALUES (71, 0); "
                + "INSERT INTO t VALUES (71, 0)", null, s), 400, "invalid sql: UNIQUE constraint failed: t.x");
        assertThat(xs(s)).isEqualTo("[[51],[60]]");
        assertThat(rows(server.http().sql("CREATE TABLE gone(x); ROLLBACK; SELECT count(*) FROM sqlite_schema WHERE name = 'gone'",
                null, s))).isEqualTo("[[0]]");
    }

    @Test
    void deferredForeignKeyViolationFailsTheCallAtItsEndAndKeepsNothing() {
        String s = server.http().sql("CREATE TABLE p(id INTEGER PRIMARY KEY); "
                + "CREATE TABLE c(p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)").session();
        assertErrorMessage(server.http().sql("INSERT INTO p VALUES (1); INSERT INTO c VALUES (99)", null, s), 400,
                "invalid sql: FOREIGN KEY constraint failed");
        assertThat(rows(server.http().sql("SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c)", null, s))).isEqualTo("[[0,0]]");
        assertThat(server.http().sql("INSERT INTO c VALUES (5); INSERT INTO p VALUES (5)", null, s).status())
                .as("a deferred reference satisfied by the end of the call").isEqualTo(200);
    }

    @Test
    void rowsAffectedCountsDirectWritesOnly() {
        String s = server.http().sql("CREATE TABLE p(id INTEGER PRIMARY KEY); "
                + "CREATE TABLE ch(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) ON DELETE CASCADE); "
                + "CREATE TABLE t(x INTEGER PRIMARY KEY, v); CREATE TABLE log(m); "
                + "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('one'); INSERT INTO log VALUES ('two'); END")
                .session();
        assertAffected(s, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", 3);
        assertThat(rows(server.http().sql("SELECT count(*) FROM log", null, s))).as("the trigger did run").isEqualTo("[[6]]");
        assertAffected(s, "UPDATE t SET v = 'z' WHERE x >= 2", 2);
        assertAffected(s, "REPLACE INTO t VALUES (1, 'r')", 1);
        assertAffected(s, "INSERT OR REPLACE INTO t VALUES (4, 'new')", 1);
        assertAffected(s, "INSERT OR IGNORE INTO t VALUES (1, 'ignored')", 0);
        assertAffected(s, "INSERT INTO t VALUES (5, 'u') ON CONFLICT(x) DO UPDATE SET v = 'u'", 1);
        assertAffected(s, "INSERT INTO t VALUES (5, 'u2') ON CONFLICT(x) DO UPDATE SET v = 'u2'", 1);
        assertAffected(s, "DELETE FROM t WHERE x = 5", 1);
        assertAffected(s, "UPDATE t SET v = v WHERE 0", 0);
        assertAffected(s, "INSERT INTO p VALUES (1), (2); INSERT INTO ch VALUES (10, 1), (11, 1), (12, 1), (13, 2)", 6);
        assertAffected(s, "DELETE FROM p WHERE id = 1", 1);
        assertThat(rows(server.http().sql("SELECT count(*) FROM ch", null, s))).as("the cascade did run").isEqualTo("[[1]]");
        Reply returning = server.http().sql("UPDATE t SET v = 'w' RETURNING x", null, s);
        assertThat(returning.json().path("rows_affected").asLong()).isEqualTo(4);
        assertThat(returning.json().path("rows").size()).isEqualTo(4);
        assertAffected(s, "SELECT * FROM t; PRAGMA table_info(t)", 0);
        assertAffected(s, "INSERT INTO t VALUES (7, 'm'); CREATE TABLE e(a); SELECT 1; UPDATE t SET v = 'n' WHERE x = 7; "
                + "DELETE FROM t WHERE x = 7", 3);
        assertAffected(s, "DELETE FROM t", 4);
    }

    @Test
    void ddlAddsNothingToRowsAffected() {
        // Each DDL statement follows a two-row INSERT in the same call, so a DDL statement that
        // counted (or re-counted SQLite's last changes()) would show as more than 2.
        String s = server.http().sql("CREATE TABLE w(x); CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3); "
                + "CREATE TABLE p2(id INTEGER PRIMARY KEY); CREATE TABLE ch2(p INTEGER REFERENCES p2(id) ON DELETE CASCADE); "
                + "INSERT INTO p2 VALUES (1), (2), (3); INSERT INTO ch2 VALUES (1), (2)").session();
        SoftAssertions soft = new SoftAssertions();
        for (String ddl : List.of("CREATE TABLE d(a)", "CREATE INDEX di ON d(a)", "CREATE VIEW dv AS SELECT a FROM d",
                "CREATE TRIGGER dt AFTER DELETE ON d BEGIN SELECT 1; END", "ALTER TABLE d ADD COLUMN b",
                "DROP INDEX di", "DROP VIEW dv", "DROP TRIGGER dt", "CREATE TABLE copy AS SELECT x FROM t",
                "DROP TABLE copy", "DROP TABLE t", "DROP TABLE p2", "CREATE VIRTUAL TABLE f USING fts5(body)",
                "DROP TABLE f")) {
            Reply r = server.http().sql("INSERT INTO w VALUES (1), (2); " + ddl, null, s);
            soft.assertThat(r.status()).as("%s → %s", ddl, r.body()).isEqualTo(200);
            soft.assertThat(r.json().path("rows_affected").asLong()).as(ddl).isEqualTo(2);
        }
        soft.assertAll();
        assertThat(rows(server.http().sql("SELECT count(*) FROM ch2", null, s))).as("DROP TABLE p2 cascaded").isEqualTo("[[0]]");
    }

    @Test
    void alterTableRenamesAndDropsColumnsLikeSqlite() {
        // each change on its own walk-in, so one failing does not hide the others
        SoftAssertions soft = new SoftAssertions();
        for (String[] c : new String[][] {{"ALTER TABLE d RENAME TO d2", "SELECT * FROM d2", "[\"a\",\"b\",\"c\"]"},
                {"ALTER TABLE d RENAME COLUMN a TO a2", "SELECT * FROM d", "[\"a2\",\"b\",\"c\"]"},
                {"ALTER TABLE d DROP COLUMN c", "SELECT * FROM d", "[\"a\",\"b\"]"}}) {
            String s = server.http().sql("CREATE TABLE d(a, b, c); INSERT INTO d VALUES (1, 2, 3)").session();
            Reply r = server.http().sql(c[0], null, s);
            soft.assertThat(r.status()).as("%s → %s", c[0], r.body()).isEqualTo(200);
            soft.assertThat(server.http().sql(c[1], null, s).json().path("columns").toString()).as(c[0]).isEqualTo(c[2]);
        }
        soft.assertAll();
        String s = server.http().sql("CREATE TABLE d(a, b, c); INSERT INTO d VALUES (1, 2, 3)").session();
        assertAffected(s, "INSERT INTO d VALUES (4, 5, 6); ALTER TABLE d RENAME TO d2; ALTER TABLE d2 RENAME COLUMN a TO a2; "
                + "ALTER TABLE d2 DROP COLUMN c", 1);
        assertThat(server.http().sql("SELECT * FROM d2 LIMIT 1", null, s).body())
                .isEqualTo("{\"columns\":[\"a2\",\"b\"],\"rows\":[[1,2]],\"rows_affected\":0,\"truncated\":false}");
    }

    private static void assertAffected(String session, String sql, long expected) {
        Reply r = server.http().sql(sql, null, session);
        assertThat(r.status()).as("%s → %s", sql, r.body()).isEqualTo(200);
        assertThat(r.json().path("rows_affected").asLong()).as(sql).isEqualTo(expected);
    }

    @Test
    void columnsAndRowsComeFromTheLastStatementThatHasColumns() {
        String s = server.http().sql("CREATE TABLE c(x)").session();
        assertThat(server.http().sql("SELECT 1 AS a; SELECT 2 AS b WHERE 0", null, s).body())
                .isEqualTo("{\"columns\":[\"b\"],\"rows\":[],\"rows_affected\":0,\"truncated\":false}");
        assertThat(server.http().sql("SELECT x FROM c; INSERT INTO c VALUES (1)", null, s).body())
                .isEqualTo("{\"columns\":[\"x\"],\"rows\":[],\"rows_affected\":1,\"truncated\":false}");
        assertThat(server.http().sql("SELECT 1 AS a; INSERT INTO c VALUES (2) RETURNING x AS r; CREATE TABLE c2(y)", null, s).body())
                .isEqualTo("{\"columns\":[\"r\"],\"rows\":[[2]],\"rows_affected\":1,\"truncated\":false}");
        assertThat(server.http().sql("PRAGMA table_info(c)", null, s).json().path("columns").toString())
                .isEqualTo("[\"cid\",\"name\",\"type\",\"notnull\",\"dflt_value\",\"pk\"]");
        assertThat(server.http().sql("CREATE TABLE c3(z); INSERT INTO c3 VALUES (1)", null, s).body())
                .isEqualTo("{\"columns\":[],\"rows\":[],\"rows_affected\":1,\"truncated\":false}");
        assertThat(server.http().sql("SELECT 1 AS a, 2 AS a", null, s).body())
                .isEqualTo("{\"columns\":[\"a\",\"a\"],\"rows\":[[1,2]],\"rows_affected\":0,\"truncated\":false}");
    }

    @Test
    void thirtyTwoConcurrentCallsOnOneWalkInAllSucceedOneAtATime() throws Exception {
        String s = server.http().sql("CREATE TABLE q(n INTEGER)").session();
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int n = i;
            calls.add(() -> server.http().sql("INSERT INTO q VALUES (?); SELECT count(*) FROM q", List.of(n), s));
        }
        List<Reply> replies = Parallel.concurrently(calls);
        List<Integer> counts = new ArrayList<>();
        for (Reply r : replies) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContainIgnoringCase("locked");
            counts.add(r.json().path("rows").get(0).get(0).asInt());
        }
        assertThat(counts).as("each call saw the ones before it, and no other")
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 32).boxed().toList());
        assertThat(rows(server.http().sql("SELECT count(*), sum(n), count(DISTINCT n) FROM q", null, s))).isEqualTo("[[32,496,32]]");
    }
}
