package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>fill the host's disk</b> — many walk-ins filled towards their 10 MB each, until the data
 * volume is full and SQLite fails in the middle of transactions (everyone's, not only the
 * attacker's), or the server cannot even write a new walk-in's first file.
 *
 * <p>What stops it: the disk guard. Below the free-space threshold no walk-in is created and no
 * write may grow one: {@code 503 server storage full} with {@code Retry-After: 30}, rolled back,
 * reads still answered. Here the guard sees a simulated volume (the real server and SQLite, only
 * the free-space figure is the test's); {@code AbuseFullVolumeTest} fills a real one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseDiskGuardTest extends AbuseSuite {
    static final String SERVER_FULL = "server storage full";
    static final long MIB = 1024 * 1024;
    static final long VOLUME = 100_000 * MIB;

    @Override
    protected Map<String, String> serverEnv() {
        // The guard at 64 MiB (the percent half left out), whatever the test machine's disk holds.
        return Map.of("WALKINDB_DISK_MIN_FREE_MB", "64", "WALKINDB_DISK_MIN_FREE_PERCENT", "0");
    }

    private void diskFull() {
        server.simulateDisk(10 * MIB, VOLUME);
    }

    @AfterEach
    void realDiskAgain() {
        server.realDisk();
    }

    private long count(String token) {
        return scalar(http.sql("SELECT count(*) FROM t", token)).asLong();
    }

    static void expectServerFull(Reply a) {
        expect(a, 503, SERVER_FULL);
        assertThat(a.json().path("code").asText()).isEqualTo("server_storage_full");
        assertThat(a.header("Retry-After")).isEqualTo("30");
    }

    @Test
    void aNewWalkinIsRefusedAndNothingIsLeftOnDisk() throws Exception {
        diskFull();
        long dirs = server.instanceDirs();
        for (int i = 0; i < 20; i++) {
            Reply a = http.sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
            expectServerFull(a);
            assertThat(a.session()).as("no walk-in, no session").isNull();
        }
        assertThat(server.instanceDirs()).isEqualTo(dirs);
    }

    @Test
    void aWriteThatWouldGrowAWalkinIsRefusedAndRolledBackWhileReadsWork() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO t(b) VALUES ('keep')");
        expectOk(http.sql(counter(50) + "INSERT INTO t(b) SELECT randomblob(1000) FROM c", token));
        diskFull();

        expectServerFull(http.sql(counter(500) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token));
        // The first statement alone would fit; the call is one transaction and goes back whole.
        expectServerFull(http.sql("INSERT INTO t(b) VALUES ('small'); " + counter(100)
                + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token));
        expectServerFull(http.sql("CREATE TABLE grown(x)", token));
        expect(http.sql("SELECT * FROM grown", token), 400, "invalid sql: no such table: grown");
        assertThat(count(token)).isEqualTo(51);
        // A write within the pages the walk-in already has still goes through.
        expectOk(http.sql("UPDATE t SET b = 'kept' WHERE id = 1", token));
        assertThat(scalar(http.sql("SELECT b FROM t WHERE id = 1", token)).asText()).isEqualTo("kept");
        assertThat(scalar(http.sql("PRAGMA integrity_check", token)).asText()).isEqualTo("ok");
    }

    @Test
    void whenTheGuardClearsWalkinsAreCreatedAndGrowAgainUpToTheirOwnCap() {
        String token = walkin("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
        diskFull();
        expectServerFull(http.sql(counter(10) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token));
        expectServerFull(http.sql("SELECT 1"));

        server.realDisk();
        expectOk(http.sql("SELECT 1"));
        // The same (cached) connection: its page cap is the 10 MB again, neither frozen nor lifted.
        int calls = 0;
        while (true) {
            Reply a = http.sql(counter(500) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", token);
            if (a.status() != 200) {
                expect(a, 507, AbuseStorageBombTest.FULL);
                break;
            }
            calls++;
            assertThat(calls).as("2 MB calls before the 10 MB cap").isLessThan(8);
        }
        assertThat(calls).isBetween(3, 5);
        assertThat(count(token)).isEqualTo(calls * 500L);
    }

    @Test
    void refusedCreationsChargeNoCreationBudget() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_DISK_MIN_FREE_MB", "64", "WALKINDB_DISK_MIN_FREE_PERCENT", "0",
                "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "5"));
        own.server.simulateDisk(10 * MIB, VOLUME);
        for (int i = 0; i < 30; i++) {
            expectServerFull(own.http.sql("SELECT 1"));
        }
        own.server.realDisk();
        for (int i = 0; i < 5; i++) {
            expectOk(own.http.sql("SELECT 1"));
        }
        expect(own.http.sql("SELECT 1"), 429, "new-instance rate limit exceeded");
    }
}
