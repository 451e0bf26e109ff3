package com.walkindb.server.http;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text reaches SQLite exactly as sent, or the call is refused (docs/API.md, "invalid json"):
 * half a surrogate pair written as an escape, or bytes that are not well-formed UTF-8, used to
 * arrive as {@code ?} or U+FFFD. And what SQLite holds as TEXT that is not UTF-8 comes back as
 * docs/API.md says. The bodies below are JSON text: a backslash-u escape is six ASCII characters.
 */
class ExactTextTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"sql\":\"SELECT '\\ud800'\"}",                               // lone high half in the SQL
            "{\"sql\":\"SELECT '\\udfff'\"}",                               // lone low half
            "{\"sql\":\"SELECT '\\ud83dx'\"}",                              // high half, then no low half
            "{\"sql\":\"SELECT '\\ude00\\ud83d'\"}",                        // the halves the wrong way round
            "{\"sql\":\"SELECT '\\ud83d\\ud83d\\ude00'\"}",                 // two highs, then one low
            "{\"sql\":\"SELECT hex(?)\",\"args\":[\"\\ud800\"]}",           // in a positional value
            "{\"sql\":\"SELECT hex(?)\",\"args\":[\"ok\\ud83d\"]}",         // high half at the end
            "{\"sql\":\"SELECT :k\",\"args\":{\"k\\udc00\":1}}",            // in a named key
            "{\"sql\":\"SELECT ?\",\"args\":[{\"base64\\ud800\":\"AA==\"}]}", // in a nested key
            "{\"sql\":\"SELECT 1\",\"note\":\"\\udc00\"}",                  // in an ignored field
            "{\"sql\":\"SELECT 1\",\"\\ud800\":1}"})                        // as an ignored field's name
    void halfASurrogatePairAnywhereIsInvalidJson(String body) {
        Reply r = server.http().postJson("/sql", body, null);
        assertError(r, 400, "invalid json");
        assertThat(r.json().path("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void pairedEscapesAndFourByteCharactersArriveExactly() {
        Reply r = server.http().postJson("/sql", "{\"sql\":\"SELECT '\\ud83d\\ude00', hex('\\ud83d\\ude00'), ?, hex(?), hex(?)\","
                + "\"args\":[\"\\uD83D\\uDE00\",\"😀\",\"\\u00e9\\u20ac\"]}", null);
        assertThat(rows(r)).isEqualTo("[[\"😀\",\"F09F9880\",\"😀\",\"F09F9880\",\"C3A9E282AC\"]]");
    }

    @Test
    void bytesThatJacksonAloneWouldDecodeAreInvalidJson() {
        byte[][] bad = {
                {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80}, // CESU-8 pair
                {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},                                   // encoded low half
                {(byte) 0xC0, (byte) 0xAF},                                                // overlong '/'
                {(byte) 0xC1, (byte) 0x81},                                                // overlong 'A'
                {(byte) 0xE0, (byte) 0x80, (byte) 0xA7},                                   // overlong '\''
                {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF},                                   // overlong U+07FF
                {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF},                      // overlong '/'
                {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},                      // overlong U+FFFF
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},                      // past U+10FFFF
                {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},                      // no such lead byte
                {(byte) 0x80},                                                             // continuation first
                {(byte) 0xE2, (byte) 0x82, (byte) 0x41},                                   // cut short
                {0},                                                                        // raw NUL
        };
        for (byte[] b : bad) {
            assertError(server.http().postBytes(body(b), "application/json", null), 400, "invalid json");
        }
        // Every boundary that is allowed still passes.
        byte[] good = "\u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff".getBytes(StandardCharsets.UTF_8);
        Reply r = server.http().postBytes(body(good), "application/json", null);
        assertThat(r.json().at("/rows/0/0").asText()).isEqualTo(new String(good, StandardCharsets.UTF_8));
    }

    @Test
    void aByteOrderMarkOrAnotherEncodingIsInvalidJson() {
        byte[] json = "{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.writeBytes(json);
        assertError(server.http().postBytes(bom.toByteArray(), "application/json", null), 400, "invalid json");
        for (var charset : new java.nio.charset.Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                StandardCharsets.UTF_16, java.nio.charset.Charset.forName("UTF-32LE")}) {
            byte[] other = "{\"sql\":\"SELECT 1\"}".getBytes(charset);
            assertError(server.http().postBytes(other, "application/json", null), 400, "invalid json");
        }
    }

    /**
     * SQLite keeps whatever bytes a cast gives it as TEXT; the answer is JSON text, so each
     * malformed sequence in it comes back as U+FFFD (as the JDK's UTF-8 decoder delimits them),
     * while hex() and a cast back to BLOB give the exact bytes.
     */
    @Test
    void textThatIsNotUtf8ComesBackWithReplacementCharactersAndExactThroughHexOrBlob() {
        Reply r = server.http().sql("SELECT CAST(x'ff41' AS TEXT), hex(CAST(x'ff41' AS TEXT)), CAST(CAST(x'ff41' AS TEXT) AS BLOB), "
                + "CAST(x'eda080' AS TEXT), CAST(x'c0af' AS TEXT), CAST(x'41e282' AS TEXT), length(CAST(x'ff41' AS TEXT))");
        String fffd = "\uFFFD";
        assertThat(rows(r)).isEqualTo("[[\"" + fffd + "A\",\"FF41\",{\"base64\":\"/0E=\"},"
                + "\"" + fffd + "\",\"" + fffd + fffd + "\",\"A" + fffd + "\",2]]");
    }

    private static byte[] body(byte[] inside) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"sql\":\"SELECT '".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(inside);
        out.writeBytes("'\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
