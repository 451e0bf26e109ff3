package com.walkindb.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rows_affected counts only rows the caller's own INSERT/UPDATE/DELETE statements changed. */
class RowsAffectedTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    @Test
    void creatingAnFts5TableAffectsNoRowsThoughFts5WritesItsShadowTables() {
        Reply r = server.http().sql("CREATE VIRTUAL TABLE docs USING fts5(body)");
        assertThat(r.json().get("rows_affected").asLong()).isZero();
        Reply insert = server.http().sql("INSERT INTO docs VALUES ('a'), ('b')", null, r.session());
        assertThat(insert.status()).as(insert.body()).isEqualTo(200);
        assertThat(insert.json().get("rows_affected").asLong()).isEqualTo(2);
    }

    @Test
    void fts5WorksThroughItsWholeLifeCycle() {
        Reply r = server.http().sql("CREATE VIRTUAL TABLE notes USING fts5(title, body); "
                + "INSERT INTO notes VALUES ('walk-in', 'a disposable sqlite database'), ('other', 'nothing here'); "
                + "CREATE VIRTUAL TABLE terms USING fts5vocab(notes, 'row')");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Reply search = server.http().sql("SELECT title, highlight(notes, 1, '[', ']'), snippet(notes, 1, '<', '>', '…', 3), "
                + "round(bm25(notes), 3) < 0 FROM notes WHERE notes MATCH 'sqlite' ORDER BY rank", null, r.session());
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat(search.json().get("rows").get(0).get(0).asText()).isEqualTo("walk-in");
        assertThat(search.json().get("rows").get(0).get(1).asText()).isEqualTo("a disposable [sqlite] database");
        Reply vocab = server.http().sql("SELECT count(*) FROM terms; DELETE FROM notes WHERE title = 'other'; "
                + "UPDATE notes SET body = 'changed' WHERE title = 'walk-in'; SELECT count(*) FROM notes WHERE notes MATCH 'changed'",
                null, r.session());
        assertThat(vocab.status()).as(vocab.body()).isEqualTo(200);
        assertThat(vocab.json().get("rows").get(0).get(0).asInt()).isEqualTo(1);
        assertThat(vocab.json().get("rows_affected").asInt()).isEqualTo(2);
    }

    @Test
    void ddlAfterDmlDoesNotRepeatTheEarlierCount() {
        Reply r = server.http().sql("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3); CREATE INDEX i ON t(x); "
                + "UPDATE t SET x = x + 1 WHERE x > 1; DELETE FROM t WHERE x = 1");
        assertThat(r.json().get("rows_affected").asLong()).isEqualTo(3 + 2 + 1);
    }
}
