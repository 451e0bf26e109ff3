package com.walkindb.server.sql.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A full 8 KB body (the request cap) of SQL that looks dangerous only to a filter that does not
 * tokenize: keywords inside strings and comments, a column named {@code edit}. Its cost is
 * measured by {@code bench.KeywordFilterBenchmark}, not here.
 */
public class KeywordFilterLongInputTest {

    /** 8192 characters of mixed statements, strings, comments and quoted identifiers. */
    public static String eightKilobytes() {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        while (sb.length() < 8192) {
            sb.append("INSERT INTO notes(id, body, tag) VALUES (").append(n++)
                    .append(", 'it''s a note /* not a comment */ attach', \"col\") -- trailing detach\n")
                    .append("SELECT count(*), max(x'00ff'), json_extract(:p, '$.a') FROM [t] /* c */ WHERE edit > 1.5e3;\n");
        }
        return sb.substring(0, 8192);
    }

    @Test
    void eightKilobytesOfHarmlessSqlIsAllowed() {
        assertThat(KeywordFilter.check(eightKilobytes())).isEqualTo(new FilterVerdict.Allowed());
    }

    @Test
    void aKeywordAtTheVeryEndOfEightKilobytesIsFound() {
        String sql = eightKilobytes().substring(0, 8192 - 12) + ";ATTACH 'x'";
        assertThat(KeywordFilter.check(sql)).isInstanceOf(FilterVerdict.Forbidden.class);
    }
}
