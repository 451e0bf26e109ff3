package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rules of {@link RequestIds} without a server: what is well-formed, what is generated. */
class RequestIdsTest {
    @Test
    void wellFormedIsOneToSixtyFourOfLettersDigitsDotUnderscoreHyphen() {
        assertThat(RequestIds.wellFormed("a")).isTrue();
        assertThat(RequestIds.wellFormed("A-z_0.9")).isTrue();
        assertThat(RequestIds.wellFormed("x".repeat(64))).isTrue();
        assertThat(RequestIds.wellFormed("x".repeat(65))).isFalse();
        assertThat(RequestIds.wellFormed("")).isFalse();
        assertThat(RequestIds.wellFormed(null)).isFalse();
        for (String bad : new String[] {"a b", "a\tb", "a\nb", "a/b", "a:b", "é", "a+b", "a=b", "{}", "%41"}) {
            assertThat(RequestIds.wellFormed(bad)).as(bad).isFalse();
        }
    }

    @Test
    void generatedIdsAreSixteenHexDigitsAndWellFormed() {
        for (int i = 0; i < 1000; i++) {
            String id = RequestIds.generate();
            assertThat(id).matches("[0-9a-f]{16}");
            assertThat(RequestIds.wellFormed(id)).isTrue();
        }
        assertThat(RequestIds.choose("mine")).isEqualTo("mine");
        assertThat(RequestIds.choose("not mine")).matches("[0-9a-f]{16}");
    }
}
