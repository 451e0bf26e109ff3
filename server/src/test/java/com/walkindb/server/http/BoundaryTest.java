package com.walkindb.server.http;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertErrorMessage;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static com.walkindb.server.testing.SqlText.counter;
import static com.walkindb.server.testing.SqlText.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every limit of docs/API.md at its boundary: the last value that passes and the first that does
 * not, over HTTP against the real server (body size, rows, result bytes, JSON strictness, args
 * count, int64, REAL spelling, and the sqlite3_limit caps).
 */
class BoundaryTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    // ---- body size -------------------------------------------------------------------------

    @Test
    void bodyOf8192BytesIsReadAndOf8193IsRefused() {
        assertThat(rows(server.http().postBytes(Http.paddedBody("SELECT 8192", 8192), "application/json", null)))
                .isEqualTo("[[8192]]");
        assertError(server.http().postBytes(Http.paddedBody("SELECT 8193", 8193), "application/json", null), 413,
                "sql payload exceeds 8 KB");
    }

    // ---- result caps -----------------------------------------------------------------------

    @Test
    void tenThousandRowsAreAllReturned() {
        JsonNode r = server.http().sql(counter(10_000) + "SELECT i FROM c").json();
        assertThat(r.path("rows").size()).isEqualTo(10_000);
        assertThat(r.path("rows").get(9_999).toString()).isEqualTo("[10000]");
        assertThat(r.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void theTenThousandAndFirstRowIsCutAndFlagged() {
        JsonNode r = server.http().sql(counter(10_001) + "SELECT i FROM c").json();
        assertThat(r.path("rows").size()).isEqualTo(10_000);
        assertThat(r.path("rows").get(9_999).toString()).isEqualTo("[10000]");
        assertThat(r.path("truncated").asBoolean()).isTrue();
    }

    /**
     * Ten rows of 100 004 encoded bytes and a last row sized so that the rows with their separating
     * commas come to {@code total} bytes (1 MiB = 1 048 576). Whether "the encoded rows" counts the
     * rows array's own two brackets is left open by the contract, so the passing case stays two bytes under.
     */
    private Reply elevenRowsTotalling(int total) {
        int last = total - 1_000_054;
        return server.http().sql(counter(11) + "SELECT CASE WHEN i < 11 THEN " + text(100_000) + " ELSE " + text(last)
                + " END AS s FROM c");
    }

    @Test
    void rowsJustUnderOneMebibyteAreAllKept() {
        JsonNode r = elevenRowsTotalling(1_048_574).json();
        assertThat(r.path("truncated").asBoolean()).isFalse();
        assertThat(r.path("rows").size()).isEqualTo(11);
        assertThat(r.path("rows").get(10).get(0).asText()).hasSize(48_520);
    }

    @Test
    void rowsOverOneMebibyteAreDroppedWholeAndFlagged() {
        JsonNode r = elevenRowsTotalling(1_048_577).json();
        assertThat(r.path("truncated").asBoolean()).isTrue();
        assertThat(r.path("rows").size()).isEqualTo(10);
        for (JsonNode row : r.path("rows")) {
            assertThat(row.size()).isEqualTo(1);
            assertThat(row.get(0).asText()).hasSize(100_000);
        }
    }

    @Test
    void manySmallRowsStopWholeAtTheByteCap() {
        // 2 000 rows of ~1 KB: passes 1 MiB before the row cap
        JsonNode r = server.http().sql(counter(2_000) + "SELECT i, " + text(1_000) + " AS pad FROM c").json();
        assertThat(r.path("truncated").asBoolean()).isTrue();
        int n = r.path("rows").size();
        assertThat(n).isBetween(1_000, 1_100);
        for (int i = 0; i < n; i++) {
            assertThat(r.path("rows").get(i).get(0).asInt()).isEqualTo(i + 1);
            assertThat(r.path("rows").get(i).get(1).asText()).hasSize(1_000);
        }
    }

    @Test
    void writingStatementRunsToItsEndPastTheRowCap() {
        String sql = "CREATE TABLE r(x); " + counter(10_001) + "INSERT INTO r SELECT i FROM c RETURNING x";
        Reply r = server.http().sql(sql);
        JsonNode json = r.json();
        assertThat(json.path("rows").size()).isEqualTo(10_000);
        assertThat(json.path("truncated").asBoolean()).isTrue();
        assertThat(json.path("rows_affected").asLong()).isEqualTo(10_001);
        assertThat(rows(server.http().sql("SELECT count(*), max(x) FROM r", null, r.session()))).isEqualTo("[[10001,10001]]");
    }

    @Test
    void truncationOfAnEarlierStatementDoesNotCarryOver() {
        assertThat(server.http().sql(counter(10_001) + "SELECT i FROM c; SELECT 1 AS one").body())
                .isEqualTo("{\"columns\":[\"one\"],\"rows\":[[1]],\"rows_affected\":0,\"truncated\":false}");
    }

    @Test
    void oneRowOfExactlyOneMebibyteIsKept() {
        // ["<600 000>","<448 569>"] = 600 000 + 448 569 + 7 = 1 048 576 bytes
        JsonNode r = server.http().sql("SELECT " + text(600_000) + " AS a, " + text(448_569) + " AS b").json();
        assertThat(r.path("truncated").asBoolean()).isFalse();
        assertThat(r.path("rows").size()).isEqualTo(1);
        assertThat(r.path("rows").get(0).get(1).asText()).hasSize(448_569);
    }

    @Test
    void escapingIsCountedWhileATextIsEncoded() {
        // 500 000 plain characters and 90 000 control characters (\u0001, six bytes each):
        // 1 040 000 bytes of JSON from 590 000 characters, encoded piece by piece.
        JsonNode r = server.http().sql("SELECT hex(zeroblob(250000)) || replace(hex(zeroblob(45000)), '0', char(1))").json();
        String v = r.path("rows").get(0).get(0).asText();
        assertThat(v).hasSize(590_000).startsWith("0000").endsWith("\u0001\u0001");
        // 180 000 control characters escape to 1 080 000 bytes: too large, though 180 KB in SQLite.
        assertErrorMessage(server.http().sql("SELECT replace(hex(zeroblob(90000)), '0', char(1))"), 400,
                "result row too large");
    }

    @Test
    void aBlobIsJudgedByItsBase64Length() {
        // [{"base64":"<1 048 000>"}] = 1 048 015 bytes
        JsonNode r = server.http().sql("SELECT zeroblob(786000)").json();
        assertThat(r.path("rows").get(0).get(0).path("base64").asText()).hasSize(1_048_000);
        // 786 433 bytes make 1 048 580 characters of base64
        assertErrorMessage(server.http().sql("SELECT zeroblob(786433)"), 400, "result row too large");
    }

    @Test
    void oneRowOneByteOverOneMebibyteFailsTheCall() {
        assertErrorMessage(server.http().sql("SELECT " + text(600_000) + " AS a, " + text(448_570) + " AS b"), 400,
                "result row too large");
    }

    // ---- strict JSON -----------------------------------------------------------------------

    private static String nested(int arrays) {
        return "[".repeat(arrays) + "]".repeat(arrays);
    }

    @Test
    void nestingOf32LevelsIsAccepted() {
        // the body object is level 1; 31 arrays inside make 32
        assertThat(rows(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"x\":" + nested(31) + "}", null))).isEqualTo("[[1]]");
        // same depth inside args: parsed, then refused for its shape
        assertThat(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"args\":" + nested(31) + "}", null).error())
                .startsWith("invalid args: ");
    }

    @Test
    void nestingOf33LevelsIsInvalidJson() {
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"x\":" + nested(32) + "}", null), 400, "invalid json");
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"args\":" + nested(32) + "}", null), 400, "invalid json");
    }

    @Test
    void numberLiteralOf100CharactersIsAcceptedAnd101IsInvalidJson() {
        String real100 = "1." + "0".repeat(98);
        assertThat(real100).hasSize(100);
        assertThat(rows(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + real100 + "]}", null))).isEqualTo("[[1.0]]");
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + real100 + "0]}", null), 400, "invalid json");

        String negative100 = "-1." + "5".repeat(97);
        assertThat(negative100).hasSize(100);
        assertThat(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + negative100 + "]}", null).status()).isEqualTo(200);
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + negative100 + "5]}", null), 400, "invalid json");

        String integer100 = "1" + "0".repeat(99);
        assertThat(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + integer100 + "]}", null).error())
                .as("a 100-digit integer parses, then is outside int64").startsWith("invalid args: ");
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + integer100 + "0]}", null), 400, "invalid json");
        assertError(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"x\":" + integer100 + "0}", null), 400, "invalid json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"sql\":\"SELECT 1\",\"sql\":\"SELECT 1\"}",
            "{\"sql\":\"SELECT :a\",\"args\":{\"a\":1,\"a\":1}}",
            "{\"sql\":\"SELECT ?\",\"args\":[{\"base64\":\"AA==\",\"base64\":\"AA==\"}]}",
            "{\"sql\":\"SELECT 1\",\"x\":{\"y\":1,\"y\":2}}"})
    void repeatedKeyAnywhereIsInvalidJson(String body) {
        assertError(server.http().postJson("/sql", body, null), 400, "invalid json");
    }

    @Test
    void bytesThatAreNotUtf8AreInvalidJson() {
        byte[][] bad = {
                {(byte) 0xFF},                           // never valid
                {(byte) 0xC0, (byte) 0xA7},              // overlong '\''
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
                {(byte) 0xE2, (byte) 0x82},              // cut short
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // five bytes
        };
        for (byte[] b : bad) {
            assertError(server.http().postBytes(utf8Body(b), "application/json", null), 400, "invalid json");
        }
        byte[] good = "é€😀".getBytes(StandardCharsets.UTF_8);
        assertThat(rows(server.http().postBytes(utf8Body(good), "application/json", null))).isEqualTo("[[\"é€😀\"]]");
    }

    private static byte[] utf8Body(byte[] inside) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"sql\":\"SELECT '".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(inside);
        out.writeBytes("'\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"sql\":\"SELECT 1\"}x", "{\"sql\":\"SELECT 1\"}{}", "{\"sql\":\"SELECT 1\"}]",
            "{\"sql\":\"SELECT 1\"} {\"sql\":\"SELECT 2\"}", "{\"sql\":\"SELECT 1\"}\u0000"})
    void anythingAfterTheObjectIsInvalidJson(String body) {
        assertError(server.http().postJson("/sql", body, null), 400, "invalid json");
    }

    @Test
    void whitespaceAfterTheObjectIsFine() {
        assertThat(rows(server.http().postJson("/sql", "\n {\"sql\":\"SELECT 1\"} \r\n\t", null))).isEqualTo("[[1]]");
    }

    // ---- sql and args presence -------------------------------------------------------------

    @Test
    void nullArgsAreTheSameAsNoArgs() {
        assertThat(rows(server.http().postJson("/sql", "{\"sql\":\"SELECT 1\",\"args\":null}", null))).isEqualTo("[[1]]");
        Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":null}", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).startsWith("invalid args: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\\n\\t  ", ";", " ; ;; ", "-- nothing", "/* nothing */", "/* a */ ; -- b\\n ;",
            "--", "/**/"})
    void sqlOfOnlyWhitespaceCommentsAndSemicolonsIsMissing(String sql) {
        assertError(server.http().postJson("/sql", "{\"sql\":\"" + sql + "\"}", null), 400, "missing sql");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "null", "[\"SELECT 1\"]", "{}"})
    void sqlThatIsNotAStringIsMissing(String value) {
        assertError(server.http().postJson("/sql", "{\"sql\":" + value + "}", null), 400, "missing sql");
    }

    @Test
    void trailingCommentAndSemicolonsAfterAStatementAreFine() {
        assertThat(rows(server.http().sql("SELECT 1; -- done\n;;"))).isEqualTo("[[1]]");
    }

    // ---- args count and values -------------------------------------------------------------

    @Test
    void oneHundredArgsAreAccepted() {
        List<Integer> values = IntStream.rangeClosed(1, 100).boxed().toList();
        assertThat(rows(server.http().sql("SELECT ?100", values, null))).isEqualTo("[[100]]");
        String named = IntStream.rangeClosed(1, 100).mapToObj(i -> ":k" + i).collect(Collectors.joining(", "));
        java.util.Map<String, Integer> keys = new java.util.LinkedHashMap<>();
        values.forEach(v -> keys.put("k" + v, v));
        assertThat(rows(server.http().sql("SELECT " + named, keys, null))).isEqualTo(("[" + values + "]").replace(" ", ""));
        // 100 values pass the args check: the keyword pre-filter, which comes after it, answers
        assertError(server.http().sql("ATTACH 'x' AS y", values, null), 400, "forbidden sql keyword: ATTACH");
    }

    @Test
    void oneHundredAndOneArgsAreInvalidBeforeAnySqlCheck() {
        List<Integer> values = IntStream.rangeClosed(1, 101).boxed().toList();
        Reply positional = server.http().sql("ATTACH 'x' AS y", values, null);
        assertThat(positional.status()).isEqualTo(400);
        assertThat(positional.error()).startsWith("invalid args: ");
        java.util.Map<String, Integer> keys = new java.util.LinkedHashMap<>();
        values.forEach(v -> keys.put("k" + v, v));
        Reply named = server.http().sql("ATTACH 'x' AS y", keys, null);
        assertThat(named.status()).isEqualTo(400);
        assertThat(named.error()).startsWith("invalid args: ");
    }

    @Test
    void int64ExtremesRoundTripExactly() {
        Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT ?1, ?2, typeof(?1), typeof(?2), ?2 - 1, "
                + "9223372036854775807, -9223372036854775808\",\"args\":[-9223372036854775808,9223372036854775807]}", null);
        assertThat(rows(r)).isEqualTo("[[-9223372036854775808,9223372036854775807,\"integer\",\"integer\","
                + "9223372036854775806,9223372036854775807,-9223372036854775808]]");
        assertThat(r.body()).contains("[[-9223372036854775808,9223372036854775807,");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "18446744073709551616"})
    void integerBeyondInt64IsInvalidArgs(String literal) {
        Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT ?\",\"args\":[" + literal + "]}", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).startsWith("invalid args: ");
    }

    @Test
    void realIsAlwaysWrittenWithAFractionOrExponent() {
        Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT 2.0, CAST(1 AS REAL), 1e300, -0.5, 100.0 / 4, 1e-7, "
                + "?1, typeof(?1), ?2, typeof(?2), 9007199254740993.0\",\"args\":[2.0, 1e2]}", null);
        assertThat(r.status()).isEqualTo(200);
        String raw = r.body().substring(r.body().indexOf("\"rows\":"));
        Matcher m = Pattern.compile("(?<=[\\[,])-?[0-9][0-9.eE+-]*(?=[,\\]])").matcher(raw);
        List<String> numbers = new ArrayList<>();
        while (m.find()) {
            numbers.add(m.group());
        }
        assertThat(numbers).hasSize(9).allMatch(n -> n.contains(".") || n.contains("e") || n.contains("E"));
        assertThat(numbers.get(0)).isEqualTo("2.0");
        JsonNode row = r.json().path("rows").get(0);
        assertThat(row.get(1).asDouble()).isEqualTo(1.0);
        assertThat(row.get(2).asDouble()).isEqualTo(1e300);
        assertThat(row.get(4).asDouble()).isEqualTo(25.0);
        assertThat(row.get(5).asDouble()).isEqualTo(1e-7);
        assertThat(row.get(7).asText()).isEqualTo("real");
        assertThat(row.get(8).asDouble()).isEqualTo(100.0);
        assertThat(row.get(9).asText()).as("1e2 binds as REAL").isEqualTo("real");
    }

    @Test
    void infinitiesFromSqlComeBackAsNull() {
        assertThat(rows(server.http().sql("SELECT 1e999, -1e999, typeof(1e999), 1e999 - 1e999"))).isEqualTo("[[null,null,\"real\",null]]");
    }

    // ---- the sqlite3_limit caps of docs/API.md ---------------------------------------------------

    @Test
    void compoundSelectOf10TermsRunsAnd11IsInvalidSql() {
        String ten = IntStream.rangeClosed(1, 10).mapToObj(i -> "SELECT " + i).collect(Collectors.joining(" UNION ALL "));
        assertThat(server.http().sql(ten).json().path("rows").size()).isEqualTo(10);
        assertErrorMessage(server.http().sql(ten + " UNION ALL SELECT 11"), 400, "invalid sql: too many terms in compound SELECT");
    }

    @Test
    void likePatternOf100CharactersRunsAnd101IsInvalidSql() {
        assertThat(rows(server.http().sql("SELECT 'a' LIKE '" + "%".repeat(99) + "a'"))).isEqualTo("[[1]]");
        assertErrorMessage(server.http().sql("SELECT 'a' LIKE '" + "%".repeat(100) + "a'"), 400,
                "invalid sql: LIKE or GLOB pattern too complex");
    }

    @Test
    void valueOfOneMillionBytesIsAllowedAndOneMoreIsInvalidSql() {
        assertThat(rows(server.http().sql("SELECT length(zeroblob(1000000))"))).isEqualTo("[[1000000]]");
        assertErrorMessage(server.http().sql("SELECT length(zeroblob(1000001))"), 400, "invalid sql: string or blob too big");
    }

    @Test
    void parameterNumber100IsAllowedAnd101IsInvalidSql() {
        Reply r = server.http().sql("SELECT ?101", IntStream.rangeClosed(1, 100).boxed().toList(), null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid sql: variable number must be between ?1 and ?100");
    }

    @Test
    void resultOf100ColumnsRunsAnd101IsInvalidSql() {
        String hundred = IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).collect(Collectors.joining(","));
        assertThat(server.http().sql("SELECT " + hundred).json().path("columns").size()).isEqualTo(100);
        assertErrorMessage(server.http().sql("SELECT " + hundred + ",101"), 400, "invalid sql: too many columns in result set");
    }

    @Test
    void functionWith16ArgumentsRunsAnd17IsInvalidSql() {
        String sixteen = IntStream.rangeClosed(1, 16).mapToObj(Integer::toString).collect(Collectors.joining(","));
        assertThat(rows(server.http().sql("SELECT max(" + sixteen + ")"))).isEqualTo("[[16]]");
        assertErrorMessage(server.http().sql("SELECT max(" + sixteen + ",17)"), 400, "invalid sql: too many arguments on function max");
    }

    @Test
    void expressionDeeperThan50IsInvalidSql() {
        assertThat(rows(server.http().sql("SELECT 1" + "+1".repeat(40)))).isEqualTo("[[41]]");
        assertErrorMessage(server.http().sql("SELECT 1" + "+1".repeat(60)), 400,
                "invalid sql: Expression tree is too large (maximum depth 50)");
    }
}
