package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.TestClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenTamperingTest {
    private static final UUID ID = UUID.fromString("019aa5a4-4efb-7abc-9def-0123456789ab");
    private static final UUID OTHER = UUID.fromString("019aa5a4-4efc-7123-8456-fedcba987654");

    @TempDir
    Path dataDir;
    private SessionTokens tokens;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        tokens = new SessionTokens(
                SecretStore.open(dataDir, TestClock.at("2025-11-21T09:00:00Z")), new SecureRandom());
        token = tokens.issue(ID);
    }

    @ParameterizedTest(name = "{0} bytes {1}..{2}")
    @CsvSource({"uuid, 0, 16", "nonce, 16, 48", "mac, 48, 80"})
    void everySingleBitFlipIsRejected(String part, int from, int to) {
        byte[] raw = TokenBytes.decode(token);
        int checked = 0;
        for (int i = from; i < to; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = raw.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThat(tokens.verify(TokenBytes.encode(flipped))).as("%s byte %d bit %d", part, i, bit).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isEqualTo((to - from) * 8);
        assertThat(tokens.verify(TokenBytes.encode(raw))).contains(ID);
    }

    @Test
    void paddedSpellingIsRejected() {
        String padded = "wkn_" + Base64.getUrlEncoder().encodeToString(TokenBytes.decode(token));

        assertThat(padded).hasSize(112).endsWith("=");
        assertThat(tokens.verify(padded)).isEmpty();
    }

    @Test
    void trailingEqualsSignIsRejected() {
        assertThat(tokens.verify(token + "=")).isEmpty();
    }

    @Test
    void standardAlphabetSpellingIsRejected() {
        String urlToken = token;
        while (urlToken.indexOf('-') < 0 && urlToken.indexOf('_') < 0) {
            urlToken = tokens.issue(ID);
        }
        String standard = urlToken.replace('-', '+').replace('_', '/');

        assertThat(standard).isNotEqualTo(urlToken);
        assertThat(tokens.verify(urlToken)).contains(ID);
        assertThat(tokens.verify(standard)).isEmpty();
    }

    @Test
    void eachStandardAlphabetCharacterIsRejectedInPlaceOfItsUrlTwin() {
        String head = token.substring(0, 20);
        String tail = token.substring(21);

        assertThat(tokens.verify(head + '+' + tail)).isEmpty();
        assertThat(tokens.verify(head + '/' + tail)).isEmpty();
    }

    @Test
    void truncatedOrExtendedByOneCharacterIsRejected() {
        assertThat(tokens.verify(token.substring(0, 110))).isEmpty();
        assertThat(tokens.verify(token + "A")).isEmpty();
        assertThat(tokens.verify(token.substring(1))).isEmpty();
    }

    @Test
    void lastCharacterWithUnusedBitsSetIsRejectedThoughTheJdkDecodesItTheSame() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(110));
        assertThat(last & 3).isZero();
        for (int unused = 1; unused <= 3; unused++) {
            String respelled = token.substring(0, 110) + alphabet.charAt(last | unused);

            assertThat(TokenBytes.decode(respelled)).isEqualTo(TokenBytes.decode(token));
            assertThat(tokens.verify(respelled)).as("unused bits %d", unused).isEmpty();
        }
    }

    @Test
    void splicedTokensAreRejected() {
        byte[] a = TokenBytes.decode(token);
        byte[] b = TokenBytes.decode(tokens.issue(OTHER));
        byte[] uuidOfAWithRestOfB = b.clone();
        System.arraycopy(a, 0, uuidOfAWithRestOfB, 0, 16);
        byte[] uuidAndNonceOfAWithMacOfB = a.clone();
        System.arraycopy(b, 48, uuidAndNonceOfAWithMacOfB, 48, 32);
        byte[] nonceOfBInA = a.clone();
        System.arraycopy(b, 16, nonceOfBInA, 16, 32);

        assertThat(tokens.verify(TokenBytes.encode(uuidOfAWithRestOfB))).isEmpty();
        assertThat(tokens.verify(TokenBytes.encode(uuidAndNonceOfAWithMacOfB))).isEmpty();
        assertThat(tokens.verify(TokenBytes.encode(nonceOfBInA))).isEmpty();
        assertThat(tokens.verify(TokenBytes.encode(b))).contains(OTHER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wkm_", "WKN_", "wkn-", "xwkn", "    "})
    void wrongPrefixIsRejected(String prefix) {
        assertThat(tokens.verify(prefix + token.substring(4))).isEmpty();
    }

    @Test
    void tokenWithoutPrefixIsRejected() {
        assertThat(tokens.verify(token.substring(4))).isEmpty();
        assertThat(tokens.verify("AAAA" + token.substring(4))).isEmpty();
    }

    @Test
    void nullAndEmptyAreRejected() {
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify("wkn_")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(chars = {'\u00E9', '\u0100', '\uFF21', '\u0000', ' ', '.', '\uD83D'})
    void nonBase64UrlCharacterOfTheRightLengthIsRejected(char intruder) {
        String tampered = token.substring(0, 50) + intruder + token.substring(51);

        assertThat(tampered).hasSize(111);
        assertThat(tokens.verify(tampered)).isEmpty();
    }

    @Test
    void tenThousandCharacterInputIsRejected() {
        assertThat(tokens.verify(token + "A".repeat(10_000 - 111))).isEmpty();
        assertThat(tokens.verify("wkn_" + "A".repeat(9_996))).isEmpty();
    }

    @Test
    void randomInputsOfTokenShapeNeverThrowAndNeverVerify() {
        Random random = new Random(11);
        char[] chars = token.toCharArray();
        for (int i = 0; i < 20_000; i++) {
            char[] mutated = Arrays.copyOf(chars, chars.length);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                mutated[4 + random.nextInt(107)] = (char) random.nextInt(random.nextBoolean() ? 128 : 65_536);
            }
            String candidate = new String(mutated);
            if (!candidate.equals(token)) {
                assertThat(tokens.verify(candidate)).as(candidate).isEmpty();
            }
        }
    }
}
