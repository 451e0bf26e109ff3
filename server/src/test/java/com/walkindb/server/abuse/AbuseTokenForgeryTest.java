package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.instance.Instance;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>token forgery</b> — get into a walk-in without its token, or learn which walk-ins
 * exist: random and malformed tokens, bit flips in each part, another walk-in's id under one's own
 * MAC, non-canonical base64, tokens that expired, were swept, were signed by a retired secret or by
 * another server.
 *
 * <p>What stops it: the token is {@code wkn_} + base64url(UUIDv7 ‖ 32-byte nonce ‖
 * HMAC-SHA256), decoded strictly and canonically, MAC checked in constant time, the current and
 * the previous daily secret only, TTL checked from the UUID's own timestamp; every failure is the
 * same {@code 404 instance not found} — byte-identical bodies, the same headers — so there is no
 * oracle to enumerate with.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseTokenForgeryTest extends AbuseSuite {
    static final String NOT_FOUND_BODY = "{\"error\":\"instance not found\",\"code\":\"instance_not_found\"}";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The shape every refused token must get: status, exact body, no session, same header names. */
    private void expectIndistinguishable404(Reply a, Set<String> referenceHeaders) {
        assertThat(a.status()).as("%s", a).isEqualTo(404);
        assertThat(a.body()).isEqualTo(NOT_FOUND_BODY);
        assertThat(a.session()).isNull();
        assertThat(a.header("X-Walkin-Ttl")).isNull();
        assertThat(headerNames(a)).isEqualTo(referenceHeaders);
    }

    private static Set<String> headerNames(Reply a) {
        Set<String> names = new TreeSet<>();
        for (String n : a.headers().map().keySet()) {
            if (!n.equalsIgnoreCase("date") && !n.equals(":status")) {
                names.add(n.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    private Set<String> reference() {
        byte[] raw = new byte[Tokens.RAW_BYTES];
        RANDOM.nextBytes(raw);
        Reply a = http.sql("SELECT 1", Tokens.encode(raw));
        expect(a, 404, "instance not found");
        return headerNames(a);
    }

    @Test
    void randomWellFormedTokensAreAllTheSame404() {
        Set<String> ref = reference();
        for (int i = 0; i < 300; i++) {
            byte[] raw = new byte[Tokens.RAW_BYTES];
            RANDOM.nextBytes(raw);
            expectIndistinguishable404(http.sql("SELECT 1", Tokens.encode(raw)), ref);
        }
    }

    @Test
    void randomTokensCarryingALiveWalkinsIdAreTheSame404() {
        Set<String> ref = reference();
        for (int i = 0; i < 50; i++) {
            byte[] raw = new byte[Tokens.RAW_BYTES];
            RANDOM.nextBytes(raw);
            String forged = Tokens.withInstance(Tokens.encode(raw), victim.id());
            expectIndistinguishable404(http.sql("SELECT * FROM " + victim.table(), forged), ref);
        }
    }

    @Test
    void malformedTokensAreTheSame404() {
        Set<String> ref = reference();
        String valid = http.sql("SELECT 1").session();
        String body = valid.substring(4);
        char last = valid.charAt(valid.length() - 1);
        // base64url of 80 bytes leaves 2 unused bits in the last character: set them
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String nonCanonical = valid.substring(0, valid.length() - 1)
                + alphabet.charAt(alphabet.indexOf(last) | 0x03);
        List<String> bad = new ArrayList<>(List.of(
                "wkn_", "wkn", "null", "undefined", "Bearer " + valid, valid.substring(0, valid.length() - 1),
                valid + "A", valid + "=", valid.substring(0, valid.length() - 1) + "=",
                "WKN_" + body, "wkn-" + body, "wkn" + body + "_", body, "wkn_" + body.toUpperCase(java.util.Locale.ROOT),
                "wkn_" + body.replace('-', '+').replace('_', '/'), "wkn_" + "A".repeat(107),
                "wkn_" + body.substring(0, 50) + " " + body.substring(51), "wkn_" + body + body,
                valid.substring(0, 60) + "." + valid.substring(61), valid + "," + valid));
        if (!nonCanonical.equals(valid)) {
            bad.add(nonCanonical);
        }
        // A token without '-' or '_' (about 3 % of them) is unchanged by the alphabet swap above.
        bad.removeIf(valid::equals);
        for (String t : bad) {
            expectIndistinguishable404(http.sql("SELECT 1", t), ref);
        }
        expectOk(http.sql("SELECT 1", valid)); // the genuine one still works
    }

    @Test
    void flippingOneBitAnywhereInTheTokenIsA404() {
        Set<String> ref = reference();
        String valid = http.sql("CREATE TABLE t(x)").session();
        for (int index : new int[] {0, 6, 7, 15, 16, 30, 47, 48, 60, 79}) {
            expectIndistinguishable404(http.sql("SELECT * FROM t", Tokens.flipBit(valid, index)), ref);
        }
        expectOk(http.sql("SELECT * FROM t", valid));
    }

    @Test
    void anotherWalkinsIdUnderMyMacIsA404() {
        Set<String> ref = reference();
        String mine = http.sql("SELECT 1").session();
        String theirs = http.sql("CREATE TABLE secret(x); INSERT INTO secret VALUES ('theirs')").session();
        UUID theirId = Tokens.instanceId(theirs);
        expectIndistinguishable404(http.sql("SELECT * FROM secret", Tokens.withInstance(mine, theirId)), ref);
        // and the nonce/MAC half of theirs under my id
        byte[] raw = Tokens.raw(theirs);
        byte[] spliced = Tokens.raw(mine);
        System.arraycopy(raw, 16, spliced, 16, 64);
        expectIndistinguishable404(http.sql("SELECT 1", Tokens.encode(spliced)), ref);
    }

    @Test
    void anExpiredTokenIsA404EvenWhileItsFilesExist() throws Exception {
        try (OwnServer own = ownServer(Map.of())) {
            String token = own.http.sql("CREATE TABLE t(x)").session();
            java.nio.file.Path dir = own.server.dataDir().resolve("instances").resolve(Tokens.instanceId(token).toString());
            // 10 s short of the TTL: a jailed server's clock runs on in real time between the calls
            own.server.advanceClock(Duration.ofSeconds(590));
            expectOk(own.http.sql("SELECT * FROM t", token));
            own.server.advanceClock(Duration.ofSeconds(11));
            Reply a = own.http.sql("SELECT * FROM t", token);
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.body()).isEqualTo(NOT_FOUND_BODY);
            assertThat(dir.resolve("db.sqlite")).exists();
        }
    }

    @Test
    void aTokenSignedWithARetiredSecretIsA404() throws Exception {
        try (OwnServer own = ownServer(Map.of("WALKINDB_TTL", String.valueOf(7 * 24 * 3600)))) {
            // The secrets rotate at UTC midnight. Start half an hour before one, where fixed hops of
            // 25 h once counted two rotations; the hops below are counted from the server's clock.
            Instant now = createdAt(own.http.sql("SELECT 1").session());
            own.server.advanceClock(Duration.between(now, nextMidnight(now)).minusMinutes(30));
            String token = own.http.sql("CREATE TABLE t(x)").session();
            Instant created = createdAt(token);
            own.server.advanceClock(Duration.between(created, nextMidnight(created)).plusHours(1)); // rotated once
            expectOk(own.http.sql("SELECT * FROM t", token)); // signed by the previous secret
            own.server.advanceClock(Duration.ofHours(24)); // rotated twice: the secret is retired
            Reply a = own.http.sql("SELECT * FROM t", token);
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.body()).isEqualTo(NOT_FOUND_BODY);
        }
    }

    /** When the server made the token's walk-in, by its own clock (read from its UUIDv7 id). */
    private static Instant createdAt(String token) {
        return Instant.ofEpochMilli(Instance.createdMillis(Tokens.instanceId(token)));
    }

    private static Instant nextMidnight(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    }

    @Test
    void aTokenFromAnotherServerIsA404() throws Exception {
        try (OwnServer own = ownServer(Map.of())) {
            String foreign = own.http.sql("CREATE TABLE t(x)").session();
            expectIndistinguishable404(http.sql("SELECT * FROM t", foreign), reference());
        }
    }

    @Test
    void anEmptySessionHeaderProvisionsAFreshWalkinInsteadOfGuessing() {
        Reply a = http.post("{\"sql\":\"SELECT count(*) FROM sqlite_schema\"}", "application/json", "", Http.DEFAULT_TIMEOUT);
        expectOk(a);
        assertThat(a.session()).startsWith("wkn_").hasSize(Tokens.LENGTH);
        assertThat(a.session()).isNotEqualTo(victim.token());
        Reply blank = http.send(HttpRequest.newBuilder(URI.create(http.base + "/sql")).timeout(Http.DEFAULT_TIMEOUT)
                .header("Content-Type", "application/json").header("X-Walkin-Session", "   ")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")));
        expectOk(blank);
        assertThat(blank.session()).isNotNull().isNotEqualTo(a.session());
    }

    @Test
    void tokensNeverComeBackInBodiesOrLaterResponses() {
        Reply created = http.sql("CREATE TABLE t(x)");
        String token = created.session();
        assertThat(created.header("X-Walkin-Ttl")).isNotNull();
        Reply later = http.sql("SELECT 'wkn_' || 1, * FROM t", token);
        expectOk(later);
        assertThat(later.session()).isNull();
        assertThat(later.header("X-Walkin-Ttl")).isNull();
        Reply failing = http.sql("SELECT * FROM nosuch", token);
        assertThat(failing.body()).doesNotContain(token.substring(4, 40));
        assertThat(failing.session()).isNull();
        // the harness checks the access log never holds a token
    }
}
