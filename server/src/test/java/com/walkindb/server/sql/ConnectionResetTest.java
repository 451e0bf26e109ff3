package com.walkindb.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.DbConfig;
import com.walkindb.sqlite.Limit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached connection starts every call with the limits and switches it was opened with. They
 * are re-applied only after a call that compiled a PRAGMA (no other SQL can change them), so
 * the test changes them behind SQL's back and checks when they come back.
 */
class ConnectionResetTest {
    @TempDir Path dir;

    private WalkinConnection open() throws Exception {
        Path file = dir.resolve("db.sqlite");
        Files.write(file, new DatabaseTemplate(dir).bytes());
        return WalkinConnection.open(file, Limits.DEFAULTS, Ticker.SYSTEM);
    }

    private static CallOutcome call(WalkinConnection c, String sql) {
        return CallExecutor.execute(c, sql, CallArgs.None.INSTANCE, new AnswerMemory(1 << 20));
    }

    /** Loosens every limit and switch the way only C code could. */
    private static void tamper(WalkinConnection c) throws Exception {
        for (Limit limit : Limits.DEFAULTS.sqliteLimits().keySet()) {
            c.sqlite().limit(limit, c.sqlite().limit(limit) + 1);
        }
        c.sqlite().config(DbConfig.DEFENSIVE, false);
        c.sqlite().config(DbConfig.TRUSTED_SCHEMA, true);
    }

    private static void assertAsOpened(WalkinConnection c) throws Exception {
        for (Map.Entry<Limit, Integer> e : Limits.DEFAULTS.sqliteLimits().entrySet()) {
            assertThat(c.sqlite().limit(e.getKey())).as(e.getKey().name()).isEqualTo(e.getValue());
        }
        assertThat(c.sqlite().config(DbConfig.DEFENSIVE, true)).isTrue();
    }

    @Test
    void aCallThatCompiledAPragmaPutsEveryLimitAndSwitchBack() throws Exception {
        try (WalkinConnection c = open()) {
            for (String sql : new String[] {"PRAGMA table_list", "PRAGMA foreign_keys=OFF"}) { // allowed, refused
                tamper(c);
                call(c, sql);
                assertThat(c.resetAfterCall()).isTrue();
                assertAsOpened(c);
            }
        }
    }

    @Test
    void aCallWithoutPragmaLeavesThemAsTheyAre() throws Exception {
        try (WalkinConnection c = open()) {
            assertThat(call(c, "CREATE TABLE t(x); INSERT INTO t VALUES (1); SELECT x FROM t"))
                    .isInstanceOf(CallOutcome.Success.class);
            assertThat(c.resetAfterCall()).isTrue();
            assertAsOpened(c);
            tamper(c);
            call(c, "SELECT 1");
            assertThat(c.resetAfterCall()).isTrue();
            // EXPR_DEPTH: below its compile-time ceiling, so tamper() could raise it (some limits
            // are at theirs, e.g. ATTACHED 0, and cannot move at all)
            assertThat(c.sqlite().limit(Limit.EXPR_DEPTH)).isEqualTo(Limits.DEFAULTS.sqliteLimits().get(Limit.EXPR_DEPTH) + 1);
        }
    }
}
