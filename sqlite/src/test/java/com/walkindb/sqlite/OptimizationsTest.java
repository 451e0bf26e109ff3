package com.walkindb.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tower of self-joining views makes the query flattener's work grow with 2^depth inside
 * sqlite3_prepare, where no progress handler runs. With the flattener off, the same tower grows
 * the program instead, and the VDBE_OP limit stops it (reported as out of memory).
 */
class OptimizationsTest {
    @TempDir Path dir;

    private static void tower(SqliteConnection db, int depth) throws SqliteException {
        StringBuilder sql = new StringBuilder("CREATE TABLE j0(a, b);");
        for (int i = 1; i <= depth; i++) {
            sql.append("CREATE VIEW j").append(i).append(" AS SELECT x.a, y.b FROM j").append(i - 1)
                    .append(" x, j").append(i - 1).append(" y;");
        }
        db.exec(sql.toString());
    }

    @Test
    void withoutTheFlattenerADeepViewTowerHitsTheProgramSizeLimit() throws SqliteException {
        try (SqliteConnection db = SqliteConnection.open(dir.resolve("db.sqlite"))) {
            db.limit(Limit.VDBE_OP, 500_000);
            db.disableOptimizations(SqliteConnection.QUERY_FLATTENER);
            tower(db, 15);
            assertThatThrownBy(() -> Rows.single(db, "SELECT 1 FROM j15"))
                    .isInstanceOf(SqliteException.class)
                    .extracting(e -> ((SqliteException) e).primaryCode()).isEqualTo(ResultCodes.NOMEM);
        }
    }

    @Test
    void withoutTheFlattenerViewsStillAnswerCorrectly() throws SqliteException {
        try (SqliteConnection db = SqliteConnection.open(dir.resolve("db.sqlite"))) {
            db.disableOptimizations(SqliteConnection.QUERY_FLATTENER);
            db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3); CREATE VIEW v AS SELECT x * 2 AS y FROM t");
            assertThat(Rows.single(db, "SELECT sum(y) FROM (SELECT y FROM v WHERE y > 2)")).isEqualTo("10");
        }
    }
}
