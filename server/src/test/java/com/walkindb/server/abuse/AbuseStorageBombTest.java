package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: <b>storage bomb</b> — make one walk-in (and so the host's disk) hold more than its
 * 10 MB: big rows, many tables, bloated indexes, FTS5 indexes, trigger fan-out, a WAL that is
 * never checkpointed, or a page size the cap was not computed for.
 *
 * <p>What stops it: {@code max_page_count=2560} on every connection (10 MiB at 4 KiB pages),
 * answered 507 with the call rolled back; the WAL checkpointed and truncated after every call
 * that wrote; the authorizer refusing the settings that would move those limits
 * ({@code max_page_count}, {@code page_size}, {@code wal_autocheckpoint},
 * {@code journal_size_limit}, {@code journal_mode}); VACUUM impossible inside the call's
 * transaction; TEMP objects refused outright (temp data would live in memory, outside the page
 * cap). The harness checks db + WAL + SHM ≤ 10 MiB + 64 KiB for every walk-in after every
 * case; the cases here also sample the files every few ms while the call runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseStorageBombTest extends AbuseSuite {
    static final String FULL = "instance storage quota exceeded";

    private long count(String token, String table) {
        return scalar(http.sql("SELECT count(*) FROM " + table, token)).asLong();
    }

    private void integrityOk(String token) {
        assertThat(scalar(http.sql("PRAGMA integrity_check", token)).asText()).isEqualTo("ok");
    }

    /** Inserts 2 MB per call until the cap answers 507; returns how many calls succeeded. */
    private int fillUntilFull(String token) {
        for (int i = 0; i < 10; i++) {
            Reply a = http.sql(counter(500) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token);
            if (a.status() == 507) {
                expect(a, 507, FULL);
                return i;
            }
            expectOk(a);
        }
        throw new AssertionError("30 MB went into one walk-in without a 507");
    }

    @Test
    void fillingToTheCapAnswers507AndTheWalkinStaysUsable() throws Exception {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
        Path dir = instanceDir(token);
        int calls;
        long peak;
        try (DiskSampler sampler = new DiskSampler(dir)) {
            calls = fillUntilFull(token);
            peak = sampler.max();
        }
        Stats.max("instance.on_disk.bytes.sampled_during_calls", peak, "fill to cap");
        assertThat(calls).isBetween(3, 5); // 2 MB per call, 10 MiB cap
        long rows = count(token, "t");
        assertThat(rows).isEqualTo(calls * 500L); // the refused call left nothing behind
        assertThat(onDisk(dir)).isLessThanOrEqualTo(ON_DISK_CAP);
        assertThat(size(dir.resolve("db.sqlite-wal"))).isZero();
        // still usable: reads, deletes, and writes into the freed pages
        expectOk(http.sql("DELETE FROM t WHERE id % 2 = 0", token));
        expectOk(http.sql(counter(400) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token));
        assertThat(count(token, "t")).isEqualTo(rows - rows / 2 + 400);
        integrityOk(token);
    }

    @Test
    void oneCallWritingTwelveMegabytesIsRolledBackWhole() throws Exception {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO t(b) VALUES ('keep')");
        Path dir = instanceDir(token);
        try (DiskSampler sampler = new DiskSampler(dir)) {
            expect(http.sql(counter(3000) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token), 507, FULL);
            assertThat(sampler.maxWal()).as("WAL during the call").isLessThanOrEqualTo(ON_DISK_CAP);
            Stats.max("instance.wal.bytes.sampled_during_calls", sampler.maxWal(), "12 MB insert");
        }
        assertThat(count(token, "t")).isEqualTo(1);
        assertThat(size(dir.resolve("db.sqlite-wal"))).isZero();
        integrityOk(token);
    }

    @Test
    void zeroblobRowsCountAgainstTheCap() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
        expect(http.sql(counter(12) + "INSERT INTO t(b) SELECT zeroblob(999000) FROM c", token), 507, FULL);
        assertThat(count(token, "t")).isZero();
    }

    @Test
    void manySmallTablesStopAtThePageCap() {
        String token = walkin("SELECT 1");
        int created = 0;
        Reply last = null;
        for (int call = 0; call < 10; call++) {
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < 330; i++) {
                sql.append("CREATE TABLE t").append(call * 330 + i).append("(a);");
            }
            last = http.sql(sql.toString(), token);
            if (last.status() != 200) {
                break;
            }
            created += 330;
        }
        expect(last, 507, FULL);
        assertThat(created).isLessThan(2560);
        assertThat(scalar(http.sql("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", token)).asInt())
                .isEqualTo(created); // the refused call created none of its tables
    }

    @Test
    void indexBloatHitsTheCapAndIsRolledBack() {
        String token = walkin("CREATE TABLE t(v TEXT); " + counter(2000)
                + "INSERT INTO t SELECT hex(randomblob(500)) FROM c");
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            sql.append("CREATE INDEX i").append(i).append(" ON t(v || '").append(i).append("');");
        }
        expect(http.sql(sql.toString(), token), 507, FULL);
        assertThat(scalar(http.sql("SELECT count(*) FROM sqlite_schema WHERE type = 'index'", token)).asInt()).isZero();
        integrityOk(token);
    }

    @Test
    void fts5IndexBloatHitsTheCap() {
        // One call: the FTS5 table and a 12 MB load (content plus index of one long term per row).
        Reply a = http.sql("CREATE VIRTUAL TABLE ft USING fts5(body); " + counter(6000)
                + "INSERT INTO ft(body) SELECT hex(randomblob(500)) || ' ' || i FROM c");
        expect(a, 507, FULL);
        assertThat(onDisk(instanceDir(a.session()))).isLessThanOrEqualTo(ON_DISK_CAP);
    }

    @Test
    void triggerFanOutHitsTheCap() {
        String token = walkin("CREATE TABLE n(i); " + counter(500) + "INSERT INTO n SELECT i FROM c; "
                + "CREATE TABLE a(x); CREATE TABLE b(y); "
                + "CREATE TRIGGER fan AFTER INSERT ON a BEGIN INSERT INTO b SELECT randomblob(4000) FROM n; END");
        expect(http.sql("INSERT INTO a VALUES (1), (2), (3), (4), (5), (6)", token), 507, FULL);
        assertThat(count(token, "b")).isZero();
        assertThat(count(token, "a")).isZero();
    }

    @Test
    void walAutocheckpointOffIsRefusedAndTheWalIsTruncatedAfterEveryWrite() throws Exception {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); " + counter(1500)
                + "INSERT INTO t(b) SELECT randomblob(4000) FROM c");
        Path dir = instanceDir(token);
        expect(http.sql("PRAGMA wal_autocheckpoint=0", token), 400, "forbidden sql: PRAGMA wal_autocheckpoint");
        expect(http.sql("PRAGMA wal_autocheckpoint(0); UPDATE t SET b = randomblob(4000)", token), 400,
                "forbidden sql: PRAGMA wal_autocheckpoint");
        expect(http.sql("PRAGMA journal_size_limit=-1", token), 400, "forbidden sql: PRAGMA journal_size_limit");
        try (DiskSampler sampler = new DiskSampler(dir)) {
            for (int i = 0; i < 3; i++) {
                expectOk(http.sql("UPDATE t SET b = randomblob(4000)", token));
                assertThat(size(dir.resolve("db.sqlite-wal"))).as("WAL after write call %d", i).isZero();
                assertThat(onDisk(dir)).isLessThanOrEqualTo(ON_DISK_CAP);
            }
            assertThat(sampler.maxWal()).as("WAL during the calls").isLessThanOrEqualTo(ON_DISK_CAP);
            Stats.max("instance.wal.bytes.sampled_during_calls", sampler.maxWal(), "update 6 MB x3");
        }
    }

    @Test
    void rewritingEveryPageFiveTimesInOneCallKeepsTheWalWithinTheCap() throws Exception {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); " + counter(2000)
                + "INSERT INTO t(b) SELECT randomblob(4000) FROM c");
        Path dir = instanceDir(token);
        String update = "UPDATE t SET b = randomblob(4000);";
        try (DiskSampler sampler = new DiskSampler(dir)) {
            expectOk(http.sql(update.repeat(5), token));
            assertThat(sampler.maxWal()).as("WAL during the call").isLessThanOrEqualTo(ON_DISK_CAP);
            Stats.max("instance.wal.bytes.sampled_during_calls", sampler.maxWal(), "5 rewrites of 8 MB");
            Stats.max("instance.on_disk.bytes.sampled_during_calls", sampler.max(), "5 rewrites of 8 MB");
        }
        assertThat(size(dir.resolve("db.sqlite-wal"))).isZero();
    }

    @Test
    void pageCapCannotBeRaisedBeforeFilling() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
        expect(http.sql("PRAGMA max_page_count = 1000000; " + counter(3000)
                + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token), 400, "forbidden sql: PRAGMA max_page_count");
        expect(http.sql("SELECT * FROM pragma_max_page_count(1000000)", token), 400,
                "forbidden sql: PRAGMA max_page_count");
        expect(http.sql(counter(3000) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token), 507, FULL);
    }

    @Test
    void pageSizeCannotBeChangedToStretchThePageCap() {
        String token = walkin("CREATE TABLE t(x)");
        expect(http.sql("PRAGMA page_size = 65536", token), 400, "forbidden sql: PRAGMA page_size");
        expect(http.sql("VACUUM", token), 400, "invalid sql: cannot VACUUM from within a transaction");
        expect(http.sql("PRAGMA auto_vacuum = FULL", token), 400, "forbidden sql: PRAGMA auto_vacuum");
    }

    @Test
    void aFullWalkinRefusesMoreButOthersStillWrite() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
        fillUntilFull(token);
        for (int rows : new int[] {50, 5, 1}) { // top up until not even one page is left
            for (int i = 0; i < 60; i++) {
                Reply a = http.sql(counter(rows) + "INSERT INTO t(b) SELECT randomblob(3900) FROM c", token);
                if (a.status() == 507) {
                    break;
                }
                expectOk(a);
            }
        }
        expect(http.sql("INSERT INTO t(b) VALUES (randomblob(900000))", token), 507, FULL);
        expect(http.sql("CREATE TABLE more(x)", token), 507, FULL);
        String other = walkin("CREATE TABLE t(b); INSERT INTO t VALUES (randomblob(100000))");
        assertThat(scalar(http.sql("SELECT count(*) FROM t", other)).asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "CREATE TEMP TABLE big AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 12800) "
                    + "SELECT randomblob(4000) AS b FROM c",
            "CREATE TEMP TABLE t(x)",
            "CREATE TEMPORARY TABLE IF NOT EXISTS t(x)",
            "CREATE TABLE temp.t(x)",
            "CREATE TABLE \"TEMP\".t(x)",
            "CREATE TEMP VIEW v AS SELECT 1",
            "CREATE VIEW temp.v AS SELECT 1",
            "CREATE TABLE m(x); CREATE TEMP TRIGGER tr AFTER INSERT ON m BEGIN SELECT 1; END",
            "CREATE VIRTUAL TABLE temp.v USING fts5(a)",
    })
    void tempObjectsAreRefused(String sql) {
        Reply a = http.sql(sql);
        assertThat(a.status()).as("%s", a).isEqualTo(400);
        // SQLite announces any TEMP object with an insert into the temp schema first
        assertThat(a.error()).as("%s", a).matches("forbidden sql: TEMP (table|view|trigger|index)");
        assertThat(a.millis()).as("safety bound: the 2 s deadline + 1 s").isLessThanOrEqualTo(3000);
    }

    @Test
    void theTempSchemaTableCannotBeWrittenDirectly() {
        Reply a = http.sql("INSERT INTO temp.sqlite_temp_master VALUES ('table', 'x', 'x', 0, 'CREATE TABLE x(y)')");
        assertThat(a.status()).isEqualTo(400);
        // the authorizer (TEMP) or DEFENSIVE mode (schema tables are read-only) refuses it
        assertThat(a.error()).isIn("forbidden sql: TEMP table", "invalid sql: table sqlite_temp_master may not be modified");
        assertThat(http.sql("SELECT count(*) FROM sqlite_temp_master", a.session()).rows().toString()).isEqualTo("[[0]]");
    }

    @Test
    void aFiftyMegabyteTempTableIsRefusedBeforeItIsBuilt() {
        Reply a = http.sql("CREATE TEMP TABLE big(b); " + counter(12800)
                + "INSERT INTO big SELECT randomblob(4000) FROM c; SELECT count(*) FROM big");
        expect(a, 400, "forbidden sql: TEMP table");
        // Statement 1 is refused, so nothing was built; the time is a safety bound only: building
        // 50 MB would run into the call's 2 s deadline (408), and this allows that deadline + 1 s.
        assertThat(a.json().path("statement").asInt()).isEqualTo(1);
        assertThat(a.millis()).isLessThanOrEqualTo(3000);
    }
}
