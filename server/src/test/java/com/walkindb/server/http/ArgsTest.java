package com.walkindb.server.http;

import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/API.md, "args": positional values consumed statement by statement, named values by key
 * without prefix, the value kinds and their SQLite types, and every mismatch refused as
 * {@code 400 invalid args: <why>} with nothing of the call kept.
 */
class ArgsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static Reply call(String sql, String argsJson, String session) {
        String body = "{\"sql\":" + quote(sql) + (argsJson == null ? "" : ",\"args\":" + argsJson) + "}";
        return server.http().postJson("/sql", body, session);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The call is refused as invalid args, and the reason says something ({@code mentions}, if given). */
    private static void assertInvalidArgs(Reply r, String... mentions) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        String error = r.error();
        assertThat(error).startsWith("invalid args: ").hasSizeGreaterThan("invalid args: ".length() + 3);
        if (mentions.length > 0) {
            assertThat(error).contains(mentions);
        }
        assertThat(r.json().has("hint")).isFalse();
    }

    private static String schemaOf(String session) {
        return rows(server.http().sql("SELECT name FROM sqlite_schema ORDER BY name", null, session));
    }

    // ---- positional ------------------------------------------------------------------------

    @Test
    void eachStatementTakesAsManyValuesAsItHasParameters() {
        assertThat(rows(call("CREATE TABLE t(a, b); INSERT INTO t VALUES (?, ?); INSERT INTO t VALUES (?, 'z'); "
                + "SELECT a, b FROM t ORDER BY rowid", "[1, \"two\", 3.5]", null))).isEqualTo("[[1,\"two\"],[3.5,\"z\"]]");
    }

    @Test
    void numberedParametersCountWithinTheirOwnStatement() {
        assertThat(rows(call("CREATE TABLE t(a, b); INSERT INTO t VALUES (?2, ?1); INSERT INTO t VALUES (?1, ?1); "
                + "SELECT a, b FROM t ORDER BY rowid", "[1, 2, 3]", null))).isEqualTo("[[2,1],[3,3]]");
        assertThat(rows(call("SELECT ?3", "[7, 8, 9]", null))).as("?3 alone is three parameters").isEqualTo("[[9]]");
        assertThat(rows(call("SELECT ?1 + ?1; SELECT ?1 * 10", "[2, 5]", null))).isEqualTo("[[50]]");
    }

    @Test
    void namedParametersInAnArrayBindByPosition() {
        assertThat(rows(call("SELECT :a, @b, $c", "[1, 2, 3]", null))).isEqualTo("[[1,2,3]]");
    }

    @Test
    void tooFewValuesForAStatementIsInvalidArgsAndKeepsNothing() {
        String s = server.http().sql("SELECT 1").session();
        assertInvalidArgs(call("CREATE TABLE t(a); INSERT INTO t VALUES (?); INSERT INTO t VALUES (? + ?)", "[1, 2]", s));
        assertThat(schemaOf(s)).isEqualTo("[]");
    }

    @Test
    void valuesLeftOverAfterTheLastStatementAreInvalidArgsAndKeepNothing() {
        String s = server.http().sql("SELECT 1").session();
        assertInvalidArgs(call("CREATE TABLE t(a); INSERT INTO t VALUES (?)", "[1, 2]", s));
        assertThat(schemaOf(s)).isEqualTo("[]");
        assertInvalidArgs(call("SELECT 1", "[1]", s));
    }

    @Test
    void parametersWithoutArgsAreInvalidArgs() {
        assertInvalidArgs(call("SELECT ?", null, null));
        assertInvalidArgs(call("SELECT :a", null, null));
        assertThat(rows(call("SELECT 1", "[]", null))).isEqualTo("[[1]]");
        assertThat(rows(call("SELECT 1", "{}", null))).isEqualTo("[[1]]");
    }

    // ---- named -----------------------------------------------------------------------------

    @Test
    void oneKeyServesColonAtAndDollar() {
        assertThat(rows(call("SELECT :a, @a, $a", "{\"a\": 7}", null))).isEqualTo("[[7,7,7]]");
    }

    @Test
    void oneKeyServesSeveralStatements() {
        assertThat(rows(call("CREATE TABLE t(v); INSERT INTO t VALUES (:v); INSERT INTO t VALUES (:v || '!'); "
                + "SELECT v FROM t ORDER BY rowid", "{\"v\": \"x\"}", null))).isEqualTo("[[\"x\"],[\"x!\"]]");
    }

    @Test
    void parameterWithoutAKeyIsInvalidArgsAndKeepsNothing() {
        String s = server.http().sql("SELECT 1").session();
        assertInvalidArgs(call("CREATE TABLE t(a); INSERT INTO t VALUES (:a); SELECT :a, :missing", "{\"a\": 1}", s),
                "missing");
        assertThat(schemaOf(s)).isEqualTo("[]");
    }

    @Test
    void keyNoStatementUsesIsInvalidArgs() {
        assertInvalidArgs(call("SELECT :a", "{\"a\": 1, \"unused_key\": 2}", null), "unused_key");
    }

    @ParameterizedTest
    @ValueSource(strings = {":a", "@a", "$a"})
    void keyWrittenWithItsPrefixIsInvalidArgs(String key) {
        assertInvalidArgs(call("SELECT " + key, "{\"" + key.replace("$", "\\u0024") + "\": 1}", null));
    }

    @Test
    void positionalParameterWithAnArgsObjectIsInvalidArgs() {
        assertInvalidArgs(call("SELECT ?", "{\"a\": 1}", null));
        assertInvalidArgs(call("SELECT :a, ?", "{\"a\": 1}", null));
    }

    // ---- value kinds -----------------------------------------------------------------------

    @Test
    void valuesBindAsTheirSqliteTypes() {
        assertThat(rows(call("SELECT ?1, typeof(?1), ?2, typeof(?2), ?3, typeof(?3), ?4, typeof(?4), ?5, typeof(?5)",
                "[42, 4.5, \"héllo\", null, -0.0]", null)))
                .isEqualTo("[[42,\"integer\",4.5,\"real\",\"héllo\",\"text\",null,\"null\",-0.0,\"real\"]]");
    }

    @Test
    void booleansBindAsOneAndZero() {
        assertThat(rows(call("SELECT ?1, ?2, typeof(?1), typeof(?2)", "[true, false]", null)))
                .isEqualTo("[[1,0,\"integer\",\"integer\"]]");
        assertThat(rows(call("SELECT :t + :f", "{\"t\": true, \"f\": false}", null))).isEqualTo("[[1]]");
    }

    @Test
    void base64ObjectBindsABlobAndBlobsComeBackTheSameWay() {
        assertThat(rows(call("SELECT ?1, typeof(?1), hex(?1), length(?1)", "[{\"base64\": \"AAEC/w==\"}]", null)))
                .isEqualTo("[[{\"base64\":\"AAEC/w==\"},\"blob\",\"000102FF\",4]]");
        assertThat(rows(call("CREATE TABLE b(x); INSERT INTO b VALUES (:x); SELECT x, typeof(x) FROM b",
                "{\"x\": {\"base64\": \"+/+/\"}}", null))).isEqualTo("[[{\"base64\":\"+/+/\"},\"blob\"]]");
    }

    @Test
    void emptyBase64IsAnEmptyBlobNotNull() {
        assertThat(rows(call("SELECT typeof(?1), length(?1), ?1", "[{\"base64\": \"\"}]", null)))
                .isEqualTo("[[\"blob\",0,{\"base64\":\"\"}]]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAEC/w", "AAEC/w=", "AAEC/x==", "AAEC_w==", "AAEC-w==", "AAEC /w==", "AAE=C/w=", "====",
            "A", "AAEC/w==\\n", "AAEC/w===", "QUJD\\u0000"})
    void base64ThatIsNotCanonicalStandardPaddedIsInvalidArgs(String text) {
        assertInvalidArgs(call("SELECT ?", "[{\"base64\": \"" + text + "\"}]", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"base64\": \"AA==\", \"x\": 1}", "{\"b64\": \"AA==\"}", "{\"BASE64\": \"AA==\"}",
            "{\"base64\": 5}", "{\"base64\": null}", "{\"base64\": [\"AA==\"]}", "{}", "[1]", "[]", "[[1]]"})
    void otherObjectsAndArraysAreInvalidArgs(String value) {
        assertInvalidArgs(call("SELECT ?", "[" + value + "]", null));
        assertInvalidArgs(call("SELECT :v", "{\"v\": " + value + "}", null));
    }

    @Test
    void argsThatAreNeitherArrayNorObjectAreInvalidArgs() {
        for (String args : Arrays.asList("1", "\"x\"", "true", "1.5")) {
            assertInvalidArgs(call("SELECT 1", args, null));
        }
    }

    @Test
    void nanIsNotJsonAtAll() {
        Reply r = call("SELECT ?", "[NaN]", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid json");
        assertThat(call("SELECT ?", "[Infinity]", null).error()).isEqualTo("invalid json");
    }

    @Test
    void argsOfADifferentCallNeverLeakIntoTheNext() {
        String s = server.http().sql("CREATE TABLE t(a)").session();
        assertThat(server.http().sql("INSERT INTO t VALUES (?)", List.of(1), s).status()).isEqualTo(200);
        assertInvalidArgs(server.http().sql("INSERT INTO t VALUES (?)", null, s));
        assertThat(server.http().sql("INSERT INTO t VALUES (:a)", Map.of("a", 2), s).status()).isEqualTo(200);
        assertThat(rows(server.http().sql("SELECT a FROM t ORDER BY a", null, s))).isEqualTo("[[1],[2]]");
    }
}
