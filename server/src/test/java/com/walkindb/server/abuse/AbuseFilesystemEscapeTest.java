package com.walkindb.server.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: <b>filesystem escape</b> — read or write a file outside the walk-in's own directory
 * (another database, the host's files, a new file anywhere), or learn a server path to aim at.
 *
 * <p>What stops it: the keyword pre-filter (docs/SECURITY.md) refuses ATTACH/DETACH and the file
 * functions by name before SQLite parses anything; the hardened build has no extension loading,
 * no URI filenames and {@code SQLITE_MAX_ATTACHED=0}; the authorizer refuses ATTACH (which is how
 * {@code VACUUM INTO} arrives), every PRAGMA outside the introspection allowlist
 * ({@code temp_store_directory}, {@code database_list}, ...) and virtual-table modules other
 * than fts5/fts5vocab. The harness checks after each case that no file named with the case's
 * marker exists anywhere the server could have written, and that no body names a server path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseFilesystemEscapeTest extends AbuseSuite {

    private String fill(String template) {
        return template.replace("{canary}", canary.toString()).replace("{m}", marker);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ATTACH '{canary}/{m}.db' AS x",
            "attach database '{canary}/{m}.db' as x",
            "AtTaCh/**/'{canary}/{m}.db'/**/AS/**/x",
            "/* innocent */ SELECT 1; -- comment\nATTACH '{canary}/{m}.db' AS x",
            "ATTACH\t':memory:'\nAS m",
            "SELECT 1;\u0000ATTACH '{canary}/{m}.db' AS x",
            "ATTACH DATABASE 'file:{canary}/{m}.db?mode=rwc' AS x",
    })
    void attachInAnySpellingIsRefusedByThePreFilter(String sql) {
        expect(http.sql(fill(sql)), 400, "forbidden sql keyword: ATTACH");
        assertThat(canary.resolve(marker + ".db")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DETACH main", "detach database temp", "SELECT 1; DeTaCh/*x*/main"})
    void detachInAnySpellingIsRefusedByThePreFilter(String sql) {
        expect(http.sql(sql), 400, "forbidden sql keyword: DETACH");
    }

    @Test
    void attachingTheVictimsDatabaseFileIsRefused() {
        String path = instanceDir(victim.token()).resolve("db.sqlite").toString();
        expect(http.sql("ATTACH '" + path + "' AS v; SELECT * FROM v." + victim.table()), 400,
                "forbidden sql keyword: ATTACH");
    }

    @Test
    void unicodeLookalikeOfAttachIsNotAKeywordAndFailsAsSyntax() {
        // Fullwidth letters are an identifier to SQLite, never the ATTACH keyword.
        Reply a = http.sql(fill("ＡＴＴＡＣＨ '{canary}/{m}.db' AS x"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).startsWith("invalid sql: ");
    }

    /**
     * VACUUM INTO writes a whole copy of the database to any path. It must be refused: either by
     * the authorizer (it arrives as ATTACH) or because every call is a transaction.
     */
    private static void expectVacuumIntoRefused(Reply a) {
        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.error()).as("%s", a).isIn("forbidden sql: ATTACH",
                "invalid sql: cannot VACUUM from within a transaction");
    }

    @Test
    void vacuumIntoTheCanaryDirectoryWritesNothing() {
        String token = walkin("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(1000))");
        expectVacuumIntoRefused(http.sql(fill("VACUUM INTO '{canary}/{m}.db'"), token));
        assertThat(canary.resolve(marker + ".db")).doesNotExist();
    }

    @Test
    void vacuumIntoARelativePathWritesNothingInTheServersWorkingDirectory() {
        String token = walkin("CREATE TABLE t(x)");
        expectVacuumIntoRefused(http.sql(fill("VACUUM INTO '{m}.db'"), token));
        expectVacuumIntoRefused(http.sql(fill("VACUUM INTO '../../{m}.db'"), token));
        expectVacuumIntoRefused(http.sql(fill("VACUUM main INTO '/tmp/' || '{m}.db'"), token));
    }

    @Test
    void vacuumIntoTheVictimsDatabaseFileCannotOverwriteIt() {
        String token = walkin("CREATE TABLE " + victim.table() + "(id INTEGER PRIMARY KEY, v); INSERT INTO "
                + victim.table() + " VALUES (1, 'overwritten')");
        String path = instanceDir(victim.token()).resolve("db.sqlite").toString();
        expectVacuumIntoRefused(http.sql("VACUUM INTO '" + path + "'", token));
        // the harness re-reads the victim's exact rows after this case
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT load_extension('{canary}/{m}.so')",
            "SELECT \"load_extension\"('/lib/x86_64-linux-gnu/libc.so.6')",
            "SELECT [load_extension]('x', 'sqlite3_extension_init')",
            "select LOAD_EXTENSION /* gap */ ('x')",
            "SELECT `load_extension`\n(\n'x')",
    })
    void loadExtensionIsRefusedByName(String sql) {
        expect(http.sql(fill(sql)), 400, "forbidden sql keyword: load_extension");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "readfile:SELECT readfile('/etc/passwd')",
            "readfile:SELECT length(READFILE('/proc/self/environ'))",
            "writefile:SELECT writefile('{canary}/{m}.txt', 'owned')",
            "writefile:SELECT \"writefile\"('{m}.txt', x'00')",
            "edit:SELECT edit('text', 'vi')",
    })
    void fileFunctionsAreRefusedByName(String keywordAndSql) {
        String keyword = keywordAndSql.substring(0, keywordAndSql.indexOf(':'));
        expect(http.sql(fill(keywordAndSql.substring(keyword.length() + 1))), 400, "forbidden sql keyword: " + keyword);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "zipfile:SELECT * FROM zipfile('{canary}/{m}.zip')",
            "zipfile:CREATE VIRTUAL TABLE z USING zipfile('{canary}/{m}.zip')",
            "zipfile:SELECT * FROM 'zipfile'('{canary}/{m}.zip')",
            "sqlite_dbpage:SELECT data FROM sqlite_dbpage WHERE pgno = 1",
            "sqlite_dbpage:UPDATE \"sqlite_dbpage\" SET data = zeroblob(4096) WHERE pgno = 1",
            "unzip:SELECT * FROM unzip('{canary}/{m}.zip')",
    })
    void fileVirtualTablesAreRefusedByName(String keywordAndSql) {
        String keyword = keywordAndSql.substring(0, keywordAndSql.indexOf(':'));
        expect(http.sql(fill(keywordAndSql.substring(keyword.length() + 1))), 400, "forbidden sql keyword: " + keyword);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT fts5_source_id()", "SELECT \"fts5_decode\"(1, x'00')",
            "SELECT FTS5_TEST_CORPUS (1)", "SELECT fts5_fold/**/('A')"})
    void fts5InternalFunctionsAreRefusedByName(String sql) {
        Reply a = http.sql(sql);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).startsWith("forbidden sql keyword: fts5_");
    }

    @Test
    void unknownVirtualTableModulesAreRefusedByTheAuthorizer() {
        expect(http.sql("CREATE VIRTUAL TABLE c USING csv(filename='/etc/passwd')"), 400,
                "forbidden sql: virtual table module csv");
        expect(http.sql(fill("CREATE VIRTUAL TABLE f USING fsdir('{canary}')")), 400,
                "forbidden sql: virtual table module fsdir");
    }

    @Test
    void tempStoreDirectoryCannotBePointedAnywhere() {
        expect(http.sql(fill("PRAGMA temp_store_directory = '{canary}'")), 400,
                "forbidden sql: PRAGMA temp_store_directory");
        expect(http.sql(fill("PRAGMA data_store_directory = '{canary}'")), 400,
                "forbidden sql: PRAGMA data_store_directory");
    }

    @Test
    void databaseListNeverRevealsTheServerPath() {
        expect(http.sql("PRAGMA database_list"), 400, "forbidden sql: PRAGMA database_list");
        expect(http.sql("SELECT file FROM pragma_database_list"), 400, "forbidden sql: PRAGMA database_list");
        expect(http.sql("SELECT * FROM pragma_database_list()"), 400, "forbidden sql: PRAGMA database_list");
        // the harness checks that no body of this case contains the data directory
    }

    @Test
    void errorMessagesNeverRevealTheServerPath() {
        String token = walkin("CREATE TABLE t(x)");
        for (String sql : new String[] {"SELECT * FROM nosuch", "VACUUM", "PRAGMA journal_mode",
                "INSERT INTO t VALUES (1, 2)", "SELECT sqlite_source_id(), sqlite_version()", "REINDEX", "ANALYZE"}) {
            Reply a = http.sql(sql, token);
            assertThat(a.body()).doesNotContain(dataDir.toString()).doesNotContain("instances/")
                    .doesNotContain(System.getProperty("user.dir"));
        }
    }

    @Test
    void aTableNamedLikeAPathStaysInsideTheDatabase() throws Exception {
        String name = fill("../../../{canary}/{m}");
        Reply a = http.sql("CREATE TABLE \"" + name + "\"(a); INSERT INTO \"" + name
                + "\" VALUES (1); SELECT count(*) FROM \"" + name + "\"");
        assertThat(scalar(a).asInt()).isEqualTo(1);
        try (var s = Files.list(instanceDir(a.session()))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .allMatch(DiskSnapshot.INSTANCE_FILES::contains);
        }
    }

    @Test
    void journalModesThatWriteOtherFilesAreRefused() {
        for (String mode : new String[] {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "OFF"}) {
            expect(http.sql("PRAGMA journal_mode = " + mode), 400, "forbidden sql: PRAGMA journal_mode");
        }
    }
}
