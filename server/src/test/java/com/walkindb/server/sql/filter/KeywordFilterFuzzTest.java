package com.walkindb.server.sql.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzzes the filter with arbitrary text. Under plain {@code mvn test} it replays the seeds in
 * {@code src/test/resources/.../KeywordFilterFuzzTestInputs/checkNeverFailsAndTokensTileTheText/};
 * to fuzz for real, for the {@code maxDuration} below:
 *
 * <pre>JAZZER_FUZZ=1 ./mvnw -pl server test -Dtest=KeywordFilterFuzzTest -Dmaven.compiler.release=21</pre>
 *
 * <p>{@code release=21} is for Jazzer 0.24, whose bundled ASM cannot read Java 25 class files
 * ("Unsupported class file major version 69") and would otherwise fuzz with no coverage
 * feedback; {@code clean} afterwards. 0.24 also reads the duration only from the annotation.
 * Jazzer 0.30 needs neither: it instruments Java 25 and honours {@code -Djazzer.max_duration}.
 */
class KeywordFilterFuzzTest {

    private static final Set<String> SPELLINGS = Set.of("ATTACH", "DETACH", "load_extension", "readfile",
            "writefile", "edit", "sqlite_dbpage", "zipfile", "unzip");

    @FuzzTest(maxDuration = "2m")
    void checkNeverFailsAndTokensTileTheText(byte[] input) {
        String sql = decode(input);

        FilterVerdict verdict = KeywordFilter.check(sql);
        assertThat(verdict).isNotNull();
        if (verdict instanceof FilterVerdict.Forbidden(String keyword)) {
            assertThat(SPELLINGS.contains(keyword) || keyword.startsWith("fts5_")).as(keyword).isTrue();
        }

        int expected = 0;
        SqlTokenizer tokenizer = new SqlTokenizer(sql);
        for (Token t = tokenizer.next(); t != null; t = tokenizer.next()) {
            assertThat(t.start()).isEqualTo(expected);
            assertThat(t.end()).isGreaterThan(t.start());
            expected = t.end();
        }
        assertThat(expected).isEqualTo(sql.length());
    }

    /**
     * Seed files are plain UTF-8 SQL. An input starting with 0xFF (never in UTF-8) is read as
     * raw UTF-16 code units instead, so the fuzzer also reaches NULs and unpaired surrogates.
     */
    private static String decode(byte[] input) {
        if (input.length == 0 || input[0] != (byte) 0xFF) {
            return new String(input, StandardCharsets.UTF_8);
        }
        char[] chars = new char[(input.length - 1) / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (((input[1 + 2 * i] & 0xFF) << 8) | (input[2 + 2 * i] & 0xFF));
        }
        return new String(chars);
    }
}
