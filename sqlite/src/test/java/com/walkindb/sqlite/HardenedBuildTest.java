package com.walkindb.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The library carries the compile-time hardening of docs/SECURITY.md, layer 1 and the features callers need. */
class HardenedBuildTest {
    @TempDir Path dir;
    SqliteConnection db;

    @BeforeEach
    void open() throws SqliteException {
        db = SqliteConnection.open(dir.resolve("db.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OMIT_LOAD_EXTENSION", "MAX_ATTACHED=0", "DQS=0", "THREADSAFE=2", "ENABLE_FTS5",
            "ENABLE_MATH_FUNCTIONS", "DEFAULT_FOREIGN_KEYS", "OMIT_DEPRECATED", "OMIT_SHARED_CACHE",
            "TEMP_STORE=3", "MAX_MMAP_SIZE=0", "ENABLE_API_ARMOR", "DEFAULT_WAL_SYNCHRONOUS=1"})
    // Options SQLite does not report (PRINTF_PRECISION_LIMIT, MAX_ALLOCATION_SIZE, TRUSTED_SCHEMA,
    // DEFAULT_MEMSTATUS, USE_URI) are checked by behaviour in the tests below and in ConnectionTest.
    void compileOptionIsInForce(String option) {
        assertThat(Sqlite.compileOptionUsed(option)).as(option).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ENABLE_FTS3", "ENABLE_FTS4", "ENABLE_DBSTAT_VTAB", "ENABLE_STMTVTAB", "ENABLE_DBPAGE_VTAB"})
    void riskyFeatureIsNotCompiledIn(String option) {
        assertThat(Sqlite.compileOptionUsed(option)).as(option).isFalse();
    }

    @Test
    void versionIsCurrent() {
        String[] parts = Sqlite.version().split("\\.");
        assertThat(Integer.parseInt(parts[0]) * 100 + Integer.parseInt(parts[1])).isGreaterThanOrEqualTo(350);
    }

    @Test
    void jsonbFunctionsWork() throws SqliteException {
        assertThat(Rows.single(db, "SELECT json(jsonb('{\"a\":[1,2]}'))")).isEqualTo("{\"a\":[1,2]}");
        assertThat(Rows.single(db, "SELECT jsonb_extract(jsonb('{\"a\":[1,2]}'), '$.a[1]')")).isEqualTo("2");
    }

    @Test
    void fts5Works() throws SqliteException {
        db.exec("CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('the quick brown fox'), ('lazy dog')");
        assertThat(Rows.single(db, "SELECT body FROM docs WHERE docs MATCH 'quick'")).isEqualTo("the quick brown fox");
    }

    @Test
    void mathFunctionsWork() throws SqliteException {
        assertThat(Rows.single(db, "SELECT round(sqrt(16.0))")).isEqualTo("4.0");
    }

    @Test
    void loadExtensionDoesNotExist() {
        assertThatThrownBy(() -> db.exec("SELECT load_extension('/tmp/x.so')"))
                .isInstanceOf(SqliteException.class).hasMessageContaining("no such function: load_extension");
    }

    @Test
    void attachIsImpossibleAtTheEngineLevel() {
        assertThatThrownBy(() -> db.exec("ATTACH DATABASE '" + dir.resolve("other.db") + "' AS other"))
                .isInstanceOf(SqliteException.class).hasMessageContaining("too many attached databases");
        assertThat(dir.resolve("other.db")).doesNotExist();
    }

    @Test
    void doubleQuotedWordIsAnIdentifierNotAString() throws SqliteException {
        db.exec("CREATE TABLE t(x)");
        assertThatThrownBy(() -> db.exec("INSERT INTO t VALUES(\"hello\")"))
                .isInstanceOf(SqliteException.class).hasMessageContaining("no such column: \"hello\"");
    }

    @Test
    void newConnectionsDoNotTrustTheSchema() throws SqliteException {
        assertThat(Rows.single(db, "PRAGMA trusted_schema")).isEqualTo("0");
    }

    @Test
    void singleAllocationsAreCappedAt64MiB() {
        assertThatThrownBy(() -> Rows.single(db, "SELECT length(randomblob(100000000))"))
                .isInstanceOf(SqliteException.class);
    }

    @Test
    void printfPrecisionIsCapped() throws SqliteException {
        assertThat(Rows.single(db, "SELECT length(printf('%.*c', 2000000000, 'x'))")).isEqualTo("100000");
    }
}
