package com.walkindb.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed API: statements, values, limits, authorizer, deadline, interrupt, confinement. */
class ConnectionTest {
    @TempDir Path dir;
    SqliteConnection db;

    @BeforeEach
    void open() throws SqliteException {
        db = SqliteConnection.open(dir.resolve("db.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void cursorWalksEveryStatementAndSkipsCommentsBetweenThem() throws SqliteException {
        List<Integer> columnCounts = new ArrayList<>();
        try (StatementCursor c = db.compile("CREATE TABLE t(a); /* c */ INSERT INTO t VALUES (1); -- x\n SELECT a FROM t; -- end")) {
            for (SqliteStatement st = c.next(); st != null; st = c.next()) {
                columnCounts.add(st.columnCount());
                while (st.step()) { /* drain */ }
            }
        }
        assertThat(columnCounts).containsExactly(0, 0, 1);
    }

    @Test
    void cursorSaysWhetherOnlyBlanksAndSemicolonsFollowTheStatement() throws SqliteException {
        try (StatementCursor c = db.compile("SELECT 1; SELECT 2 ;; \n\t")) {
            assertThat(c.next()).isNotNull();
            assertThat(c.atEnd()).as("a second statement follows").isFalse();
            assertThat(c.next()).isNotNull();
            assertThat(c.atEnd()).isTrue();
        }
        try (StatementCursor c = db.compile("SELECT 1 -- SQLite takes a comment before the semicolon with the statement")) {
            assertThat(c.next()).isNotNull();
            assertThat(c.atEnd()).isTrue();
        }
        try (StatementCursor c = db.compile("SELECT 1; -- after it")) {
            assertThat(c.next()).isNotNull();
            assertThat(c.atEnd()).as("a comment after the semicolon is not looked into").isFalse();
        }
        try (StatementCursor c = db.compile("SELECT 1")) {
            assertThat(c.next()).isNotNull();
            assertThat(c.atEnd()).isTrue();
        }
    }

    @Test
    void cursorsShareTheConnectionsScratchOneAtATimeAndLongTextsGetTheirOwn() throws SqliteException {
        String longText = "SELECT '" + "x".repeat(40_000) + "'";
        try (StatementCursor outer = db.compile("SELECT 1; SELECT 2")) {
            SqliteStatement first = outer.next();
            try (StatementCursor inner = db.compile("SELECT 'inner'")) { // the scratch is taken: an arena of its own
                SqliteStatement st = inner.next();
                assertThat(st.step()).isTrue();
                assertThat(st.columnText(0)).isEqualTo("inner");
            }
            assertThat(first.step()).isTrue();
            assertThat(first.columnLong(0)).isEqualTo(1);
            SqliteStatement second = outer.next();
            assertThat(second.step()).isTrue();
            assertThat(second.columnLong(0)).as("the outer text was not overwritten").isEqualTo(2);
        }
        for (String text : new String[] {"SELECT 3", longText, "SELECT 4"}) {
            try (StatementCursor c = db.compile(text)) {
                SqliteStatement st = c.next();
                assertThat(st.step()).isTrue();
                assertThat(st.columnText(0)).isEqualTo(text.substring("SELECT ".length()).replace("'", ""));
                assertThat(c.next()).isNull();
            }
        }
    }

    @Test
    void valuesRoundTripWithTheirTypes() throws SqliteException {
        byte[] blob = {0, 1, (byte) 0xff};
        try (StatementCursor c = db.compile("SELECT ?, ?, ?, ?, ?")) {
            SqliteStatement st = c.next();
            assertThat(st.parameterCount()).isEqualTo(5);
            st.bindLong(1, Long.MIN_VALUE);
            st.bindDouble(2, 2.5);
            st.bindText(3, "héllo ✓");
            st.bindBlob(4, blob);
            st.bindNull(5);
            assertThat(st.step()).isTrue();
            assertThat(st.columnType(0)).isEqualTo(SqliteStatement.INTEGER);
            assertThat(st.columnLong(0)).isEqualTo(Long.MIN_VALUE);
            assertThat(st.columnType(1)).isEqualTo(SqliteStatement.FLOAT);
            assertThat(st.columnDouble(1)).isEqualTo(2.5);
            assertThat(st.columnText(2)).isEqualTo("héllo ✓");
            assertThat(st.columnBlob(3)).containsExactly(blob);
            assertThat(st.columnType(4)).isEqualTo(SqliteStatement.NULL);
            assertThat(st.step()).isFalse();
        }
    }

    @Test
    void parameterNamesKeepTheirPrefix() throws SqliteException {
        try (StatementCursor c = db.compile("SELECT :a, @b, $c, ?7")) {
            SqliteStatement st = c.next();
            assertThat(st.parameterCount()).isEqualTo(7);
            assertThat(st.parameterName(1)).isEqualTo(":a");
            assertThat(st.parameterName(2)).isEqualTo("@b");
            assertThat(st.parameterName(3)).isEqualTo("$c");
            assertThat(st.parameterName(7)).isEqualTo("?7");
            assertThat(st.parameterName(4)).isNull();
        }
    }

    @Test
    void changesAndAutocommitAreReported() throws SqliteException {
        db.exec("CREATE TABLE t(a); BEGIN; INSERT INTO t VALUES (1), (2), (3)");
        assertThat(db.changes()).isEqualTo(3);
        assertThat(db.autocommit()).isFalse();
        db.exec("COMMIT");
        assertThat(db.autocommit()).isTrue();
    }

    @Test
    void limitsApply() throws SqliteException {
        db.limit(Limit.LENGTH, 1000);
        assertThat(db.limit(Limit.LENGTH)).isEqualTo(1000);
        assertThatThrownBy(() -> Rows.single(db, "SELECT length(zeroblob(1001))"))
                .isInstanceOf(SqliteException.class).extracting(e -> ((SqliteException) e).primaryCode())
                .isEqualTo(ResultCodes.TOOBIG);
        db.limit(Limit.COLUMN, 3);
        assertThatThrownBy(() -> db.exec("CREATE TABLE wide(a, b, c, d)"))
                .isInstanceOf(SqliteException.class).hasMessageContaining("too many columns");
    }

    @Test
    void configSwitchesReportTheirNewState() throws SqliteException {
        assertThat(db.config(DbConfig.DEFENSIVE, true)).isTrue();
        assertThat(db.config(DbConfig.TRUSTED_SCHEMA, false)).isFalse();
        assertThat(db.config(DbConfig.DQS_DML, false)).isFalse();
    }

    @Test
    void authorizerIsCalledAndCanDeny() throws SqliteException {
        List<String> seen = new ArrayList<>();
        db.authorizer((action, a1, a2, database, trigger) -> {
            seen.add(action + ":" + a1);
            return action == Authorizer.PRAGMA ? Authorizer.DENY : Authorizer.OK;
        });
        assertThat(Rows.single(db, "SELECT abs(-1)")).isEqualTo("1");
        assertThat(seen).contains(Authorizer.SELECT + ":null", Authorizer.FUNCTION + ":null");
        assertThatThrownBy(() -> db.exec("PRAGMA user_version = 7"))
                .isInstanceOf(SqliteException.class).extracting(e -> ((SqliteException) e).primaryCode())
                .isEqualTo(ResultCodes.AUTH);
    }

    @Test
    void authorizerThatThrowsDeniesInsteadOfCrashing() {
        db.authorizer((action, a1, a2, database, trigger) -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> db.exec("CREATE TABLE t(a)")).isInstanceOf(SqliteException.class)
                .extracting(e -> ((SqliteException) e).primaryCode()).isEqualTo(ResultCodes.AUTH);
    }

    @Test
    void deadlineStopsARunawayStatement() {
        db.enableDeadline(1000);
        long start = System.nanoTime();
        db.deadline(start + TimeUnit.MILLISECONDS.toNanos(200));
        assertThatThrownBy(() -> Rows.single(db,
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"))
                .isInstanceOf(SqliteException.class).extracting(e -> ((SqliteException) e).primaryCode())
                .isEqualTo(ResultCodes.INTERRUPT);
        assertThat(db.deadlineHit()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1200);
    }

    @Test
    void interruptFromAnotherThreadStopsARunawayStatement() throws Exception {
        var timer = Executors.newSingleThreadScheduledExecutor();
        try {
            var unused = timer.schedule(db::interrupt, 200, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> Rows.single(db,
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"))
                    .isInstanceOf(SqliteException.class).extracting(e -> ((SqliteException) e).primaryCode())
                    .isEqualTo(ResultCodes.INTERRUPT);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void anotherThreadCannotUseAConnectionItDoesNotOwn() throws Exception {
        var other = CompletableFuture.supplyAsync(() -> {
            try {
                db.exec("SELECT 1");
                return "used";
            } catch (IllegalStateException e) {
                return "refused";
            } catch (SqliteException e) {
                return "sqlite error";
            }
        });
        assertThat(other.get()).isEqualTo("refused");
        db.release();
        var claimed = CompletableFuture.supplyAsync(() -> {
            db.claim();
            try {
                return Rows.single(db, "SELECT 41 + 1");
            } catch (SqliteException e) {
                return e.getMessage();
            } finally {
                db.release();
            }
        });
        assertThat(claimed.get()).isEqualTo("42");
        db.claim();
    }

    @Test
    void hardHeapLimitTurnsBigAllocationsIntoNoMem() throws SqliteException {
        long previous = Sqlite.hardHeapLimit(Sqlite.memoryUsed() + 8 * 1024 * 1024);
        try {
            assertThatThrownBy(() -> Rows.single(db,
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 200000) "
                            + "SELECT count(*) FROM (SELECT randomblob(500) AS b FROM c ORDER BY b)"))
                    .isInstanceOf(SqliteException.class).extracting(e -> ((SqliteException) e).primaryCode())
                    .isEqualTo(ResultCodes.NOMEM);
        } finally {
            Sqlite.hardHeapLimit(previous);
        }
        assertThat(Rows.single(db, "SELECT 1")).isEqualTo("1");
    }

    @Test
    void checkpointTruncateEmptiesTheWal() throws Exception {
        db.exec("PRAGMA journal_mode=WAL; CREATE TABLE t(a); INSERT INTO t VALUES (randomblob(100000))");
        Path wal = dir.resolve("db.sqlite-wal");
        assertThat(Files.size(wal)).isGreaterThan(100000);
        db.checkpointTruncate();
        assertThat(Files.size(wal)).isZero();
    }

    @Test
    void symlinkedDatabaseIsRefused() throws Exception {
        Path target = dir.resolve("real.sqlite");
        Files.write(target, new byte[0]);
        Path link = Files.createSymbolicLink(dir.resolve("link.sqlite"), target);
        assertThatThrownBy(() -> SqliteConnection.open(link)).isInstanceOf(SqliteException.class);
    }

    @Test
    void invalidUtf8TextStillDecodes() throws SqliteException {
        try (StatementCursor c = db.compile("SELECT CAST(x'ff41' AS TEXT)")) {
            SqliteStatement st = c.next();
            st.step();
            assertThat(st.columnTextBytes(0)).containsExactly((byte) 0xff, (byte) 'A');
            assertThat(st.columnText(0)).isEqualTo(new String(new byte[] {(byte) 0xff, 'A'}, StandardCharsets.UTF_8));
        }
    }
}
