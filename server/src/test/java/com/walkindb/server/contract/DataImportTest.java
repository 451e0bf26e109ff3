package com.walkindb.server.contract;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static com.walkindb.server.testing.ReplyAssertions.assertErrorMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.Uploads;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /import (docs/API.md, "POST /import"): CSV and SQL, against a real server. */
class DataImportTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static String rows(String token, String sql) {
        Reply r = server.http().sql(sql, token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.rows().toString();
    }

    @Test
    void aCsvMakesATableWithTypesInferredOverAllRows() {
        Reply r = Uploads.csv(server.http(), null, "table=people",
                "id,name,score,ratio,code\n1,Ann,10,0.5,007\n2,Bob,,1e3,x12\n3,\"Smith, Jo\",-4,2,\n");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().toString())
                .isEqualTo("{\"table\":\"people\",\"columns\":[\"id\",\"name\",\"score\",\"ratio\",\"code\"],\"rows_affected\":3}");
        String token = r.session();
        assertThat(token).isNotNull();
        assertThat(r.header("X-Walkin-Ttl")).isNotNull();
        assertThat(rows(token, "SELECT name, type FROM pragma_table_info('people') ORDER BY cid")).isEqualTo(
                "[[\"id\",\"INTEGER\"],[\"name\",\"TEXT\"],[\"score\",\"INTEGER\"],[\"ratio\",\"REAL\"],[\"code\",\"TEXT\"]]");
        assertThat(rows(token, "SELECT id, name, score, ratio, code FROM people ORDER BY id")).isEqualTo(
                "[[1,\"Ann\",10,0.5,\"007\"],[2,\"Bob\",null,1000.0,\"x12\"],[3,\"Smith, Jo\",-4,2.0,null]]");
    }

    @Test
    void aSecondCsvAppendsByColumnName() {
        String token = Uploads.csv(server.http(), null, "table=t", "a,b\n1,x\n").session();
        Reply more = Uploads.csv(server.http(), token, "table=t&header=true", "b,a\ny,2\nz,3\n");
        assertThat(more.status()).as("%s", more).isEqualTo(200);
        assertThat(more.json().path("rows_affected").asLong()).isEqualTo(2);
        assertThat(more.session()).as("no session headers on an existing walk-in").isNull();
        assertThat(rows(token, "SELECT a, b FROM t ORDER BY a")).isEqualTo("[[1,\"x\"],[2,\"y\"],[3,\"z\"]]");
        Reply unknown = Uploads.csv(server.http(), token, "table=t", "a,c\n4,q\n");
        assertError(unknown, 400, "invalid csv: unknown column \"c\"");
        assertThat(unknown.json().path("code").asText()).isEqualTo("invalid_csv");
        assertThat(rows(token, "SELECT count(*) FROM t")).isEqualTo("[[3]]");
    }

    @Test
    void withoutAHeaderColumnsAreNumbered() {
        Reply r = Uploads.csv(server.http(), null, "table=raw&header=false", "1,2\n3,4\n");
        assertThat(r.json().toString()).isEqualTo("{\"table\":\"raw\",\"columns\":[\"c1\",\"c2\"],\"rows_affected\":2}");
        assertThat(rows(r.session(), "SELECT c1 + c2 FROM raw ORDER BY c1")).isEqualTo("[[3],[7]]");
        // appending without a header fills the table's columns in order
        Reply more = Uploads.csv(server.http(), r.session(), "table=raw&header=false", "5,6\n");
        assertThat(more.status()).isEqualTo(200);
        assertThat(rows(r.session(), "SELECT count(*) FROM raw")).isEqualTo("[[3]]");
    }

    @Test
    void bomCrlfQuotedNewlinesAndQuotes() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "k,note\r\n1,\"two\r\nlines\"\r\n2,\"say \"\"hi\"\"\"\r\n3,ünï ✓\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, body, 0, bom.length);
        System.arraycopy(text, 0, body, bom.length, text.length);
        Reply r = Uploads.csv(server.http(), null, "table=notes", body);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("columns").toString()).isEqualTo("[\"k\",\"note\"]");
        JsonNode rows = server.http().sql("SELECT note FROM notes ORDER BY k", r.session()).rows();
        assertThat(rows.get(0).get(0).asText()).isEqualTo("two\r\nlines");
        assertThat(rows.get(1).get(0).asText()).isEqualTo("say \"hi\"");
        assertThat(rows.get(2).get(0).asText()).isEqualTo("ünï ✓");
    }

    @Test
    void anSqlScriptRunsAsOneCallAndAnswersLikeSql() {
        Reply r = Uploads.sql(server.http(), null, "CREATE TABLE s(x);\nINSERT INTO s VALUES (1), (2);\n"
                + "-- a comment; with a semicolon\nSELECT sum(x) AS total FROM s;\n");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("{\"columns\":[\"total\"],\"rows\":[[3]],\"rows_affected\":2,\"truncated\":false}");
        String token = r.session();
        Reply failed = Uploads.sql(server.http(), token, "INSERT INTO s VALUES (3);\nINSERT INTO nope VALUES (1);\n");
        assertErrorMessage(failed, 400, "invalid sql: no such table: nope");
        assertThat(failed.json().path("statement").asInt()).isEqualTo(2);
        assertThat(rows(token, "SELECT count(*) FROM s")).as("rolled back").isEqualTo("[[2]]");
    }

    @Test
    void aDumpsOuterTransactionIsAccepted() {
        Reply r = Uploads.sql(server.http(), null, "BEGIN TRANSACTION;\nCREATE TABLE d(x);\nINSERT INTO d VALUES (1);\nCOMMIT;\n");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(rows(r.session(), "SELECT x FROM d")).isEqualTo("[[1]]");
    }

    @Test
    void triggersWithSemicolonsInTheirBodyStayWhole() {
        Reply r = Uploads.sql(server.http(), null, "CREATE TABLE a(x); CREATE TABLE log(m);\n"
                + "CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN INSERT INTO log VALUES ('x;' || new.x);"
                + " INSERT INTO log VALUES (CASE WHEN new.x > 1 THEN 'big' END); END;\nINSERT INTO a VALUES (2);");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(rows(r.session(), "SELECT m FROM log ORDER BY rowid")).isEqualTo("[[\"x;2\"],[\"big\"]]");
    }

    @Test
    void refusalsOfTheRequest() {
        String token = server.http().sql("SELECT 1").session();
        Reply media = Uploads.post(server.http(), "/import?table=t", "text/plain", token,
                HttpRequest.BodyPublishers.ofString("a\n1\n"));
        assertError(media, 415, "content-type must be text/csv or application/sql");
        assertThat(media.json().path("code").asText()).isEqualTo("unsupported_media_type");
        assertError(Uploads.post(server.http(), "/import?table=t", "text/csv; charset=latin1", token,
                HttpRequest.BodyPublishers.ofString("a\n1\n")), 415, "content-type must be text/csv or application/sql");
        assertThat(Uploads.post(server.http(), "/import?table=t", "text/csv; charset=utf-8", token,
                HttpRequest.BodyPublishers.ofString("a\n1\n")).status()).isEqualTo(200);
        for (String query : new String[] {"", "table=", "table=1abc", "table=sqlite_x", "table=a%20b", "table=x&table=y",
                "table=" + "a".repeat(65)}) {
            Reply r = Uploads.csv(server.http(), token, query, "a\n1\n");
            assertError(r, 400, "invalid table name");
            assertThat(r.json().path("code").asText()).isEqualTo("invalid_table_name");
        }
        assertError(Uploads.csv(server.http(), token, "table=t&header=yes", "a\n1\n"), 400,
                "invalid csv: header must be true or false");
        assertError(Uploads.csv(server.http(), "wkn_" + "A".repeat(107), "table=t", "a\n1\n"), 404,
                "instance not found");
        Reply get = server.http().get("/import");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).contains("POST");
    }
}
