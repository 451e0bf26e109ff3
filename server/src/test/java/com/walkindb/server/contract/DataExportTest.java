package com.walkindb.server.contract;

import static com.walkindb.server.testing.ReplyAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.testing.Parallel;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.SqlText;
import com.walkindb.server.testing.Uploads;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** GET /db (docs/API.md, "GET /db"): the file and the dump, against a real server. */
class DataExportTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    @TempDir
    Path tmp;

    static final String SETUP = "CREATE TABLE t(id INTEGER PRIMARY KEY, r REAL, s TEXT, b BLOB, n);"
            + " INSERT INTO t(r, s, b, n) VALUES (0.1, 'it''s \"quoted\"', x'00ff10', NULL), (1e308, 'ünïcødé ✓ 𝄞', x'', 7),"
            + " (-0.0, 'line1' || char(10) || 'line2;', NULL, 'x'), (-2.5e-300, '', x'27', -9223372036854775808);"
            + " CREATE INDEX t_s ON t(s); CREATE VIEW v AS SELECT id, s FROM t WHERE r > 0;"
            + " CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE t SET n = 'trig; END' WHERE id = new.id; END;"
            + " CREATE TABLE \"odd name\"(\"a b\" TEXT, c INTEGER NOT NULL DEFAULT 3, g GENERATED ALWAYS AS (c * 2));"
            + " INSERT INTO \"odd name\"(\"a b\") VALUES ('x'), ('y')";

    private static Path walkinDir(String token) {
        return server.testServer().dataDir().resolve(InstanceStore.INSTANCES_DIR)
                .resolve(Uploads.walkinId(token).toString());
    }

    @Test
    void theFileOpensAsSqliteWithTheSameRows() throws Exception {
        String token = server.http().sql(SETUP).session();
        Uploads.Export e = Uploads.export(server.http(), token, null);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.header("Content-Type")).isEqualTo("application/vnd.sqlite3");
        String id = Uploads.walkinId(token).toString();
        assertThat(e.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"walkin-" + id.substring(0, 8) + ".sqlite\"");
        assertThat(Long.parseLong(e.header("Content-Length"))).isEqualTo(e.body().length);
        assertThat(e.body()[18]).as("a rollback-journal file: opens anywhere as one file").isEqualTo((byte) 1);
        assertThat(Uploads.export(server.http(), token, "sqlite").body()).isEqualTo(e.body());

        Path file = tmp.resolve("export.sqlite");
        Files.write(file, e.body());
        try (SqliteConnection db = SqliteConnection.open(file, false)) {
            assertThat(rows(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
            for (String q : queries()) {
                assertThat(rows(db, q)).as(q).isEqualTo(viaSql(token, q));
            }
        }
        assertThat(leftovers(token)).isEmpty();
    }

    @Test
    void aDumpLoadsIntoAFreshWalkinWithIdenticalContents() {
        String token = server.http().sql(SETUP).session();
        Uploads.Export dump = Uploads.export(server.http(), token, "sql");
        assertThat(dump.status()).isEqualTo(200);
        assertThat(dump.header("Content-Type")).isEqualTo("application/sql; charset=utf-8");
        assertThat(dump.header("Content-Disposition")).endsWith(".sql\"");
        String text = dump.text();
        assertThat(text).startsWith("BEGIN TRANSACTION;\n").endsWith("COMMIT;\n");
        assertThat(text).contains("X'00FF10'");

        Reply loaded = Uploads.sql(server.http(), null, text);
        assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
        String copy = loaded.session();
        assertThat(copy).isNotNull();
        for (String q : queries()) {
            assertThat(viaSql(copy, q)).as(q).isEqualTo(viaSql(token, q));
        }
        // a dump of the copy is the dump of the original
        assertThat(Uploads.export(server.http(), copy, "sql").text()).isEqualTo(text);
        // the trigger came along, after the rows: it fires on new rows only
        server.http().sql("INSERT INTO t(s) VALUES ('new')", copy);
        assertThat(viaSql(copy, "SELECT n FROM t WHERE s = 'new'")).containsExactly(List.of("trig; END"));
        assertThat(leftovers(token)).isEmpty();
    }

    @Test
    void realsRoundTripExactly() {
        String token = server.http().sql("CREATE TABLE f(x REAL); INSERT INTO f VALUES (0.1), (1e308), (-1e308),"
                + " (4.9e-324), (1.7976931348623157e308), (1.0/3), (9e999), (-9e999), (123456789.123456789)").session();
        String copy = Uploads.sql(server.http(), null, Uploads.export(server.http(), token, "sql").text()).session();
        String q = "SELECT quote(x), hex(CAST(x AS BLOB)), typeof(x) FROM f ORDER BY rowid";
        assertThat(viaSql(copy, q)).isEqualTo(viaSql(token, q));
    }

    @Test
    void textThatIsNotUtf8KeepsItsBytes() {
        String token = server.http().sql("CREATE TABLE w(t TEXT); INSERT INTO w VALUES (CAST(x'ff41' AS TEXT)),"
                + " (CAST(x'610062' AS TEXT))").session();
        String dump = Uploads.export(server.http(), token, "sql").text();
        String copy = Uploads.sql(server.http(), null, dump).session();
        String q = "SELECT hex(t), typeof(t) FROM w ORDER BY rowid";
        assertThat(viaSql(copy, q)).isEqualTo(viaSql(token, q));
    }

    @Test
    void anExportWhileAnotherCallWritesIsAConsistentSnapshot() throws Exception {
        String token = server.http().sql("CREATE TABLE pairs(k INTEGER, half INTEGER)").session();
        AtomicBoolean stop = new AtomicBoolean();
        Future<Integer> writer = Parallel.background(() -> {
            int calls = 0;
            while (!stop.get()) {
                // two rows per call: a consistent snapshot always holds an even number
                Reply r = server.http().sql("INSERT INTO pairs VALUES (" + calls + ", 1), (" + calls + ", 2)", token);
                assertThat(r.status()).isIn(200, 503);
                calls++;
            }
            return calls;
        });
        try {
            for (int i = 0; i < 6; i++) {
                Uploads.Export e = Uploads.export(server.http(), token, i % 2 == 0 ? null : "sql");
                assertThat(e.status()).isIn(200, 503);
                if (e.status() != 200) {
                    continue;
                }
                long rows;
                if (i % 2 == 0) {
                    Path file = tmp.resolve("snap" + i + ".sqlite");
                    Files.write(file, e.body());
                    try (SqliteConnection db = SqliteConnection.open(file, false)) {
                        assertThat(rows(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
                        rows = Long.parseLong(rows(db, "SELECT count(*) FROM pairs").get(0).get(0));
                    }
                } else {
                    rows = e.text().lines().filter(l -> l.startsWith("INSERT INTO")).count();
                    assertThat(e.text()).endsWith("COMMIT;\n");
                }
                assertThat(rows % 2).as("rows in the snapshot: %d", rows).isZero();
            }
        } finally {
            stop.set(true);
        }
        assertThat(writer.get()).isPositive();
        assertThat(leftovers(token)).isEmpty();
    }

    @Test
    void anExpiredWalkinRacingTheSweeperIsNotFoundOrComplete() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tokens.add(server.http().sql(SqlText.counter(200) + "CREATE TABLE x AS SELECT n, randomblob(500) AS b FROM c")
                    .session());
        }
        var ts = server.testServer();
        ts.advanceClock(Duration.ofSeconds(601));
        try {
            List<java.util.concurrent.Callable<Object>> tasks = new ArrayList<>();
            tasks.add(() -> ts.sweep());
            for (String t : tokens) {
                tasks.add(() -> Uploads.export(server.http(), t, null));
            }
            for (Object o : Parallel.concurrently(tasks)) {
                if (o instanceof Uploads.Export e) {
                    assertThat(e.status()).isIn(200, 404);
                    if (e.status() == 200) {
                        Path file = Files.createTempFile(tmp, "race", ".sqlite");
                        Files.write(file, e.body());
                        try (SqliteConnection db = SqliteConnection.open(file, false)) {
                            assertThat(rows(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
                            assertThat(rows(db, "SELECT count(*) FROM x")).containsExactly(List.of("200"));
                        }
                    } else {
                        assertError(new Reply(e.status(), e.headers(), e.text(), 0), 404, "instance not found");
                    }
                }
            }
            ts.sweep();
            for (String t : tokens) {
                assertThat(Files.exists(walkinDir(t))).isFalse();
            }
        } finally {
            ts.advanceClock(Duration.ofSeconds(-601));
        }
    }

    @Test
    void refusals() {
        String token = server.http().sql("SELECT 1").session();
        Reply missing = server.http().get("/db");
        assertError(missing, 400, "missing session");
        assertThat(missing.json().path("code").asText()).isEqualTo("missing_session");
        assertError(asReply(Uploads.export(server.http(), "wkn_" + "A".repeat(107), null)), 404, "instance not found");
        Reply format = asReply(Uploads.export(server.http(), token, "csv"));
        assertError(format, 400, "invalid format: must be sqlite or sql");
        assertThat(format.json().path("code").asText()).isEqualTo("invalid_format");
        Reply post = server.http().call("POST", "/db");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).contains("GET");
        assertThat(server.http().call("DELETE", "/db").status()).isEqualTo(405);
    }

    private static Reply asReply(Uploads.Export e) {
        return new Reply(e.status(), e.headers(), e.text(), 0);
    }

    private static List<String> leftovers(String token) {
        return Uploads.leftovers(server.testServer().dataDir(), token);
    }

    private static List<String> queries() {
        return List.of(
                "SELECT id, quote(r), quote(s), quote(b), quote(n), typeof(r), typeof(n) FROM t ORDER BY id",
                "SELECT quote(\"a b\"), c, g FROM \"odd name\" ORDER BY rowid",
                "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
                "SELECT * FROM v ORDER BY id");
    }

    /** Every row as text (SQLite's own rendering), through POST /sql. */
    private static List<List<String>> viaSql(String token, String query) {
        Reply r = server.http().sql(query, token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<List<String>> out = new ArrayList<>();
        for (JsonNode row : r.rows()) {
            List<String> cells = new ArrayList<>();
            row.forEach(v -> cells.add(v.isNull() ? null : v.isTextual() ? v.asText()
                    : v.isFloatingPointNumber() ? Double.toString(v.asDouble()) : v.asText()));
            out.add(cells);
        }
        return out;
    }

    /** Every row as text, through the binding on a file. */
    private static List<List<String>> rows(SqliteConnection db, String query) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (StatementCursor cursor = db.compile(query)) {
            SqliteStatement st = cursor.next();
            try {
                while (st.step()) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < st.columnCount(); i++) {
                        cells.add(switch (st.columnType(i)) {
                            case 5 -> null;
                            case 2 -> Double.toString(st.columnDouble(i));
                            default -> st.columnText(i);
                        });
                    }
                    out.add(cells);
                }
            } finally {
                st.close();
            }
        }
        return out;
    }
}
