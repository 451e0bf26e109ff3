package com.walkindb.server.http;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertNoSessionHeaders;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static com.walkindb.server.testing.SqlText.ENDLESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Parallel;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.SqlText;
import com.walkindb.server.testing.TestServer;
import com.walkindb.server.testing.Uploads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions over HTTP (docs/API.md, order of checks step 5, and sessions): any token that is not exactly one the server issued
 * for a live walk-in gets the same 404, byte for byte; the session headers come only with the
 * answer of the creating call, whatever its status once the walk-in exists; walk-ins expire by
 * the clock, are swept from disk, and outlive a restart together with the per-IP live count.
 */
class SessionTest {
    private static final String NOT_FOUND = "{\"error\":\"instance not found\",\"code\":\"instance_not_found\"}";
    private static final String TOKEN = "^wkn_[A-Za-z0-9_-]{107}$";
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    // ---- tampering -------------------------------------------------------------------------

    @Test
    void everyTamperedTokenGetsTheSame404ByteForByte() throws Exception {
        String a = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES ('a')").session();
        String b = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES ('b')").session();
        long dirs = server.testServer().instanceDirs();
        Map<String, String> variants = tamperings(a, b);
        assertThat(variants).hasSizeGreaterThan(40);

        Reply reference = server.http().sql("SELECT 1", null, "wkn_" + "A".repeat(107));
        assertThat(reference.body()).isEqualTo(NOT_FOUND);
        for (var v : variants.entrySet()) {
            assertThat(v.getValue()).as(v.getKey()).isNotEqualTo(a).isNotEqualTo(b);
            Reply r = server.http().sql("SELECT x FROM t", null, v.getValue());
            assertThat(r.status()).as(v.getKey()).isEqualTo(404);
            assertThat(r.body()).as(v.getKey()).isEqualTo(reference.body());
            assertThat(r.header("Content-Length")).as(v.getKey()).isEqualTo(reference.header("Content-Length"));
            assertNoSessionHeaders(r);
        }
        assertThat(server.testServer().instanceDirs()).as("no tampered token creates a walk-in").isEqualTo(dirs);
        assertThat(rows(server.http().sql("SELECT x FROM t", null, a))).isEqualTo("[[\"a\"]]");
        assertThat(rows(server.http().sql("SELECT x FROM t", null, b))).isEqualTo("[[\"b\"]]");
    }

    /** Named variants of token {@code a}, each of which must be refused. */
    private static Map<String, String> tamperings(String a, String b) {
        Base64.Decoder dec = Base64.getUrlDecoder();
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        byte[] ra = dec.decode(a.substring(4));
        byte[] rb = dec.decode(b.substring(4));
        assertThat(ra).hasSize(80);
        Map<String, String> v = new LinkedHashMap<>();
        for (int i : new int[] {0, 6, 15, 16, 30, 47, 48, 60, 79}) {
            for (int bit : new int[] {0, 7}) {
                byte[] f = ra.clone();
                f[i] ^= (byte) (1 << bit);
                String part = i < 16 ? "uuid" : i < 48 ? "nonce" : "mac";
                v.put("flip " + part + " byte " + i + " bit " + bit, "wkn_" + enc.encodeToString(f));
            }
        }
        v.put("one '=' of padding", a + "=");
        v.put("two '=' of padding", a + "==");
        v.put("padded encoder", "wkn_" + Base64.getUrlEncoder().encodeToString(ra));
        v.put("'+' in place of a character", a.substring(0, 30) + "+" + a.substring(31));
        v.put("'/' in place of a character", a.substring(0, 30) + "/" + a.substring(31));
        v.put("'.' in place of a character", a.substring(0, 30) + "." + a.substring(31));
        String standard = "wkn_" + Base64.getEncoder().withoutPadding().encodeToString(ra);
        if (!standard.equals(a)) {
            v.put("standard alphabet", standard);
        }
        // the last character carries 4 bits of data and 2 unused bits: set the unused ones
        char last = a.charAt(a.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = alphabet.indexOf(last);
        for (int stray = 1; stray <= 3; stray++) {
            v.put("stray bits " + stray + " in the last character",
                    a.substring(0, a.length() - 1) + alphabet.charAt((value & ~3) | stray ^ (value & 3)));
        }
        v.put("last character dropped", a.substring(0, a.length() - 1));
        v.put("four characters dropped", a.substring(0, a.length() - 4));
        v.put("half a token", a.substring(0, 57));
        v.put("prefix only", "wkn_");
        v.put("no prefix", a.substring(4));
        v.put("upper-case prefix", "WKN_" + a.substring(4));
        v.put("other prefix", "wkx_" + a.substring(4));
        v.put("one character more", a + "A");
        v.put("twice", a + a);
        int letter = firstLetter(a, 10);
        char c = a.charAt(letter);
        v.put("one letter's case swapped", a.substring(0, letter)
                + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)) + a.substring(letter + 1));
        v.put("uuid of a, nonce and mac of b", "wkn_" + enc.encodeToString(splice(ra, rb, 16)));
        v.put("uuid and nonce of a, mac of b", "wkn_" + enc.encodeToString(splice(ra, rb, 48)));
        v.put("uuid of b, nonce and mac of a", "wkn_" + enc.encodeToString(splice(rb, ra, 16)));
        v.put("text of a then b at character 60", a.substring(0, 60) + b.substring(60));
        v.put("all zero bytes", "wkn_" + enc.encodeToString(new byte[80]));
        return v;
    }

    private static int firstLetter(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (Character.isLetter(s.charAt(i))) {
                return i;
            }
        }
        throw new AssertionError("no letter in " + s);
    }

    private static byte[] splice(byte[] head, byte[] tail, int at) {
        byte[] out = tail.clone();
        System.arraycopy(head, 0, out, 0, at);
        return out;
    }

    // ---- the session headers ---------------------------------------------------------------

    @Test
    void emptySessionHeaderCountsAsAbsent() throws Exception {
        long dirs = server.testServer().instanceDirs();
        Reply r = server.http().postWithHeaders("{\"sql\":\"SELECT 1\"}", "X-Walkin-Session", "");
        assertThat(rows(r)).isEqualTo("[[1]]");
        assertThat(r.session()).matches(TOKEN);
        assertThat(server.testServer().instanceDirs()).isEqualTo(dirs + 1);
    }

    @Test
    void sessionHeadersComeOnlyWithTheCreatingAnswer() {
        long before = Instant.now().getEpochSecond();
        Reply created = server.http().sql("CREATE TABLE t(x)");
        long after = Instant.now().getEpochSecond();
        assertThat(created.status()).isEqualTo(200);
        String token = created.session();
        assertThat(token).matches(TOKEN);
        assertThat(Long.parseLong(created.header("X-Walkin-Ttl"))).isBetween(before + 600, after + 600);

        Reply ok = server.http().sql("INSERT INTO t VALUES (1)", null, token);
        assertThat(ok.status()).isEqualTo(200);
        assertNoSessionHeaders(ok);
        Reply failed = server.http().sql("SELECT nope FROM t", null, token);
        assertThat(failed.status()).isEqualTo(400);
        assertNoSessionHeaders(failed);
        assertNoSessionHeaders(server.http().get("/healthz"));
    }

    @Test
    void creatingCallWhoseSqlFailsStillHandsOutTheWalkIn() {
        Reply r = server.http().sql("CREATE TABLE t(x); SELECT * FROM nope");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid sql: no such table: nope");
        assertThat(r.session()).matches(TOKEN);
        assertThat(r.header("X-Walkin-Ttl")).matches("[0-9]+");
        assertThat(rows(server.http().sql("SELECT count(*) FROM sqlite_schema", null, r.session())))
                .as("usable, and empty: the failed call was rolled back").isEqualTo("[[0]]");
    }

    @Test
    void creatingCallThatHitsTheDeadlineOrTheStorageCapStillHandsOutTheWalkIn() {
        Reply timeout = server.http().sql("CREATE TABLE t(x); " + ENDLESS);
        assertError(timeout, 408, "query exceeded 2s timeout");
        assertThat(timeout.session()).matches(TOKEN);
        assertThat(rows(server.http().sql("SELECT count(*) FROM sqlite_schema", null, timeout.session()))).isEqualTo("[[0]]");

        Reply full = server.http().sql("CREATE TABLE b(x); " + SqlText.counter(11) + "INSERT INTO b SELECT randomblob(999000) FROM c");
        assertThat(full.status()).isEqualTo(507);
        assertThat(full.session()).matches(TOKEN);
        assertThat(full.header("X-Walkin-Ttl")).matches("[0-9]+");
        assertThat(rows(server.http().sql("SELECT count(*) FROM sqlite_schema", null, full.session()))).isEqualTo("[[0]]");
    }

    @Test
    void callRefusedBeforeCreationHandsOutNothingAndCreatesNothing() throws Exception {
        long dirs = server.testServer().instanceDirs();
        List<Reply> refused = new ArrayList<>();
        refused.add(server.http().postJson("/sql", "{", null));
        refused.add(server.http().postJson("/sql", "{}", null));
        refused.add(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[[1]]}", null));
        refused.add(server.http().sql("ATTACH 'x' AS y"));
        refused.add(server.http().postBytes("{\"sql\":\"SELECT 1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain", null));
        for (Reply r : refused) {
            assertThat(r.status()).isIn(400, 415);
            assertNoSessionHeaders(r);
        }
        assertThat(server.testServer().instanceDirs()).isEqualTo(dirs);
    }

    // ---- expiry and the sweeper ------------------------------------------------------------

    @Test
    void walkInExpiresByTheClockBeforeTheSweeperAndTheSweeperDeletesOnlyExpiredOnes() throws Exception {
        try (TestServer s = TestServer.start(Map.of("WALKINDB_SWEEP_SECONDS", "3600"))) {
            String old = s.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)").session();
            s.advanceClock(Duration.ofSeconds(598));
            assertThat(rows(s.http().sql("SELECT x FROM t", null, old))).as("alive just before ten minutes").isEqualTo("[[1]]");
            s.advanceClock(Duration.ofSeconds(3));
            Reply expired = s.http().sql("SELECT x FROM t", null, old);
            assertThat(expired.status()).isEqualTo(404);
            assertThat(expired.body()).isEqualTo(NOT_FOUND);
            assertThat(s.instanceDirs()).as("still on disk: the sweeper has not run").isEqualTo(1);

            String young = s.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (2)").session();
            assertThat(s.instanceDirs()).isEqualTo(2);
            assertThat(s.sweep()).isEqualTo(1);
            assertThat(s.instanceDirs()).isEqualTo(1);
            assertThat(rows(s.http().sql("SELECT x FROM t", null, young))).isEqualTo("[[2]]");
            assertThat(s.http().sql("SELECT x FROM t", null, old).body()).isEqualTo(NOT_FOUND);
            assertThat(s.sweep()).isZero();
        }
    }

    @Test
    void sweeperNeverDeletesUnderACallInFlight() throws Exception {
        try (TestServer s = TestServer.start(Map.of("WALKINDB_SWEEP_SECONDS", "3600"))) {
            String token = s.http().sql("CREATE TABLE t(x)").session();
            Future<Reply> running = Parallel.background(() -> s.http().sql(ENDLESS, null, token));
            s.awaitCallsInSql(1); // past the walk-in's gate: the sweeper cannot have it
            s.advanceClock(Duration.ofSeconds(601));
            assertThat(s.sweep()).as("held by the call").isZero();
            assertThat(s.instanceDirs()).isEqualTo(1);
            Reply r = running.get();
            assertThat(r.status()).as("the call finishes as it would have: %s", r.body()).isEqualTo(408);
            assertThat(s.sweep()).isEqualTo(1);
            assertThat(s.instanceDirs()).isZero();
            assertThat(s.http().sql("SELECT 1", null, token).body()).isEqualTo(NOT_FOUND);
        }
    }

    // ---- restart ---------------------------------------------------------------------------

    @Test
    void restartKeepsSessionsValidAndThePerIpLiveCount() throws Exception {
        assumeFalse(TestServer.jailed(), "a restart keeps the in-process server's clock; a jailed one has none here");
        Map<String, String> env = Map.of("WALKINDB_MAX_INSTANCES_PER_IP", "2");
        TestServer first = TestServer.start(env);
        String one = first.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES ('kept')").session();
        String two = first.http().sql("SELECT 1").session();
        try (TestServer again = first.restart(env)) {
            assertThat(rows(again.http().sql("SELECT x FROM t", null, one))).isEqualTo("[[\"kept\"]]");
            assertThat(rows(again.http().sql("SELECT 2", null, two))).isEqualTo("[[2]]");
            Reply third = again.http().sql("SELECT 3");
            assertError(third, 429, "too many live instances");
            assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(560L, 600L);
        }
    }

    /**
     * No file is looked at to find a walk-in; one whose files are gone (removed while the server
     * was down) is still a 404 on every route, from the open that never creates, and nothing
     * comes back on disk. Both isolation modes: the open happens in a worker in one of them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inprocess", "process"})
    void aWalkinWhoseFilesAreGoneIs404AndStaysGone(String isolation) throws Exception {
        assumeFalse(TestServer.jailed(), "a restart keeps the in-process server's clock; a jailed one has none here");
        Map<String, String> env = Map.of("WALKINDB_ISOLATION", isolation);
        TestServer first = TestServer.start(env);
        String gone = settled(() -> first.http().sql("CREATE TABLE t(x)")).session();
        String kept = settled(() -> first.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)")).session();
        try (TestServer again = first.restart(env)) {
            Path dir = again.dataDir().resolve("instances").resolve(Uploads.walkinId(gone).toString());
            TestServer.deleteTree(dir);
            assertThat(settled(() -> again.http().sql("SELECT 1", null, gone)).body()).isEqualTo(NOT_FOUND);
            assertThat(Uploads.export(again.http(), gone, "sqlite").status()).isEqualTo(404);
            assertThat(settled(() -> Uploads.csv(again.http(), gone, "table=t", "x\n1\n")).body()).isEqualTo(NOT_FOUND);
            assertThat(settled(() -> Uploads.sql(again.http(), gone, "INSERT INTO t VALUES (2)")).body()).isEqualTo(NOT_FOUND);
            assertThat(dir).doesNotExist();
            assertThat(rows(settled(() -> again.http().sql("SELECT x FROM t", null, kept)))).isEqualTo("[[1]]");
        }
    }

    /**
     * The call's answer once it is not 408 or 503: a fresh worker JVM on a machine under heavy
     * load can pass the 2 s deadline on its first calls, which roll back and may be sent again.
     */
    private static Reply settled(java.util.function.Supplier<Reply> call) {
        return Await.settle(Duration.ofSeconds(60), call, r -> r.status() != 408 && r.status() != 503);
    }
}
