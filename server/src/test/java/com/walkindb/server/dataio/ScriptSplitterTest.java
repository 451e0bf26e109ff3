package com.walkindb.server.dataio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where {@link ScriptSplitter} cuts a script, and where {@link QuoteTracker} sees a quote left open. */
class ScriptSplitterTest {
    private static List<String> split(String script) throws IOException {
        ScriptSplitter s = new ScriptSplitter(new StringReader(script), 1000);
        List<String> out = new ArrayList<>();
        for (String st = s.next(); st != null; st = s.next()) {
            out.add(st.strip());
        }
        return out;
    }

    @Test
    void cutsAtSemicolonsOutsideStringsNamesAndComments() throws IOException {
        assertThat(split("SELECT 'a;b'; SELECT \"c;d\" FROM [e;f]; -- x; y\nSELECT `g;h` /* i; j */;SELECT 1"))
                .containsExactly("SELECT 'a;b';", "SELECT \"c;d\" FROM [e;f];", "-- x; y\nSELECT `g;h` /* i; j */;",
                        "SELECT 1");
        assertThat(split("SELECT 'it''s;';\n\n  ")).containsExactly("SELECT 'it''s;';");
    }

    @Test
    void aTriggerEndsOnlyAtSemicolonEndSemicolon() throws IOException {
        String trigger = "CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); "
                + "UPDATE b SET x = CASE WHEN 1 THEN 2 END; END;";
        assertThat(split(trigger + " SELECT 2;")).containsExactly(trigger, "SELECT 2;");
        assertThat(split("CREATE TABLE trigger_log(x); SELECT 1;")).containsExactly("CREATE TABLE trigger_log(x);",
                "SELECT 1;");
    }

    @Test
    void aStatementOverTheCapIsRefused() {
        ScriptSplitter s = new ScriptSplitter(new StringReader("SELECT '" + "x".repeat(2000) + "';"), 1000);
        assertThatThrownBy(s::next).isInstanceOf(ScriptSplitter.TooLong.class);
    }

    @Test
    void theQuoteTrackerSeesAnOpenQuoteAtTheEnd() throws IOException {
        assertThat(open("a,\"b\"\"c\"\n")).isFalse();
        assertThat(open("a,\"b\nc\"")).isFalse();
        assertThat(open("a,\"b\nc")).isTrue();
        assertThat(open("a,\"b\"\"")).isTrue();
        assertThat(open("a,b\"c\n")).isFalse(); // a quote inside an unquoted field is text
    }

    private static boolean open(String text) throws IOException {
        QuoteTracker t = new QuoteTracker(new StringReader(text));
        char[] buf = new char[3];
        while (t.read(buf, 0, buf.length) != -1) {
            // reading is what the tracker follows
        }
        return t.unclosed();
    }
}
