package com.walkindb.server.contract;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.retryAfter;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static com.walkindb.server.testing.SqlText.ENDLESS;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Parallel;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ReplyAssertions;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.SqlText;
import com.walkindb.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rows of the error table of docs/API.md that come from budgets and load: the four 429s (each with
 * Retry-After, each on a server whose limit is set through the environment variable production
 * reads), the order of the creation checks, X-Forwarded-For behind a trusted proxy, and the three
 * 503s. The rest of the table is in {@link ErrorTableTest}.
 */
class ErrorTableBudgetsTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    // ---- 429 -------------------------------------------------------------------------------

    @Test
    void perIpRequestBudgetIs429WithRetryAfterAndSparesHealthz() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "2"))) {
            String s = limited.http().sql("SELECT 1").session();
            assertThat(limited.http().sql("SELECT 1", null, s).status()).isEqualTo(200);
            Reply r = limited.http().sql("SELECT 1", null, s);
            assertError(r, 429, "rate limit exceeded");
            assertThat(retryAfter(r)).isBetween(20L, 30L); // real time passes between the calls on a jailed server under load
            // the budget comes before the media type and the body (step 2 before step 3 of the order of checks in docs/API.md)
            assertError(limited.http().postBytes("x".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain", null), 429, "rate limit exceeded");
            assertThat(limited.http().get("/healthz").status()).isEqualTo(200);
            limited.advanceClock(Duration.ofSeconds(31));
            assertThat(rows(limited.http().sql("SELECT 2", null, s))).isEqualTo("[[2]]");
        }
    }

    @Test
    void perIpCreationBudgetIs429AndCreatesNothing() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "2"))) {
            String s = limited.http().sql("SELECT 1").session();
            assertThat(limited.http().sql("SELECT 1").status()).isEqualTo(200);
            Reply r = limited.http().sql("SELECT 1");
            assertError(r, 429, "new-instance rate limit exceeded");
            assertThat(retryAfter(r)).isBetween(20L, 30L); // real time passes between the calls on a jailed server under load
            assertThat(limited.instanceDirs()).isEqualTo(2);
            assertThat(rows(limited.http().sql("SELECT 3", null, s))).as("a session is no creation").isEqualTo("[[3]]");
        }
    }

    @Test
    void liveInstanceCapIs429UntilTheOldestExpires() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_MAX_INSTANCES_PER_IP", "2"))) {
            assertThat(limited.http().sql("SELECT 1").status()).isEqualTo(200);
            assertThat(limited.http().sql("SELECT 1").status()).isEqualTo(200);
            Reply r = limited.http().sql("SELECT 1");
            assertError(r, 429, "too many live instances");
            assertThat(retryAfter(r)).isBetween(570L, 600L);
            assertThat(limited.instanceDirs()).isEqualTo(2);
            limited.advanceClock(Duration.ofSeconds(601));
            assertThat(limited.http().sql("SELECT 1").status()).isEqualTo(200);
        }
    }

    @Test
    void perInstanceBudgetIs429ForThatWalkInOnly() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_INSTANCE_REQS", "2"))) {
            String s = limited.http().sql("SELECT 1").session();
            assertThat(limited.http().sql("SELECT 1", null, s).status()).isEqualTo(200);
            assertThat(limited.http().sql("SELECT 1", null, s).status()).isEqualTo(200);
            Reply r = limited.http().sql("SELECT 1", null, s);
            assertError(r, 429, "instance rate limit exceeded");
            assertThat(retryAfter(r)).isBetween(20L, 30L); // real time passes between the calls on a jailed server under load
            String other = limited.http().sql("SELECT 1").session();
            assertThat(limited.http().sql("SELECT 1", null, other).status()).isEqualTo(200);
        }
    }

    @Test
    void creationBudgetIsCheckedBeforeTheLiveCap() throws Exception {
        try (TestServer limited = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_NEW_INSTANCES", "1",
                "WALKINDB_MAX_INSTANCES_PER_IP", "1"))) {
            assertThat(limited.http().sql("SELECT 1").status()).isEqualTo(200);
            assertError(limited.http().sql("SELECT 1"), 429, "new-instance rate limit exceeded");
        }
    }

    @Test
    void forwardedForCountsOnlyBehindATrustedProxy() throws Exception {
        String body = "{\"sql\":\"SELECT 1\"}";
        try (TestServer direct = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "1"))) {
            assertThat(direct.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
            assertError(direct.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.2"), 429, "rate limit exceeded");
        }
        try (TestServer proxied = TestServer.start(Map.of("WALKINDB_RATE_LIMIT_REQS", "1",
                "WALKINDB_TRUSTED_PROXIES", "127.0.0.1/32"))) {
            assertThat(proxied.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
            assertError(proxied.http().postWithHeaders(body, "X-Forwarded-For", "203.0.113.1"), 429, "rate limit exceeded");
            assertThat(proxied.http().postWithHeaders(body, "X-Forwarded-For", "198.51.100.7, 203.0.113.2").status())
                    .isEqualTo(200);
            assertError(proxied.http().postWithHeaders(body, "X-Forwarded-For", "192.0.2.99, 203.0.113.2"), 429,
                    "rate limit exceeded");
        }
    }

    // ---- 503 -------------------------------------------------------------------------------

    @Test
    void callsPastTheInflightBoundAreServerBusy() throws Exception {
        try (TestServer narrow = TestServer.start(Map.of("WALKINDB_MAX_INFLIGHT", "1"))) {
            Future<Reply> slow = Parallel.background(() -> narrow.http().sql(ENDLESS));
            narrow.awaitCallsInFlight(1);
            Reply r = narrow.http().sql("SELECT 1");
            assertError(r, 503, "server busy");
            assertThat(retryAfter(r)).isGreaterThanOrEqualTo(1);
            ReplyAssertions.assertNoSessionHeaders(r);
            assertThat(narrow.http().get("/healthz").status()).isEqualTo(200);
            assertThat(slow.get().status()).isEqualTo(408);
            assertThat(rows(narrow.http().sql("SELECT 1"))).isEqualTo("[[1]]");
            assertThat(narrow.instanceDirs()).as("the refused call created nothing").isEqualTo(2);
        }
    }

    @Test
    void aFullDataVolumeIsServerStorageFullForNewWalkinsAndGrowingWrites() throws Exception {
        long mib = 1024 * 1024;
        try (TestServer guarded = TestServer.start(Map.of("WALKINDB_DISK_MIN_FREE_MB", "64",
                "WALKINDB_DISK_MIN_FREE_PERCENT", "0"))) {
            String s = guarded.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)").session();
            guarded.simulateDisk(10 * mib, 1000 * mib);
            Reply fresh = guarded.http().sql("SELECT 1");
            assertError(fresh, 503, "server storage full");
            assertThat(fresh.header("Retry-After")).isEqualTo("30");
            ReplyAssertions.assertNoSessionHeaders(fresh);
            assertThat(guarded.instanceDirs()).isEqualTo(1);
            Reply grow = guarded.http().sql(SqlText.counter(100) + "INSERT INTO t SELECT randomblob(4000) FROM c", null, s);
            assertError(grow, 503, "server storage full");
            assertThat(rows(guarded.http().sql("SELECT count(*) FROM t", null, s))).as("rolled back; reads work")
                    .isEqualTo("[[1]]");
            guarded.realDisk();
            assertThat(guarded.http().sql(SqlText.counter(100) + "INSERT INTO t SELECT randomblob(4000) FROM c", null, s).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void callThatWaitedTwoSecondsForItsWalkInIsInstanceBusy() throws Exception {
        String s = server.http().sql("SELECT 1").session();
        Callable<long[]> call = () -> {
            long start = System.nanoTime();
            Reply r = server.http().sql(ENDLESS, null, s);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (r.status() == 503) {
                assertError(r, 503, "instance busy");
                assertThat(r.header("Retry-After")).isEqualTo("1");
            } else {
                assertError(r, 408, "query exceeded 2s timeout");
            }
            return new long[] {r.status(), millis};
        };
        Future<long[]> holder = Parallel.background(call);
        server.testServer().awaitCallsInSql(1);
        // Two more wait at the gate; the one that gets in next holds the walk-in past the other's 2 s.
        Future<List<long[]>> waiters = Parallel.background(() -> Parallel.concurrently(List.of(call, call)));
        server.testServer().awaitCallsInFlight(3);
        String other = server.http().sql("SELECT 1").session();
        assertThat(rows(server.http().sql("SELECT 42", null, other))).as("other walk-ins are not held up").isEqualTo("[[42]]");
        assertThat(holder.isDone()).as("answered while the busy walk-in was still held").isFalse();
        List<long[]> outcomes = new ArrayList<>(waiters.get());
        outcomes.add(holder.get());
        assertThat(outcomes).as("one call ran out its deadline").anyMatch(o -> o[0] == 408);
        long[] busy = outcomes.stream().filter(o -> o[0] == 503).findFirst().orElseThrow(
                () -> new AssertionError("no 503: " + outcomes.stream().map(Arrays::toString).toList()));
        assertThat(busy[1]).as("waited ms").isBetween(1900L, 15_000L);
    }
}
