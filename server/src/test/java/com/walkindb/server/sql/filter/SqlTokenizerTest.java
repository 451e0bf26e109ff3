package com.walkindb.server.sql.filter;

import static com.walkindb.server.sql.filter.TokenKind.BLOB;
import static com.walkindb.server.sql.filter.TokenKind.COMMENT;
import static com.walkindb.server.sql.filter.TokenKind.DOT;
import static com.walkindb.server.sql.filter.TokenKind.ILLEGAL;
import static com.walkindb.server.sql.filter.TokenKind.LEFT_PAREN;
import static com.walkindb.server.sql.filter.TokenKind.NUL;
import static com.walkindb.server.sql.filter.TokenKind.NUMBER;
import static com.walkindb.server.sql.filter.TokenKind.OPERATOR;
import static com.walkindb.server.sql.filter.TokenKind.QUOTED_ID;
import static com.walkindb.server.sql.filter.TokenKind.SEMICOLON;
import static com.walkindb.server.sql.filter.TokenKind.STRING;
import static com.walkindb.server.sql.filter.TokenKind.VARIABLE;
import static com.walkindb.server.sql.filter.TokenKind.WHITESPACE;
import static com.walkindb.server.sql.filter.TokenKind.WORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTokenizerTest {

    /** "KIND:text" for every token, so a failure shows where the boundaries fell. */
    private static List<String> tokens(String sql) {
        return SqlTokenizer.tokenize(sql).stream().map(t -> t.kind() + ":" + t.text(sql)).toList();
    }

    private static String tok(TokenKind kind, String text) {
        return kind + ":" + text;
    }

    @Test
    void splitsAnOrdinaryStatement() {
        assertThat(tokens("SELECT a.b,'x' FROM [t];")).containsExactly(
                tok(WORD, "SELECT"), tok(WHITESPACE, " "), tok(WORD, "a"), tok(DOT, "."), tok(WORD, "b"),
                tok(OPERATOR, ","), tok(STRING, "'x'"), tok(WHITESPACE, " "), tok(WORD, "FROM"),
                tok(WHITESPACE, " "), tok(QUOTED_ID, "[t]"), tok(SEMICOLON, ";"));
    }

    @Test
    void doubledDelimitersStayInsideTheirLiteral() {
        assertThat(tokens("'a''b'\"c\"\"d\"`e``f`")).containsExactly(
                tok(STRING, "'a''b'"), tok(QUOTED_ID, "\"c\"\"d\""), tok(QUOTED_ID, "`e``f`"));
    }

    @Test
    void bracketsHaveNoEscapeAndCloseAtTheFirstBracket() {
        assertThat(tokens("[a]]")).containsExactly(tok(QUOTED_ID, "[a]"), tok(ILLEGAL, "]"));
        assertThat(tokens("[a'b\"c]")).containsExactly(tok(QUOTED_ID, "[a'b\"c]"));
    }

    @Test
    void unterminatedLiteralsRunToTheEndAsOneBadToken() {
        assertThat(tokens("'ab")).containsExactly(tok(ILLEGAL, "'ab"));
        assertThat(tokens("\"ab")).containsExactly(tok(ILLEGAL, "\"ab"));
        assertThat(tokens("[ab")).containsExactly(tok(ILLEGAL, "[ab"));
        assertThat(tokens("x'ab")).containsExactly(tok(ILLEGAL, "x'ab"));
    }

    @Test
    void commentsEndWhereSqliteEndsThem() {
        assertThat(tokens("--a\r\nb")).containsExactly(tok(COMMENT, "--a\r"), tok(WHITESPACE, "\n"), tok(WORD, "b"));
        assertThat(tokens("/**/x")).containsExactly(tok(COMMENT, "/**/"), tok(WORD, "x"));
        assertThat(tokens("/*/x")).containsExactly(tok(COMMENT, "/*/x"));
        assertThat(tokens("/* a ** b */")).containsExactly(tok(COMMENT, "/* a ** b */"));
        // "/*" right at the end is a slash and a star to SQLite, not a comment
        assertThat(tokens("1/*")).containsExactly(tok(NUMBER, "1"), tok(OPERATOR, "/"), tok(OPERATOR, "*"));
    }

    @Test
    void blobLiteralsNeedAnEvenNumberOfHexDigits() {
        assertThat(tokens("x'0aF1'")).containsExactly(tok(BLOB, "x'0aF1'"));
        assertThat(tokens("X''")).containsExactly(tok(BLOB, "X''"));
        assertThat(tokens("x'abc'd")).containsExactly(tok(ILLEGAL, "x'abc'"), tok(WORD, "d"));
        assertThat(tokens("x'zz' y")).containsExactly(tok(ILLEGAL, "x'zz'"), tok(WHITESPACE, " "), tok(WORD, "y"));
        assertThat(tokens("xy'1'")).containsExactly(tok(WORD, "xy"), tok(STRING, "'1'"));
    }

    @Test
    void numbersFollowSqlitesGrammar() {
        assertThat(tokens("1_000 .5 1.e3 0x1F_ff 1e+9 1e")).containsExactly(
                tok(NUMBER, "1_000"), tok(WHITESPACE, " "), tok(NUMBER, ".5"), tok(WHITESPACE, " "),
                tok(NUMBER, "1.e3"), tok(WHITESPACE, " "), tok(NUMBER, "0x1F_ff"), tok(WHITESPACE, " "),
                tok(NUMBER, "1e+9"), tok(WHITESPACE, " "), tok(ILLEGAL, "1e"));
        assertThat(tokens("1e+x")).containsExactly(tok(ILLEGAL, "1e"), tok(OPERATOR, "+"), tok(WORD, "x"));
        assertThat(tokens("0x.1")).containsExactly(tok(ILLEGAL, "0x"), tok(NUMBER, ".1"));
    }

    @Test
    void parametersFollowSqlitesGrammar() {
        assertThat(tokens("?12a")).containsExactly(tok(VARIABLE, "?12"), tok(WORD, "a"));
        assertThat(tokens(":a::b$c")).containsExactly(tok(VARIABLE, ":a::b$c"));
        assertThat(tokens("$a(b c)")).containsExactly(
                tok(ILLEGAL, "$a(b"), tok(WHITESPACE, " "), tok(WORD, "c"), tok(OPERATOR, ")"));
        assertThat(tokens("@x(')")).containsExactly(tok(VARIABLE, "@x(')"));
        assertThat(tokens("$(x)")).containsExactly(tok(ILLEGAL, "$"), tok(LEFT_PAREN, "("), tok(WORD, "x"),
                tok(OPERATOR, ")"));
    }

    @Test
    void operatorsTakeTheirLongestSpelling() {
        assertThat(tokens("a->>b||c<>d!=e==f<<g>=h!i")).containsExactly(
                tok(WORD, "a"), tok(OPERATOR, "->>"), tok(WORD, "b"), tok(OPERATOR, "||"), tok(WORD, "c"),
                tok(OPERATOR, "<>"), tok(WORD, "d"), tok(OPERATOR, "!="), tok(WORD, "e"), tok(OPERATOR, "=="),
                tok(WORD, "f"), tok(OPERATOR, "<<"), tok(WORD, "g"), tok(OPERATOR, ">="), tok(WORD, "h"),
                tok(ILLEGAL, "!"), tok(WORD, "i"));
    }

    @Test
    void whitespaceIsAsciiSpaceControlsOnly() {
        // \v continues a run of space but cannot start one; NBSP is an identifier character
        assertThat(tokens(" \u000b\u000ba")).containsExactly(tok(WHITESPACE, " \u000b\u000b"), tok(WORD, "a"));
        assertThat(tokens("\u000ba")).containsExactly(tok(ILLEGAL, "\u000b"), tok(WORD, "a"));
        assertThat(tokens("a\u00a0b c")).containsExactly(tok(WORD, "a\u00a0b"), tok(WHITESPACE, " "), tok(WORD, "c"));
        assertThat(tokens("\uFEFFa\uFEFF")).containsExactly(tok(WHITESPACE, "\uFEFF"), tok(WORD, "a\uFEFF"));
    }

    @Test
    void nulEndsTheTokenItFallsInAndScanningGoesOn() {
        assertThat(tokens("'a\u0000b'")).containsExactly(tok(ILLEGAL, "'a"), tok(NUL, "\u0000"), tok(WORD, "b"),
                tok(ILLEGAL, "'"));
        assertThat(tokens("/*\u0000*/")).containsExactly(tok(OPERATOR, "/"), tok(OPERATOR, "*"), tok(NUL, "\u0000"),
                tok(OPERATOR, "*"), tok(OPERATOR, "/"));
        assertThat(tokens("--\u0000x")).containsExactly(tok(COMMENT, "--"), tok(NUL, "\u0000"), tok(WORD, "x"));
    }

    @Test
    void surrogatePairsAreIdentifierCharactersAndLoneOnesAreQuestionMarks() {
        assertThat(tokens("a\uD83D\uDE00b")).containsExactly(tok(WORD, "a\uD83D\uDE00b"));
        assertThat(tokens("a\uD83Db")).containsExactly(tok(WORD, "a"), tok(VARIABLE, "\uD83D"), tok(WORD, "b"));
        assertThat(tokens("\uDE007")).containsExactly(tok(VARIABLE, "\uDE007"));
    }

    @Test
    void tokensTileTheText() {
        String sql = "SELECT 'a', \"b\", [c], `d`, x'00', ?1, :e, 1.5e3 -- f\n/* g */; \u0000 h";
        int expected = 0;
        for (Token t : SqlTokenizer.tokenize(sql)) {
            assertThat(t.start()).isEqualTo(expected);
            assertThat(t.end()).isGreaterThan(t.start());
            expected = t.end();
        }
        assertThat(expected).isEqualTo(sql.length());
    }
}
