package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: <b>cap bypass</b> — switch off or loosen a limit instead of fighting it: change the
 * connection's settings with a PRAGMA (page cap, journal, checkpointing, busy timeout, caches,
 * heap limits, schema trust), read the build's options to find a weakness, spoof
 * {@code X-Forwarded-For} to get a fresh per-IP budget, or outrun the per-walk-in gate, the
 * request, creation, live-instance and per-walk-in budgets, or the in-flight limit.
 *
 * <p>What stops it: the authorizer's PRAGMA allowlist (introspection only — every settings
 * PRAGMA, in assignment, call and {@code pragma_*} table-valued form, is 400
 * {@code forbidden sql: PRAGMA <name>}) and function allowlist; limits and switches re-applied
 * after every call; the rate limits of docs/SECURITY.md, layer 7 keyed by the socket's peer address (no
 * trusted proxies configured, so {@code X-Forwarded-For} is ignored); the gate (one call at a
 * time per walk-in, 503 {@code instance busy} after 2 s); the in-flight limit (503
 * {@code server busy}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseCapBypassTest extends AbuseSuite {

    @ParameterizedTest(name = "PRAGMA {0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "max_page_count|1000000", "trusted_schema|ON", "writable_schema|ON", "journal_mode|OFF",
            "wal_autocheckpoint|0", "journal_size_limit|-1", "busy_timeout|600000", "cache_size|-2000000",
            "mmap_size|1073741824", "temp_store|FILE", "temp_store_directory|'/tmp'", "hard_heap_limit|0",
            "soft_heap_limit|0", "locking_mode|EXCLUSIVE", "synchronous|OFF", "page_size|65536",
            "auto_vacuum|INCREMENTAL", "foreign_keys|OFF", "recursive_triggers|ON", "threads|8",
            "cache_spill|OFF", "secure_delete|FAST", "cell_size_check|OFF", "query_only|ON",
            "defer_foreign_keys|ON", "ignore_check_constraints|ON", "legacy_alter_table|ON",
            "schema_version|1", "user_version|7", "analysis_limit|0", "wal_checkpoint|TRUNCATE",
            "incremental_vacuum|1000", "shrink_memory|0", "optimize|0x10002", "case_sensitive_like|ON",
    })
    void settingsPragmasAreRefusedInAssignmentForm(String name, String value) {
        expect(http.sql("PRAGMA " + name + " = " + value), 400, "forbidden sql: PRAGMA " + name);
        expect(http.sql("PRAGMA main." + name + "(" + value + ")"), 400, "forbidden sql: PRAGMA " + name);
    }

    @ParameterizedTest(name = "pragma_{0}")
    @ValueSource(strings = {"max_page_count", "trusted_schema", "writable_schema", "journal_mode",
            "wal_autocheckpoint", "journal_size_limit", "busy_timeout", "cache_size", "mmap_size", "temp_store",
            "temp_store_directory", "hard_heap_limit", "soft_heap_limit", "locking_mode", "synchronous",
            "page_size", "compile_options", "function_list", "module_list", "pragma_list", "database_list",
            "page_count", "freelist_count", "encoding", "collation_list", "schema_version"})
    void settingsPragmasAreRefusedInTableValuedForm(String name) {
        Reply a = http.sql("SELECT * FROM pragma_" + name);
        assertThat(a.status()).as("%s", a).isEqualTo(400);
        // a PRAGMA that has no table-valued form is simply not a table
        assertThat(a.error()).isIn("forbidden sql: PRAGMA " + name, "invalid sql: no such table: pragma_" + name);
    }

    @Test
    void tableValuedPragmasCannotSetValuesThroughArguments() {
        String token = walkin("CREATE TABLE t(x)");
        expect(http.sql("SELECT * FROM pragma_journal_mode('off')", token), 400, "forbidden sql: PRAGMA journal_mode");
        expect(http.sql("SELECT * FROM pragma_max_page_count(1000000)", token), 400,
                "forbidden sql: PRAGMA max_page_count");
        expect(http.sql("SELECT * FROM pragma_table_info('t') JOIN pragma_cache_size(-1000000)", token), 400,
                "forbidden sql: PRAGMA cache_size");
        expect(http.sql("SELECT 1 + (SELECT * FROM pragma_busy_timeout(600000))", token), 400,
                "forbidden sql: PRAGMA busy_timeout");
    }

    @Test
    void introspectionPragmasStillWork() {
        String token = walkin("CREATE TABLE t(a INTEGER PRIMARY KEY, b REFERENCES t(a)); CREATE INDEX ib ON t(b)");
        expectOk(http.sql("PRAGMA table_info(t)", token));
        expectOk(http.sql("SELECT * FROM pragma_index_list('t')", token));
        expectOk(http.sql("PRAGMA foreign_key_check", token));
        assertThat(scalar(http.sql("PRAGMA quick_check", token)).asText()).isEqualTo("ok");
    }

    @Test
    void settingsPragmaInsideATriggerOrViewIsRefusedToo() {
        Reply created = http.sql("CREATE TABLE t(x); CREATE VIEW v AS SELECT * FROM pragma_page_count");
        Reply a = created.status() == 200 ? http.sql("SELECT * FROM v", created.session()) : created;
        // either layer may refuse: the authorizer, or trusted_schema=OFF for a PRAGMA reached from the schema
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).isIn("forbidden sql: PRAGMA page_count",
                "invalid sql: unsafe use of virtual table \"pragma_page_count\"");
        Reply trigger = http.sql("CREATE TABLE t(x); CREATE TABLE log(n); CREATE TRIGGER tr AFTER INSERT ON t "
                + "BEGIN INSERT INTO log SELECT * FROM pragma_cache_size; END; INSERT INTO t VALUES (1)");
        assertThat(trigger.status()).isEqualTo(400);
        assertThat(trigger.error()).isIn("forbidden sql: PRAGMA cache_size",
                "invalid sql: unsafe use of virtual table \"pragma_cache_size\"");
    }

    /** docs/API.md, errors: an authorizer refusal of a function is {@code forbidden sql: function <name>}. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite_compileoption_get:SELECT sqlite_compileoption_get(0)",
            "sqlite_compileoption_used:SELECT sqlite_compileoption_used('OMIT_LOAD_EXTENSION')",
            "fts5:SELECT fts5(NULL)"})
    void unlistedFunctionsAreRefusedAsForbiddenFunctions(String nameAndSql) {
        String name = nameAndSql.substring(0, nameAndSql.indexOf(':'));
        expect(http.sql(nameAndSql.substring(name.length() + 1)), 400, "forbidden sql: function " + name);
    }

    @Test
    void forwardedForHeaderDoesNotBuyAFreshRequestBudget() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_RATE_LIMIT_REQS", "3"))) {
            String base = own.server.baseUrl();
            List<Reply> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(own.http.send(HttpRequest.newBuilder(URI.create(base + "/sql"))
                        .timeout(Http.DEFAULT_TIMEOUT).header("Content-Type", "application/json")
                        .header("X-Forwarded-For", "10.0.0." + i).header("X-Real-IP", "10.9.9." + i)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"))));
            }
            assertThat(answers.subList(0, 3)).allMatch(a -> a.status() == 200);
            for (Reply a : answers.subList(3, 5)) {
                expect(a, 429, "rate limit exceeded");
                assertThat(Long.parseLong(a.header("Retry-After"))).isPositive();
            }
            for (int i = 0; i < 5; i++) {
                assertThat(own.http.get("/healthz").status()).as("healthz is exempt").isEqualTo(200);
            }
        }
    }

    @Test
    void onlyTheSpentAddressIsRefused() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_RATE_LIMIT_REQS", "2"))) {
            expectOk(own.http.sql("SELECT 1"));
            expectOk(own.http.sql("SELECT 1"));
            expect(own.http.sql("SELECT 1"), 429, "rate limit exceeded");
            try (Http other = new Http(own.server.baseUrl(), java.net.InetAddress.getByName("127.0.0.2"))) {
                Reply a = other.sql("SELECT 1");
                own.record.record(a); // the harness checks it with the case's own
                expectOk(a);
            }
        }
    }

    @Test
    void creationBudgetHoldsAgainstEmptyAndForgedSessionHeaders() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "2"))) {
            expectOk(own.http.sql("SELECT 1"));
            expectOk(own.http.sql("SELECT 1", ""));
            Reply third = own.http.sql("SELECT 1", "");
            expect(third, 429, "new-instance rate limit exceeded");
            assertThat(third.session()).isNull();
            expect(own.http.sql("SELECT 1"), 429, "new-instance rate limit exceeded");
            assertThat(own.server.instanceDirs()).isEqualTo(2);
        }
    }

    @Test
    void liveInstanceCapHoldsAgainstForwardedFor() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_MAX_INSTANCES_PER_IP", "2"))) {
            for (int i = 0; i < 2; i++) {
                expectOk(own.http.sql("SELECT 1"));
            }
            Reply a = own.http.send(HttpRequest.newBuilder(URI.create(own.server.baseUrl() + "/sql"))
                    .timeout(Http.DEFAULT_TIMEOUT).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "203.0.113.9")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")));
            expect(a, 429, "too many live instances");
            assertThat(Long.parseLong(a.header("Retry-After"))).isBetween(1L, 600L);
            assertThat(own.server.instanceDirs()).isEqualTo(2);
        }
    }

    @Test
    void perWalkinBudgetHoldsForASharedToken() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_RATE_LIMIT_INSTANCE_REQS", "3"))) {
            String token = own.http.sql("SELECT 1").session();
            expectOk(own.http.sql("SELECT 2", token));
            expectOk(own.http.sql("SELECT 3", token));
            expectOk(own.http.sql("SELECT 4", token)); // the creating call is not the walk-in's budget
            Reply a = own.http.sql("SELECT 5", token);
            expect(a, 429, "instance rate limit exceeded");
            assertThat(a.header("Retry-After")).isNotNull();
            expectOk(own.http.sql("SELECT 1")); // another walk-in is not affected
        }
    }

    @Test
    void theGateAnswersInstanceBusyInsteadOfQueueingForever() throws Exception {
        String token = walkin("SELECT 1");
        String bomb = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c";
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Reply>> calls = new ArrayList<>();
            // One at a time, each in the server before the next is sent: the first holds the gate,
            // the others wait at it.
            calls.add(pool.submit(() -> http.sql(bomb, token)));
            server.awaitCallsInSql(1);
            for (int i = 2; i <= 3; i++) {
                calls.add(pool.submit(() -> http.sql(bomb, token)));
                server.awaitCallsInFlight(i);
            }
            int busy = 0;
            for (Future<Reply> f : calls) {
                Reply a = f.get(15, TimeUnit.SECONDS);
                if (a.status() == 503) {
                    expect(a, 503, "instance busy");
                    assertThat(a.header("Retry-After")).isEqualTo("1");
                    // The gate's 2 s wait, then the refusal: the upper bound is that wait plus a
                    // margin for a loaded machine (a queued call would be answered 408, not 503).
                    assertThat(a.millis()).as("waited at the gate").isBetween(1900L, 2000L + 3000L);
                    busy++;
                } else {
                    expect(a, 408, "query exceeded 2s timeout");
                }
            }
            assertThat(busy).isBetween(1, 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theInFlightLimitRefusesWhenCallsInFlightPassTheBound() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_MAX_INFLIGHT", "1"))) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Reply> bomb = pool.submit(() -> own.http.sql(
                        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c"));
                own.server.awaitCallsInSql(1); // the bomb holds the only in-flight slot
                Reply refused = own.http.sql("SELECT 1");
                expect(refused, 503, "server busy");
                assertThat(refused.header("Retry-After")).isNotNull();
                // Refused at once, not queued: a queued call would have been served after the bomb's
                // 2 s deadline. The 503 proves it; this bound only catches a refusal that hangs.
                assertThat(refused.millis()).isLessThan(5000);
                assertThat(own.http.get("/healthz").status()).isEqualTo(200);
                expect(bomb.get(10, TimeUnit.SECONDS), 408, "query exceeded 2s timeout");
                expectOk(own.http.sql("SELECT 1"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void limitsHoldOnACachedConnectionAfterManyCalls() {
        String token = walkin("CREATE TABLE t(x)");
        for (int i = 0; i < 5; i++) {
            expectOk(http.sql("INSERT INTO t VALUES (" + i + ")", token));
        }
        // every sqlite3_limit still in force on the reused connection
        expect(http.sql("SELECT 1" + " UNION ALL SELECT 1".repeat(10), token), 400,
                "invalid sql: too many terms in compound SELECT");
        expect(http.sql("SELECT randomblob(1000001)", token), 400, "invalid sql: string or blob too big");
        expect(http.sql("SELECT char(" + "65,".repeat(16) + "65)", token), 400,
                "invalid sql: too many arguments on function char");
        expect(http.sql("SELECT 'a' LIKE '" + "a".repeat(101) + "'", token), 400,
                "invalid sql: LIKE or GLOB pattern too complex");
        Reply vars = http.sql("SELECT ?101", List.of(), token);
        assertThat(vars.status()).isEqualTo(400);
        assertThat(vars.error()).isEqualTo("invalid sql: variable number must be between ?1 and ?100");
    }
}
