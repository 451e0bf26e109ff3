package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.SqlText;
import com.walkindb.server.testing.Uploads;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: <b>break in through an upload</b> — make POST /import hold a body in memory, leave half a
 * table or a stray file behind, outgrow the walk-in's 10 MB or the disk, outrun the deadline,
 * smuggle SQL through a table name or a script, or wedge the parser with a pathological CSV.
 *
 * <p>What stops it: the body streams into a spool file under a 4 MB cap (413 by Content-Length
 * or while it streams), the minimum data rate (408) and a per-client budget (429); the CSV is
 * checked whole in a first pass before any row is written (field, column and row-shape bounds,
 * strict UTF-8, closed quotes); the table name is a plain identifier checked before anything;
 * a script passes the keyword pre-filter statement by statement before any runs, then the
 * authorizer and limits of POST /sql; the whole import is one transaction, rolled back on any
 * refusal, under the walk-in's 10 MB cap and the import's own deadline. Every case checks
 * that the walk-in is exactly as it was, and the harness that no file is left in the spool or
 * in a walk-in's directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbuseDataImportTest extends AbuseSuite {
    private static final int CAP = 4 * 1024 * 1024;
    private String token;
    private String fingerprint;

    @BeforeEach
    void target() {
        token = walkin("CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two');"
                + " CREATE INDEX t_b ON t(b)");
        fingerprint = fingerprint();
    }

    /** Everything an import could change, as one string. */
    private String fingerprint() {
        Reply r = http.sql("SELECT (SELECT group_concat(type || ':' || name || ':' || sql, '|') FROM sqlite_schema)"
                + " || '#' || (SELECT group_concat(a || ',' || b, '|') FROM t)", token);
        return scalar(r).asText();
    }

    private void unchanged() {
        assertThat(fingerprint()).isEqualTo(fingerprint);
        assertThat(Uploads.leftovers(dataDir, token)).isEmpty();
        integrityOk();
    }

    private void integrityOk() {
        assertThat(scalar(http.sql("PRAGMA integrity_check", token)).asText()).isEqualTo("ok");
    }

    private static Reply expectCode(Reply r, int status, String code, String errorPrefix) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.json().path("code").asText()).as("code of %s", r).isEqualTo(code);
        assertThat(r.error()).as("error of %s", r).startsWith(errorPrefix);
        return r;
    }

    private Reply csv(String query, byte[] body) {
        return Uploads.csv(http, token, query, body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneFourMegabyteFieldIsRefused() {
        byte[] body = new byte[CAP - 16];
        Arrays.fill(body, (byte) 'x');
        System.arraycopy(ascii("a,b\n1,"), 0, body, 0, 6);
        expectCode(csv("table=t", body), 400, "invalid_csv", "invalid csv: field over 1 MB");
        unchanged();
    }

    @Test
    void tenThousandColumnsAreRefused() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            header.append(i == 0 ? "" : ",").append("c").append(i);
        }
        expectCode(csv("table=wide", ascii(header + "\n")), 400, "invalid_csv", "invalid csv: more than 100 columns");
        expectCode(csv("table=t&header=false", ascii(",".repeat(9_999) + "\n")), 400, "invalid_csv",
                "invalid csv: more than 100 columns");
        unchanged();
    }

    @Test
    void anUnclosedQuoteIsRefused() {
        expectCode(csv("table=t", ascii("a,b\n3,\"never closed\n4,x\n")), 400, "invalid_csv", "invalid csv: unclosed quote");
        expectCode(csv("table=t", ascii("a,b\n3,\"closed\"junk\n")), 400, "invalid_csv", "invalid csv: malformed field");
        unchanged();
    }

    @Test
    void fourMegabytesOfNewlinesAreRefusedQuickly() {
        byte[] body = new byte[CAP];
        Arrays.fill(body, (byte) '\n');
        Reply r = csv("table=t", body);
        expectCode(r, 400, "invalid_csv", "invalid csv: no header row");
        Arrays.fill(body, (byte) '\r');
        expectCode(csv("table=t&header=false", body), 400, "invalid_csv", "invalid csv: no rows");
        unchanged();
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[][] bodies = {
            {'a', '\n', (byte) 0xff, '\n'},
            {'a', '\n', (byte) 0xc0, (byte) 0xaf, '\n'},                // overlong '/'
            {'a', '\n', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '\n'},   // an encoded surrogate
            {(byte) 0xfe, (byte) 0xff, 0, 'a', 0, '\n'},                 // a UTF-16 byte-order mark
        };
        for (byte[] body : bodies) {
            expectCode(csv("table=t", body), 400, "invalid_csv", "invalid csv: not valid UTF-8");
        }
        Reply sql = Uploads.post(http, "/import", "application/sql", token,
                HttpRequest.BodyPublishers.ofByteArray(new byte[] {'S', 'E', 'L', 'E', 'C', 'T', ' ', '\'', (byte) 0xff, '\''}));
        expectCode(sql, 400, "invalid_sql", "invalid sql: the script is not valid UTF-8");
        unchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"t%3BDROP%20TABLE%20t", "t%22%20AS%20SELECT%201%3B--", "sqlite_master", "sqlite_sequence",
            "main.t", "t%00", "%E2%9C%93", "a-b", "t%27"})
    void aTableNameWithSqlInItIsRefused(String name) {
        Reply r = csv("table=" + name, ascii("a\n1\n"));
        expectCode(r, 400, "invalid_table_name", "invalid table name");
        unchanged();
    }

    @Test
    void aBodyOverTheCapIsRefusedByLengthAndWhileStreaming() throws Exception {
        byte[] big = new byte[CAP + 1];
        Arrays.fill(big, (byte) '1');
        big[1] = '\n';
        expectCode(csv("table=t", big), 413, "import_too_large", "import exceeds 4 MB");
        Reply chunked = Uploads.post(http, "/import?table=t", "text/csv", token,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        expectCode(chunked, 413, "import_too_large", "import exceeds 4 MB");
        // a declared gigabyte is refused before a byte is read
        RawHttp.Exchange declared = raw.exchange(ascii("POST /import?table=t HTTP/1.1\r\nHost: a\r\n"
                + "Content-Type: text/csv\r\nX-Walkin-Session: " + token + "\r\nContent-Length: 1073741824\r\n\r\n"), 1, 10_000);
        expectCode(declared.only(), 413, "import_too_large", "import exceeds 4 MB");
        unchanged();
    }

    @Test
    void aSlowUploadIsCutOff() {
        RawHttp.Exchange slow = raw.exchange(ascii("POST /import?table=t HTTP/1.1\r\nHost: a\r\n"
                + "Content-Type: text/csv\r\nX-Walkin-Session: " + token + "\r\nContent-Length: 100000\r\n\r\na,b\n"), 1, 30_000);
        expectCode(slow.only(), 408, "request_body_timeout", "request body timeout");
        unchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO t VALUES (9, 'x');\nATTACH DATABASE '/tmp/x.db' AS x;",
        "INSERT INTO t VALUES (9, 'x');\nPRAGMA writable_schema = 1;",
        "INSERT INTO t VALUES (9, 'x');\nSELECT load_extension('/tmp/x');",
        "INSERT INTO t VALUES (9, 'x');\nVACUUM INTO '/tmp/x.db';",
        "INSERT INTO t VALUES (9, 'x');\nCREATE TEMP TABLE tt(x);",
        "INSERT INTO t VALUES (9, 'x');\nPRAGMA max_page_count = 100000;",
        "INSERT INTO t VALUES (9, 'x');\nEXPLAIN SELECT 1;",
        "BEGIN; INSERT INTO t VALUES (9, 'x'); COMMIT; PRAGMA journal_mode = DELETE;",
        "INSERT INTO t VALUES (9, 'x');\nSELECT readfile('/etc/passwd');",
    })
    void forbiddenStatementsInAScriptAreRefusedAndNothingRuns(String script) {
        Reply r = Uploads.sql(http, token, script);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json().path("code").asText()).isIn("forbidden_sql_keyword", "forbidden_sql", "invalid_sql");
        unchanged();
        // exactly what POST /sql answers to the same text
        Reply call = http.sql(script, token);
        assertThat(r.body()).isEqualTo(call.body());
        unchanged();
    }

    @Test
    void aStatementLongerThanAnImportAllowsIsRefused() {
        String script = "INSERT INTO t VALUES (9, 'x');\nSELECT '" + "y".repeat(3 * 1024 * 1024) + "';";
        Reply r = Uploads.sql(http, token, script);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid sql: statement too long");
        assertThat(r.json().path("statement").asInt()).isEqualTo(2);
        unchanged();
    }

    @Test
    void theStorageCapAnswers507AndRollsBackWhole() {
        Reply sql = Uploads.sql(http, token, "INSERT INTO t VALUES (9, 'x');\nCREATE TABLE big(x);\n"
                + SqlText.counter(11) + "INSERT INTO big SELECT randomblob(999000) FROM c;");
        expectCode(sql, 507, "storage_quota_exceeded", "instance storage quota exceeded");
        unchanged();
        // a CSV that does not fit what is left: 7 MB stored, 3.9 MB more
        expectOk(http.sql("CREATE TABLE fill(x); " + SqlText.counter(7) + "INSERT INTO fill SELECT randomblob(999000) FROM c",
                token));
        String before = fingerprint();
        StringBuilder rows = new StringBuilder("a,b\n");
        String blob = "z".repeat(900_000);
        for (int i = 0; i < 4; i++) {
            rows.append(i).append(',').append(blob).append('\n');
        }
        expectCode(csv("table=t", ascii(rows.toString())), 507, "storage_quota_exceeded", "instance storage quota exceeded");
        assertThat(fingerprint()).isEqualTo(before);
        assertThat(Uploads.leftovers(dataDir, token)).isEmpty();
        integrityOk();
    }

    @Test
    void theImportBudgetAnswers429() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_IMPORT_BUDGET_MB", "1"));
        String mine = own.http.sql("CREATE TABLE t(a, b)").session();
        byte[] part = new byte[700 * 1024];
        Arrays.fill(part, (byte) 'x');
        System.arraycopy(ascii("a,b\n1,"), 0, part, 0, 6);
        // 700 KB of a 1 MB budget: refused as CSV (a field over 1 MB? no: 700 KB fits), then spent
        Reply first = Uploads.csv(own.http, mine, "table=t", part);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        Reply second = Uploads.csv(own.http, mine, "table=t", part);
        expectCode(second, 429, "import_rate_limited", "import rate limit exceeded");
        assertThat(second.header("Retry-After")).isNotNull();
        Reply chunked = Uploads.post(own.http, "/import?table=t", "text/csv", mine,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(part)));
        expectCode(chunked, 429, "import_rate_limited", "import rate limit exceeded");
        assertThat(scalar(own.http.sql("SELECT count(*) FROM t", mine)).asInt()).isEqualTo(1);
    }

    @Test
    void anImportPastItsDeadlineIsRolledBack() throws Exception {
        OwnServer own = ownServer(Map.of("WALKINDB_IMPORT_TIMEOUT_S", "1"));
        String mine = own.http.sql("CREATE TABLE t(a)").session();
        Reply r = Uploads.sql(own.http, mine, "INSERT INTO t VALUES (1);\n" + SqlText.ENDLESS + ";");
        expectCode(r, 408, "import_timeout", "import exceeded 1s timeout");
        assertThat(scalar(own.http.sql("SELECT count(*) FROM t", mine)).asInt()).isZero();
    }
}
