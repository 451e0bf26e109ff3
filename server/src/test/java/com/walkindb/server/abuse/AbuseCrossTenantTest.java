package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>cross-tenant reach</b> — read, name, change or slow down another tenant's walk-in:
 * see its schema, guess its table through error hints, reach it by schema-qualified names,
 * re-point a token at its id, inherit connection state from it through the connection cache, or
 * starve it with one's own bombs.
 *
 * <p>What stops it: one SQLite file per walk-in, opened by a connection no other walk-in's call
 * uses; no ATTACH (pre-filter, authorizer, {@code SQLITE_MAX_ATTACHED=0}); tokens bound to their
 * walk-in by an HMAC; hints computed only from the caller's own schema; the per-walk-in gate and
 * the process-wide heap limit. The harness re-reads the victim's exact rows after every case.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseCrossTenantTest extends AbuseSuite {

    @Test
    void anotherWalkinsSchemaIsNeverVisible() {
        String token = walkin("CREATE TABLE mine(x)");
        Reply schema = http.sql("SELECT group_concat(name) FROM sqlite_schema", token);
        assertThat(scalar(schema).asText()).isEqualTo("mine");
        Reply list = http.sql("SELECT group_concat(schema || '.' || name) FROM pragma_table_list", token);
        assertThat(scalar(list).asText()).doesNotContain(victim.table()).contains("main.mine");
        assertThat(http.sql("SELECT * FROM sqlite_temp_schema", token).rows().size()).isZero();
    }

    @Test
    void theVictimsTableNameLeadsNowhere() {
        String token = walkin("CREATE TABLE a1(x); CREATE TABLE a2(y)");
        Reply a = http.sql("SELECT * FROM " + victim.table(), token);
        expect(a, 400, "invalid sql: no such table: " + victim.table());
        assertThat(a.json().path("hint").asText()).contains("a1").contains("a2").doesNotContain("victim");
        Reply col = http.sql("SELECT v FROM a1", token);
        assertThat(col.json().path("hint").asText()).doesNotContain(victim.table());
        assertThat(http.sql("SELECT * FROM sqlite_schema WHERE sql LIKE '%" + victim.secret() + "%'", token).rows().size())
                .isZero();
    }

    @Test
    void schemaQualifiedNamesCannotReachOtherDatabases() {
        String token = walkin("CREATE TABLE t(x)");
        for (String schema : new String[] {"victim", "\"" + victim.id() + "\"", "temp", "aux", "main2"}) {
            Reply a = http.sql("SELECT * FROM " + schema + "." + victim.table(), token);
            assertThat(a.status()).as("%s", a).isEqualTo(400);
            assertThat(a.error()).startsWith("invalid sql: no such table: ");
            assertThat(a.body()).doesNotContain(victim.secret());
        }
    }

    @Test
    void aTokenRePointedAtTheVictimsIdIsRefused() {
        String mine = http.sql("SELECT 1").session();
        String forged = Tokens.withInstance(mine, victim.id());
        Reply a = http.sql("SELECT * FROM " + victim.table(), forged);
        expect(a, 404, "instance not found");
        assertThat(a.body()).doesNotContain(victim.secret());
        assertThat(a.session()).isNull();
    }

    @Test
    void twoTenantsWithTheSameTableNameNeverSeeEachOthersRows() {
        String a = walkin("CREATE TABLE t(who); INSERT INTO t VALUES ('a')");
        String b = walkin("CREATE TABLE t(who); INSERT INTO t VALUES ('b')");
        for (int i = 0; i < 10; i++) {
            String token = i % 2 == 0 ? a : b;
            String who = i % 2 == 0 ? "a" : "b";
            expectOk(http.sql("INSERT INTO t VALUES ('" + who + "')", token));
            Reply rows = http.sql("SELECT DISTINCT who FROM t", token);
            assertThat(rows.rows().toString()).isEqualTo("[[\"" + who + "\"]]");
        }
    }

    @Test
    void connectionStateDoesNotCarryOverToAnotherTenant() {
        expectOk(http.sql("INSERT INTO " + victim.table() + "(v) SELECT v FROM " + victim.table() + " WHERE 0",
                victim.token()));
        String token = walkin("CREATE TABLE t(x)");
        Reply a = http.sql("SELECT last_insert_rowid(), changes(), total_changes()", token);
        assertThat(a.rows().toString()).isEqualTo("[[0,0,0]]");
        Reply fresh = http.sql("SELECT last_insert_rowid(), changes(), total_changes()");
        assertThat(fresh.rows().toString()).isEqualTo("[[0,0,0]]");
    }

    @Test
    void fts5vocabCannotPointAtAnotherDatabase() {
        Reply a = http.sql("CREATE VIRTUAL TABLE v USING fts5vocab('" + victim.id() + "', '" + victim.table()
                + "', 'row'); SELECT * FROM v");
        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.body()).doesNotContain(victim.secret());
    }

    @Test
    void anExpiredAndSweptWalkinIsNotRecreatedByItsToken() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_TTL", "60"))) {
            Reply created = own.http.sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
            String token = created.session();
            java.nio.file.Path dir = own.server.dataDir().resolve("instances").resolve(Tokens.instanceId(token).toString());
            assertThat(dir).isDirectory();
            own.server.advanceClock(Duration.ofSeconds(61));
            expect(own.http.sql("SELECT * FROM t", token), 404, "instance not found");
            assertThat(own.server.sweep()).isEqualTo(1);
            assertThat(dir).doesNotExist();
            expect(own.http.sql("CREATE TABLE t(x)", token), 404, "instance not found");
            assertThat(dir).doesNotExist();
        }
    }

    /**
     * Memory bombs share one process-wide SQLite heap limit with everyone. While other tenants'
     * sorts keep hitting that limit, a small query of the victim must still be served.
     */
    @Test
    void memoryBombsOfOthersDoNotFailTheVictimsSmallQueries() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            List<Future<Integer>> bombers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                bombers.add(pool.submit(() -> {
                    int n = 0;
                    while (running.get()) {
                        Reply a = http.sql("WITH RECURSIVE c(i, b) AS (SELECT 1, randomblob(100000) UNION ALL "
                                + "SELECT i+1, randomblob(100000) FROM c WHERE i < 100000) "
                                + "SELECT count(*) FROM (SELECT i FROM c ORDER BY b)");
                        assertThat(a.status()).as("memory bomb answer %s", a).isIn(408, 503);
                        n++;
                    }
                    return n;
                }));
            }
            server.awaitCallsInSql(1); // a bomb runs: the victim's queries below meet it
            List<Reply> refused = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
            int asked = 0;
            while (System.nanoTime() < deadline) {
                Reply v = http.sql("SELECT id, v FROM " + victim.table() + " ORDER BY id", victim.token());
                asked++;
                if (v.status() != 200) {
                    refused.add(v);
                }
            }
            running.set(false);
            int bombs = 0;
            for (Future<Integer> f : bombers) {
                bombs += f.get(15, TimeUnit.SECONDS);
            }
            Stats.line("victim queries during " + bombs + " memory bombs: " + asked + " asked, " + refused.size()
                    + " refused " + (refused.isEmpty() ? "" : refused.get(0)));
            Stats.max("neighbour.refused_during_memory_bombs", refused.size(), "3 bombers");
            assertThat(refused).as("victim's small queries refused while others' memory bombs ran").isEmpty();
        } finally {
            running.set(false);
            pool.shutdownNow();
            pool.awaitTermination(20, TimeUnit.SECONDS);
        }
    }
}
