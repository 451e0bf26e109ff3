package com.walkindb.server.metrics;

import static com.walkindb.server.testing.SqlText.ENDLESS;
import static com.walkindb.server.testing.SqlText.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /metrics against the real server (in process, or jailed with SQL in worker processes): the
 * exposition parses, it is only on the admin listener, and real traffic moves its figures, each
 * refusal kind its own counter. Each test speaks as its own client (X-Forwarded-For from a
 * trusted loopback proxy), so the per-client budgets of one do not touch another.
 */
class MetricsTest {
    private static final Map<String, String> ENV = Map.of(
            "WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32",
            "WALKINDB_RATE_LIMIT_REQS", "20",
            "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "2",
            "WALKINDB_MAX_INSTANCES_PER_IP", "3",
            "WALKINDB_RATE_LIMIT_INSTANCE_REQS", "8",
            "WALKINDB_SWEEP_SECONDS", "1");
    private static final String BOGUS_TOKEN = "wkn_" + "A".repeat(107);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ServerExtension server = ServerExtension.withEnv(ENV);
    private static Http admin;

    private static Http admin() {
        if (admin == null) {
            admin = new Http(server.testServer().adminUrl());
        }
        return admin;
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private static Exposition scrape() {
        Reply r = admin().get("/metrics");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Exposition.parse(r.body());
    }

    private static Reply call(String client, String sql, String session) {
        HttpRequest.Builder b = server.http().request("/sql").header("Content-Type", "application/json")
                .header("X-Forwarded-For", client).POST(HttpRequest.BodyPublishers.ofString(Http.body(sql, null)));
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return server.http().send(b);
    }

    private static String refusals(String code) {
        return "walkindb_refusals_total{code=\"" + code + "\"}";
    }

    /**
     * Runs {@code provoke}, then checks that {@code series} went up by exactly {@code by}. A request
     * is counted as its handler returns, which may be just after the client has the answer: the
     * check waits for the count to arrive, then holds it to the exact figure.
     */
    private static void movesBy(String series, double by, Runnable provoke) {
        double before = scrape().value(series);
        provoke.run();
        awaitAtLeast(series, before + by);
        assertThat(scrape().value(series)).as(series).isEqualTo(before + by);
    }

    private static void awaitAtLeast(String series, double value) {
        Await.until(series + " >= " + value, WAIT, () -> scrape().value(series) >= value);
    }

    private static void expect(Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("code").asText()).as(r.body()).isEqualTo(code);
    }

    @Test
    void metricsAnswerOnTheAdminListenerOnly() {
        Reply onAdmin = admin().get("/metrics");
        assertThat(onAdmin.status()).isEqualTo(200);
        assertThat(onAdmin.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        for (String path : new String[] {"/metrics", "/status"}) {
            Reply onPublic = server.http().get(path);
            expect(onPublic, 404, "not_found");
            assertThat(onPublic.body()).doesNotContain("walkindb_");
        }
    }

    @Test
    void theExpositionParsesAndHoldsEveryDocumentedFamily() throws IOException {
        Exposition e = scrape();
        String deploy = Files.readString(Path.of("..", "docs", "DEPLOY.md"));
        for (String family : e.types.keySet()) {
            if (family.startsWith("walkindb_")) {
                assertThat(deploy).as("docs/DEPLOY.md lists " + family).contains("`" + family);
            }
        }
        for (String name : new String[] {"walkindb_requests_total", "walkindb_request_duration_seconds",
            "walkindb_refusals_total", "walkindb_sql_refusals_total", "walkindb_walkins_live",
            "walkindb_walkins_created_total", "walkindb_walkins_expired_total", "walkindb_sweeper_runs_total",
            "walkindb_sweeper_last_run_timestamp_seconds", "walkindb_disk_free_bytes", "walkindb_disk_guard_tripped",
            "walkindb_walkins_disk_bytes", "walkindb_access_log_bytes", "walkindb_sql_slots_busy",
            "walkindb_answer_memory_bytes", "walkindb_connection_cache_hits_total",
            "walkindb_connection_cache_misses_total", "walkindb_connection_cache_size", "jvm_memory_used_bytes",
            "jvm_gc_collection_seconds", "jvm_threads_current", "process_resident_memory_bytes"}) {
            assertThat(e.family(name)).as(name).isNotNull();
        }
        assertThat(e.types.get("walkindb_request_duration_seconds")).isEqualTo("histogram");
        assertThat(e.types.get(e.family("walkindb_requests_total"))).isEqualTo("counter");
        if (TestServer.isolation().equals("process")) {
            for (String name : new String[] {"walkindb_workers", "walkindb_workers_ready",
                "walkindb_worker_restarts_total", "walkindb_worker_calls_in_flight", "walkindb_worker_spare_ready"}) {
                assertThat(e.family(name)).as(name).isNotNull();
            }
            assertThat(e.value("walkindb_workers")).isPositive();
            assertThat(e.has("walkindb_worker_restarts_total{cause=\"deadline\"}")).isTrue();
        }
        assertThat(e.samples.keySet()).anyMatch(k -> k.startsWith("walkindb_info{isolation=\"" + TestServer.isolation()));
    }

    @Test
    void theDashboardAndTheAlertsUseOnlyNamesTheServerExposes() throws IOException {
        Exposition e = scrape();
        for (String file : new String[] {"grafana/walkindb.json", "prometheus/alerts.yml"}) {
            String text = Files.readString(Path.of("..", "deploy", file));
            Matcher m = Pattern.compile("walkindb_[a-z_]+").matcher(text);
            int names = 0;
            while (m.find()) {
                String name = m.group();
                if (!name.startsWith("walkindb_worker") || TestServer.isolation().equals("process")) {
                    assertThat(e.family(name)).as(file + " uses " + name).isNotNull();
                }
                names++;
            }
            assertThat(names).as(file).isGreaterThan(5);
        }
    }

    @Test
    void trafficMovesRequestsLatencyWalkinsAndTheCache() {
        Exposition before = scrape();
        Reply first = call("10.1.0.1", "CREATE TABLE t(x); INSERT INTO t VALUES (1)", null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(call("10.1.0.1", "SELECT x FROM t", first.session()).status()).isEqualTo(200);
        }
        String ok = "walkindb_requests_total{route=\"sql\",status=\"200\"}";
        awaitAtLeast(ok, before.value(ok) + 4);
        String timed = "walkindb_request_duration_seconds_count{route=\"sql\"}";
        awaitAtLeast(timed, before.value(timed) + 4);
        Exposition after = scrape();
        assertThat(after.value(ok)).isEqualTo(before.value(ok) + 4);
        assertThat(after.value("walkindb_walkins_created_total"))
                .isEqualTo(before.value("walkindb_walkins_created_total") + 1);
        assertThat(after.value("walkindb_walkins_live")).isPositive();
        assertThat(after.value("walkindb_walkins_disk_bytes")).isPositive();
        assertThat(after.value("walkindb_sql_slots")).isPositive();
        assertThat(after.value("walkindb_disk_free_bytes")).isPositive();
        // the workers report their caches once a second: wait for the three follow-ups to show
        Await.until("connection cache hits", WAIT, () -> scrape().value("walkindb_connection_cache_hits_total")
                >= before.value("walkindb_connection_cache_hits_total") + 3);
        Await.until("sweeper runs", WAIT, () -> scrape().value("walkindb_sweeper_runs_total")
                > before.value("walkindb_sweeper_runs_total"));
    }

    @Test
    void expiredWalkinsCountWhenSwept() throws IOException {
        Reply r = call("10.1.0.2", "SELECT 1", null);
        assertThat(r.status()).isEqualTo(200);
        double before = scrape().value("walkindb_walkins_expired_total");
        server.testServer().advanceClock(Duration.ofSeconds(601)); // past the TTL
        // the scheduled sweeps (every second here) and this one share the deletions
        server.testServer().sweep();
        assertThat(scrape().value("walkindb_walkins_expired_total")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void requestBudgetAndUnknownWalkinAndPathCountByCode() {
        movesBy(refusals("not_found"), 1, () -> expect(server.http().get("/no/such/route"), 404, "not_found"));
        movesBy(refusals("instance_not_found"), 20, () -> {
            for (int i = 0; i < 20; i++) {
                expect(call("10.1.0.3", "SELECT 1", BOGUS_TOKEN), 404, "instance_not_found");
            }
        });
        movesBy(refusals("rate_limited"), 1, () -> expect(call("10.1.0.3", "SELECT 1", BOGUS_TOKEN), 429,
                "rate_limited"));
    }

    @Test
    void walkinBudgetRefusalCounts() {
        String session = call("10.1.0.4", "SELECT 1", null).session();
        movesBy(refusals("instance_rate_limited"), 1, () -> {
            for (int i = 0; i < 10; i++) {
                Reply r = call("10.1.0.4", "SELECT 1", session);
                if (r.status() == 429) {
                    expect(r, 429, "instance_rate_limited");
                    return;
                }
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            throw new AssertionError("no instance_rate_limited after 10 calls");
        });
    }

    @Test
    void creationBudgetAndLiveCapRefusalsCount() {
        String client = "10.1.0.5";
        assertThat(call(client, "SELECT 1", null).status()).isEqualTo(200);
        assertThat(call(client, "SELECT 1", null).status()).isEqualTo(200);
        movesBy(refusals("new_instance_rate_limited"), 1,
                () -> expect(call(client, "SELECT 1", null), 429, "new_instance_rate_limited"));
        server.testServer().advanceClock(Duration.ofSeconds(61)); // the creation budget refills; all 2 still live
        assertThat(call(client, "SELECT 1", null).status()).isEqualTo(200);
        movesBy(refusals("too_many_live_instances"), 1,
                () -> expect(call(client, "SELECT 1", null), 429, "too_many_live_instances"));
    }

    @Test
    void keywordFilterAndAuthorizerRefusalsCountByCategory() {
        String filter = "walkindb_sql_refusals_total{by=\"keyword_filter\",category=\"attach\"}";
        movesBy(filter, 1, () -> expect(call("10.1.0.6", "ATTACH 'x.db' AS x", null), 400, "forbidden_sql_keyword"));
        String authorizer = "walkindb_sql_refusals_total{by=\"authorizer\",category=\"pragma\"}";
        movesBy(authorizer, 1, () -> expect(call("10.1.0.6", "PRAGMA journal_mode=DELETE", null), 400,
                "forbidden_sql"));
        String temp = "walkindb_sql_refusals_total{by=\"authorizer\",category=\"temp_object\"}";
        movesBy(temp, 1, () -> movesBy(refusals("forbidden_sql"), 1,
                () -> expect(call("10.1.0.6", "CREATE TEMP TABLE x(a)", null), 400, "forbidden_sql")));
    }

    @Test
    void timeoutAndStorageCapCount() {
        movesBy(refusals("timeout"), 1, () -> expect(call("10.1.0.7", ENDLESS, null), 408, "timeout"));
        String session = call("10.1.0.8", "CREATE TABLE t(b BLOB)", null).session();
        movesBy(refusals("storage_quota_exceeded"), 1, () -> {
            for (int i = 0; i < 6; i++) {
                Reply r = call("10.1.0.8", counter(750) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c", session);
                if (r.status() == 507) {
                    expect(r, 507, "storage_quota_exceeded");
                    return;
                }
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            throw new AssertionError("no 507 after 18 MB");
        });
    }

    @Test
    void aWorkerKilledPastItsDeadlineCountsAsARestart() {
        assumeTrue(TestServer.isolation().equals("process"), "SQL workers run only with process isolation");
        // worker.TestHooks: the call never returns from its worker, which is killed after the grace
        String stall = "/*walkindb-test:stall*/SELECT 1";
        movesBy("walkindb_worker_restarts_total{cause=\"deadline\"}", 1,
                () -> expect(call("10.1.0.10", stall, null), 408, "timeout"));
        Await.until("a ready worker in every slot", WAIT, () -> {
            Exposition e = scrape();
            return e.value("walkindb_workers_ready") == e.value("walkindb_workers");
        });
    }

    @Test
    void aTrippedDiskGuardShowsAndItsRefusalsCount() {
        TestServer s = server.testServer();
        s.simulateDisk(1 << 20, 100L << 30);
        try {
            assertThat(scrape().value("walkindb_disk_guard_tripped")).isEqualTo(1);
            assertThat(scrape().value("walkindb_disk_free_bytes")).isEqualTo(1 << 20);
            movesBy(refusals("server_storage_full"), 1,
                    () -> expect(call("10.1.0.9", "SELECT 1", null), 503, "server_storage_full"));
        } finally {
            s.realDisk();
        }
        assertThat(scrape().value("walkindb_disk_guard_tripped")).isZero();
    }

    @Test
    void metricsOffCountsNothingAndAnswers404() throws Exception {
        try (TestServer off = TestServer.start(Map.of("WALKINDB_METRICS", "off"));
             Http offAdmin = new Http(off.adminUrl())) {
            assertThat(offAdmin.get("/metrics").status()).isEqualTo(404);
            assertThat(offAdmin.get("/status").status()).isEqualTo(200);
        }
    }
}
