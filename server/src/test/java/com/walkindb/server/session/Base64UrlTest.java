package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64UrlTest {
    private static final Base64.Encoder JDK = Base64.getUrlEncoder().withoutPadding();

    @Test
    void decodesWhatTheJdkEncodesForEveryLengthUpTo100() {
        Random random = new Random(42);
        for (int length = 0; length <= 100; length++) {
            byte[] original = new byte[length];
            random.nextBytes(original);
            String text = JDK.encodeToString(original);
            byte[] decoded = new byte[length];

            assertThat(Base64Url.encodedLength(length)).as("length %d", length).isEqualTo(text.length());
            assertThat(Base64Url.decode(text, 0, decoded)).as("length %d", length).isTrue();
            assertThat(decoded).as("length %d", length).isEqualTo(original);
        }
    }

    @Test
    void decodesFromAnOffset() {
        byte[] out = new byte[2];

        assertThat(Base64Url.decode("xx_-A", 2, out)).isTrue();
        assertThat(out).containsExactly((byte) 0xFF, (byte) 0xE0);
    }

    @Test
    void refusesSetUnusedBitsInTheLastCharacter() {
        // 2 bytes take 3 chars = 18 bits, so the last char's low 2 bits are unused.
        byte[] out = new byte[2];

        assertThat(Base64Url.decode("AAA", 0, out)).isTrue();
        assertThat(Base64Url.decode("AAB", 0, out)).isFalse();
        assertThat(Base64Url.decode("AAC", 0, out)).isFalse();
        assertThat(Base64Url.decode("AAD", 0, out)).isFalse();
        assertThat(Base64Url.decode("AAE", 0, out)).isTrue();
    }

    @Test
    void refusesWrongLengthPaddingAndForeignCharacters() {
        byte[] out = new byte[2];

        assertThat(Base64Url.decode("AA", 0, out)).isFalse();
        assertThat(Base64Url.decode("AAAA", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA=", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA+", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA/", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA\u00C0", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA\u0100", 0, out)).isFalse();
        assertThat(Base64Url.decode("AA\uFF21", 0, out)).isFalse();
        assertThat(Base64Url.decode("AAA", 4, out)).isFalse();
        assertThat(Base64Url.decode("AAA", -1, out)).isFalse();
    }

    @Test
    void neverThrowsOnRandomText() {
        Random random = new Random(7);
        byte[] out = new byte[80];
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            char[] chars = new char[107];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(65_536));
            }
            if (Base64Url.decode(new String(chars), 0, out)) {
                accepted++;
            }
        }

        assertThat(accepted).isZero();
    }
}
