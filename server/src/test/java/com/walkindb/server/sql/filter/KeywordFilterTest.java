package com.walkindb.server.sql.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeywordFilterTest {

    private static final FilterVerdict ALLOWED = new FilterVerdict.Allowed();
    private static final FilterVerdict NO_STATEMENT = new FilterVerdict.NoStatement();

    private static FilterVerdict forbidden(String keyword) {
        return new FilterVerdict.Forbidden(keyword);
    }

    /** Each forbidden word, a statement that uses it, and the keyword the error names. */
    static Stream<Arguments> forbiddenUses() {
        return Stream.of(
                Arguments.of("attach", "%s 'f.db' AS x", "ATTACH"),
                Arguments.of("detach", "%s x", "DETACH"),
                Arguments.of("load_extension", "SELECT %s('x.so')", "load_extension"),
                Arguments.of("readfile", "SELECT %s('/etc/passwd')", "readfile"),
                Arguments.of("writefile", "SELECT %s('f', 'x')", "writefile"),
                Arguments.of("edit", "SELECT %s('x')", "edit"),
                Arguments.of("fts5_tokenizer", "SELECT %s(1)", "fts5_tokenizer"),
                Arguments.of("sqlite_dbpage", "SELECT * FROM %s", "sqlite_dbpage"),
                Arguments.of("zipfile", "SELECT * FROM %s('a.zip')", "zipfile"),
                Arguments.of("unzip", "SELECT %s FROM t", "unzip"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenUses")
    void everyForbiddenWordIsRefusedInEveryMixOfCase(String word, String template, String keyword) {
        for (String spelling : caseMixes(word)) {
            assertThat(KeywordFilter.check(template.formatted(spelling)))
                    .as(spelling)
                    .isEqualTo(forbidden(keyword));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenUses")
    void forbiddenWordsInsideLiteralsAndCommentsAreText(String word, String template, String keyword) {
        String use = template.formatted(word);
        for (String sql : List.of(
                "SELECT '" + use + "'",
                "SELECT 'it''s " + use + "'",
                "SELECT 1 -- " + use,
                "SELECT 1 /* " + use + " */",
                "/* " + use + " */ SELECT 1",
                "SELECT 1 -- x\n/* " + use + " */")) {
            assertThat(KeywordFilter.check(sql)).as(sql).isEqualTo(ALLOWED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"attach", "detach", "load_extension", "readfile", "writefile", "edit", "fts5_x"})
    void quotedIdentifiersAreNotBareWordsUnlessCalled(String word) {
        for (String quoted : List.of("\"" + word + "\"", "[" + word + "]", "`" + word + "`")) {
            assertThat(KeywordFilter.check("SELECT " + quoted + " FROM t")).as(quoted).isEqualTo(ALLOWED);
            assertThat(KeywordFilter.check("SELECT \"" + word + "(1)\"")).isEqualTo(ALLOWED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"load_extension", "readfile", "writefile", "edit", "fts5_x"})
    void quotedFunctionNamesAreRefusedWhenCalled(String function) {
        // SQLite tokenizes "f", [f] and `f` as the same identifier as f, so each calls f.
        for (String quoted : List.of("\"" + function + "\"", "[" + function + "]", "`" + function + "`")) {
            String upper = quoted.toUpperCase(Locale.ROOT);
            assertThat(KeywordFilter.check("SELECT " + upper + " (1)")).as(upper).isEqualTo(forbidden(function));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite_dbpage", "zipfile", "unzip"})
    void quotedNamesOfForbiddenObjectsAreRefused(String name) {
        // FROM "zipfile" reaches the same module as FROM zipfile.
        assertThat(KeywordFilter.check("SELECT * FROM \"" + name + "\"")).isEqualTo(forbidden(name));
        assertThat(KeywordFilter.check("SELECT * FROM [" + name.toUpperCase(Locale.ROOT) + "]")).isEqualTo(forbidden(name));
        assertThat(KeywordFilter.check("SELECT * FROM main.`" + name + "`")).isEqualTo(forbidden(name));
        assertThat(KeywordFilter.check("SELECT \"my " + name + "\" FROM t")).isEqualTo(ALLOWED);
    }

    @Test
    void quotedKeywordsAreIdentifiersNotStatements() {
        assertThat(KeywordFilter.check("\"ATTACH\" 'f.db' AS x")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("CREATE TABLE t([detach] TEXT, `attach` INT)")).isEqualTo(ALLOWED);
    }

    @Test
    void doubledQuotesInsideQuotedNamesAreDequotedAsSqliteDoes() {
        assertThat(KeywordFilter.check("SELECT \"read\"\"file\"(1)")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT \"it\"\"s attach\" FROM t")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT [zip\"\"file] FROM t")).isEqualTo(ALLOWED);
    }

    @Test
    void columnMerelyNamedEditIsAllowed() {
        assertThat(KeywordFilter.check("SELECT edit FROM t")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("CREATE TABLE t(edit TEXT, readfile INT)")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("UPDATE t SET edit = edit + 1 WHERE edit > (1)")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT edit; (SELECT 1)")).isEqualTo(ALLOWED);
    }

    @Test
    void editFollowedByParenthesisIsACall() {
        assertThat(KeywordFilter.check("SELECT edit(x)")).isEqualTo(forbidden("edit"));
        assertThat(KeywordFilter.check("SELECT edit /* c */ (x)")).isEqualTo(forbidden("edit"));
        assertThat(KeywordFilter.check("SELECT edit -- c\n\t(x)")).isEqualTo(forbidden("edit"));
        assertThat(KeywordFilter.check("SELECT EDIT\r\n(x)")).isEqualTo(forbidden("edit"));
    }

    @Test
    void fts5PrefixedCallsAreRefusedByTheirOwnName() {
        assertThat(KeywordFilter.check("SELECT fts5_x (1)")).isEqualTo(forbidden("fts5_x"));
        assertThat(KeywordFilter.check("SELECT FTS5_Get_Locale(t, 0) FROM t")).isEqualTo(forbidden("fts5_get_locale"));
        assertThat(KeywordFilter.check("SELECT fts5_(1)")).isEqualTo(forbidden("fts5_"));
        assertThat(KeywordFilter.check("SELECT fts5_x FROM t")).isEqualTo(ALLOWED);
    }

    @Test
    void theFts5ModuleItselfIsAllowed() {
        assertThat(KeywordFilter.check("CREATE VIRTUAL TABLE d USING fts5(body)")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("CREATE VIRTUAL TABLE d USING FTS5 (body, tokenize = 'porter')")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("CREATE VIRTUAL TABLE v USING fts5vocab(d, 'row')")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT fts5(1)")).isEqualTo(ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xattach", "attach_x", "attach1", "attach$", "attaché", "detached", "readfiles(1)",
        "myedit(1)", "edit2(1)", "unzipped", "zipfiles", "sqlite_dbpages", "load_extensions(1)", "fts5x(1)"})
    void wordsGluedToForbiddenOnesAreDifferentWords(String word) {
        assertThat(KeywordFilter.check("SELECT " + word + " FROM t")).isEqualTo(ALLOWED);
    }

    @Test
    void forbiddenWordNeedsNoSpaceAroundIt() {
        assertThat(KeywordFilter.check("ATTACH'x'AS y")).isEqualTo(forbidden("ATTACH"));
        assertThat(KeywordFilter.check("SELECT 1;ATTACH'x'AS y")).isEqualTo(forbidden("ATTACH"));
        assertThat(KeywordFilter.check("SELECT 1/*c*/DETACH\"y\"")).isEqualTo(forbidden("DETACH"));
        assertThat(KeywordFilter.check("SELECT(readfile('x'))")).isEqualTo(forbidden("readfile"));
        assertThat(KeywordFilter.check("SELECT t.attach FROM t")).isEqualTo(forbidden("ATTACH"));
    }

    @Test
    void theFirstForbiddenMatchIsReported() {
        assertThat(KeywordFilter.check("SELECT readfile(zipfile)")).isEqualTo(forbidden("readfile"));
        assertThat(KeywordFilter.check("SELECT zipfile, readfile(1)")).isEqualTo(forbidden("zipfile"));
        assertThat(KeywordFilter.check("SELECT 1; DETACH x; ATTACH 'y' AS y")).isEqualTo(forbidden("DETACH"));
    }

    @Test
    void parametersAreNotWords() {
        assertThat(KeywordFilter.check("SELECT :attach, @detach, $zipfile, #unzip, ?1")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT $a(attach), :x::edit")).isEqualTo(ALLOWED);
        // ?NNN takes digits only, so the word after it stands alone
        assertThat(KeywordFilter.check("SELECT ?1attach")).isEqualTo(forbidden("ATTACH"));
    }

    @Test
    void aQuoteInsideATclParameterOpensNoString() {
        // SQLite reads $a('x) as one parameter; a scanner that saw a string at ' would miss ATTACH.
        assertThat(KeywordFilter.check("SELECT $a('x); ATTACH 'f' AS y --'")).isEqualTo(forbidden("ATTACH"));
    }

    @Test
    void blobLiteralsAreLiterals() {
        assertThat(KeywordFilter.check("SELECT x'00ff', X'AB'")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT x'attach'")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT x'0', xedit(1)")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT x'00' attach")).isEqualTo(forbidden("ATTACH"));
    }

    @Test
    void numbersSwallowGluedIdentifierCharacters() {
        // SQLite rejects "1attach" as one unrecognized token; there is no word in it.
        assertThat(KeywordFilter.check("SELECT 1attach, 0x1fedit(1), 1e5zipfile")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT 1.attach")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT 0x1.attach")).isEqualTo(forbidden("ATTACH"));
    }

    @Test
    void singleQuotedNamesWhereOnlyANameFitsAreChecked() {
        // SQLite takes 'x' as an identifier where its grammar accepts no string.
        assertThat(KeywordFilter.check("SELECT * FROM 'sqlite_dbpage'")).isEqualTo(forbidden("sqlite_dbpage"));
        assertThat(KeywordFilter.check("SELECT * FROM main.'SQLITE_DBPAGE'")).isEqualTo(forbidden("sqlite_dbpage"));
        assertThat(KeywordFilter.check("SELECT * FROM t, 'zipfile'('a.zip')")).isEqualTo(forbidden("zipfile"));
        assertThat(KeywordFilter.check("CREATE VIRTUAL TABLE z USING 'zipfile'")).isEqualTo(forbidden("zipfile"));
        assertThat(KeywordFilter.check("SELECT 'readfile'('x')")).isEqualTo(forbidden("readfile"));
        assertThat(KeywordFilter.check("SELECT 'zipfile', 'unzip' FROM t WHERE a = 'sqlite_dbpage'")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("INSERT INTO t VALUES ('zipfile')")).isEqualTo(ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t\r\f", "-- only", "/* */;;", ";", " ; ;\n", "-- a\n/* b */", "\uFEFF",
        "/* unterminated", "-- x\n-- y", "\u0000", "\u0000SELECT 1", " ;\u0000ATTACH_X"})
    void onlyWhitespaceCommentsAndSemicolonsHoldNoStatement(String sql) {
        assertThat(KeywordFilter.check(sql)).isEqualTo(NO_STATEMENT);
    }

    @Test
    void nullSqlHoldsNoStatement() {
        assertThat(KeywordFilter.check(null)).isEqualTo(NO_STATEMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "x", ";;SELECT 1;;", "/*", "\u000b", "SELECT 1\u0000", "'", "\"abc", "[abc"})
    void anythingElseCountsAsAStatementForSqliteToJudge(String sql) {
        assertThat(KeywordFilter.check(sql)).isEqualTo(ALLOWED);
    }

    @Test
    void forbiddenWinsEvenWhenSqliteWouldStopBeforeIt() {
        assertThat(KeywordFilter.check("\u0000ATTACH 'x' AS y")).isEqualTo(forbidden("ATTACH"));
        assertThat(KeywordFilter.check("SELECT 1 /* \u0000 */ ATTACH 'x' AS y")).isEqualTo(forbidden("ATTACH"));
        // a NUL ends the comment for SQLite too, so what follows is read as fresh text
        assertThat(KeywordFilter.check("SELECT 1 /* \u0000 attach 'x' AS y */")).isEqualTo(forbidden("ATTACH"));
        assertThat(KeywordFilter.check("SELECT 'a\u0000' ; zipfile")).isEqualTo(ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 'abc", "SELECT 'attach", "SELECT \"readfile(", "SELECT [edit(", "SELECT `zip",
        "SELECT x'12", "SELECT x'", "/* attach", "SELECT 1 -- attach", "SELECT $a(x", "SELECT @", "'''", "x'''"})
    void unterminatedLiteralsAndCommentsDoNotThrowAndHideNothingAfterThem(String sql) {
        assertThat(KeywordFilter.check(sql)).isIn(ALLOWED, NO_STATEMENT);
    }

    @Test
    void nonAsciiCharactersAreIdentifierCharacters() {
        assertThat(KeywordFilter.check("SELECT édit(1), attaché, ünzip")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT edit\u00A0(1)")).isEqualTo(ALLOWED); // NBSP is not space to SQLite
        assertThat(KeywordFilter.check("SELECT edit\uFEFF(1)")).isEqualTo(ALLOWED); // inside a word it is a letter
        assertThat(KeywordFilter.check("SELECT edit \uFEFF(1)")).isEqualTo(forbidden("edit")); // where a token starts it is space
        assertThat(KeywordFilter.check("SELECT 名前, attach\uD83D\uDE00 FROM t")).isEqualTo(ALLOWED);
        assertThat(KeywordFilter.check("SELECT 名前 FROM t; DETACH y")).isEqualTo(forbidden("DETACH"));
    }

    @Test
    void onlyAsciiLettersFoldCase() {
        // Java would fold U+017F to 'S' and U+0131 to 'I'; SQLite does not, so neither is a match.
        assertThat(KeywordFilter.check("SELECT \u017Fqlite_dbpage, unz\u0131p FROM t")).isEqualTo(ALLOWED);
    }

    @Test
    void anUnpairedSurrogateSeparatesWordsAsTheQuestionMarkItBecomes() {
        // Java's UTF-8 encoder hands SQLite '?' for it: "ATTACH? AS y" is ATTACH with a parameter.
        assertThat(KeywordFilter.check("ATTACH\uD800 AS y")).isEqualTo(forbidden("ATTACH"));
        assertThat(KeywordFilter.check("SELECT \uDC001zipfile")).isEqualTo(forbidden("zipfile"));
        assertThat(KeywordFilter.check("SELECT '\uD800attach'")).isEqualTo(ALLOWED);
    }

    /** All 2^n spellings of {@code word} with each ASCII letter in either case. */
    static List<String> caseMixes(String word) {
        List<String> out = new ArrayList<>(List.of(""));
        for (char c : word.toCharArray()) {
            List<String> next = new ArrayList<>();
            for (String prefix : out) {
                next.add(prefix + Character.toLowerCase(c));
                if (Character.isLetter(c)) {
                    next.add(prefix + Character.toUpperCase(c));
                }
            }
            out = next;
        }
        return out;
    }
}
