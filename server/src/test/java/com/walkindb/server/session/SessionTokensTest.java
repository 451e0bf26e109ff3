package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.walkindb.server.testing.TestClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTokensTest {
    private static final UUID ID = UUID.fromString("019aa5a4-4efb-7abc-9def-0123456789ab");

    @TempDir
    Path dataDir;
    private SecretStore store;
    private SessionTokens tokens;

    @BeforeEach
    void setUp() throws Exception {
        store = SecretStore.open(dataDir, TestClock.at("2025-11-21T09:00:00Z"));
        tokens = new SessionTokens(store, new SecureRandom());
    }

    @Test
    void issuedTokenVerifiesToItsInstance() {
        assertThat(tokens.verify(tokens.issue(ID))).contains(ID);
    }

    @Test
    void tokenIsPrefixAnd107Base64UrlCharacters() {
        String token = tokens.issue(ID);

        assertThat(token).hasSize(111).startsWith("wkn_");
        assertThat(token.substring(4).chars())
                .allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
        assertThat(TokenBytes.decode(token)).hasSize(80);
    }

    @Test
    void tokenBytesAreUuidThenNonceThenHmacOfBothUnderTheCurrentSecret() throws Exception {
        SessionTokens fixedNonce = new SessionTokens(store, new FixedBytesRandom(0x5A));

        byte[] raw = TokenBytes.decode(fixedNonce.issue(ID));

        ByteBuffer buffer = ByteBuffer.wrap(raw);
        assertThat(new UUID(buffer.getLong(), buffer.getLong())).isEqualTo(ID);
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) 0x5A);
        assertThat(Arrays.copyOfRange(raw, 16, 48)).isEqualTo(nonce);
        assertThat(Arrays.copyOfRange(raw, 48, 80))
                .isEqualTo(TokenBytes.hmac(store.current().current(), raw, 48));
    }

    @Test
    void twoTokensForOneInstanceDifferAndBothVerify() {
        String first = tokens.issue(ID);
        String second = tokens.issue(ID);

        assertThat(first).isNotEqualTo(second);
        assertThat(tokens.verify(first)).contains(ID);
        assertThat(tokens.verify(second)).contains(ID);
    }

    @Test
    void tokenOfAnotherServersSecretIsRejected(@TempDir Path otherDir) throws Exception {
        SessionTokens other = new SessionTokens(
                SecretStore.open(otherDir, TestClock.at("2025-11-21T09:00:00Z")), new SecureRandom());

        assertThat(tokens.verify(other.issue(ID))).isEmpty();
    }

    @Test
    void correctlySignedTokenForANonVersion7UuidIsRejected() throws Exception {
        UUID v4 = UUID.fromString("019aa5a4-4efb-4abc-9def-0123456789ab");
        byte[] secret = store.current().current();

        assertThat(tokens.verify(TokenBytes.signed(secret, ID, new byte[32]))).contains(ID);
        assertThat(tokens.verify(TokenBytes.signed(secret, v4, new byte[32]))).isEmpty();
    }

    @Test
    void issueRefusesIdsThatAreNotVersion7() {
        assertThatThrownBy(() -> tokens.issue(UUID.randomUUID())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.issue(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void manyThreadsIssueAndVerifyAtOnce() throws Exception {
        UuidV7 ids = new UuidV7(TestClock.at("2025-11-21T09:00:00Z"), new SecureRandom());
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    int verified = 0;
                    for (int i = 0; i < 2_000; i++) {
                        UUID id = ids.next();
                        if (tokens.verify(tokens.issue(id)).equals(Optional.of(id))) {
                            verified++;
                        }
                    }
                    return verified;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(2_000);
            }
        }
    }
}
