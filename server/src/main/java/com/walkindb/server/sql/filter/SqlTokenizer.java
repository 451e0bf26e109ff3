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

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens at exactly the places SQLite's own tokenizer does
 * ({@code sqlite3GetToken} in tokenize.c of SQLite 3.54, the version walkindb builds), so the
 * pre-filter reads the same words SQLite will.
 *
 * <p>Why rule for rule: a filter whose token boundaries differ from SQLite's can be walked
 * around. A quote that SQLite reads as part of a {@code $name(...)} parameter, for instance,
 * would otherwise open a "string" here that hides the statement after it. The rules kept are
 * SQLite's: identifiers are runs of ASCII letters, digits, {@code _}, {@code $} and any
 * non-ASCII character; a byte-order mark where a token starts is space; {@code /*} right at
 * the end is a slash, not a comment; a number swallows the identifier characters glued to it.
 *
 * <p>Two deliberate differences, both so that nothing escapes the scan: SQLite stops reading at
 * U+0000, while here a NUL ends the literal or comment it falls in (as in SQLite), becomes a
 * {@link TokenKind#NUL} token, and scanning goes on over what follows as fresh text; and an
 * unpaired surrogate is read as {@code ?}, which is what Java's UTF-8 encoder (and so
 * {@code Arena.allocateFrom}) hands SQLite in its place.
 *
 * <p>One forward pass with at most three characters of look-ahead: linear time, no regex.
 */
final class SqlTokenizer {
    private final String sql;
    private final int length;
    private int pos;

    /** A tokenizer over {@code sql}, positioned at its start. */
    SqlTokenizer(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    /** All tokens of {@code sql}, in order; they cover the text without gaps. */
    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        SqlTokenizer tokenizer = new SqlTokenizer(sql);
        for (Token t = tokenizer.next(); t != null; t = tokenizer.next()) {
            tokens.add(t);
        }
        return tokens;
    }

    /** The next token, or null at the end of the text. */
    Token next() {
        if (pos >= length) {
            return null;
        }
        int start = pos;
        TokenKind kind = scan(start);
        return new Token(kind, start, pos);
    }

    private TokenKind scan(int p) {
        char c = at(p);
        if (c >= 0x80) {
            // U+FEFF is UTF-8 EF BB BF, which SQLite skips as space where a token starts.
            return c == '\uFEFF' ? end(p + 1, WHITESPACE) : identifier(p + 1);
        }
        return switch (c) {
            case 0 -> end(p + 1, NUL);
            case ' ', '\t', '\n', '\f', '\r' -> whitespace(p + 1);
            case '-' -> at(p + 1) == '-' ? lineComment(p + 2)
                    : at(p + 1) == '>' ? end(at(p + 2) == '>' ? p + 3 : p + 2, OPERATOR)
                    : end(p + 1, OPERATOR);
            case '/' -> at(p + 1) != '*' || at(p + 2) == 0 ? end(p + 1, OPERATOR) : blockComment(p);
            case '(' -> end(p + 1, LEFT_PAREN);
            case ';' -> end(p + 1, SEMICOLON);
            case ')', '+', '*', '%', ',', '&', '~' -> end(p + 1, OPERATOR);
            case '=' -> end(at(p + 1) == '=' ? p + 2 : p + 1, OPERATOR);
            case '<' -> end(at(p + 1) == '=' || at(p + 1) == '>' || at(p + 1) == '<' ? p + 2 : p + 1, OPERATOR);
            case '>' -> end(at(p + 1) == '=' || at(p + 1) == '>' ? p + 2 : p + 1, OPERATOR);
            case '|' -> end(at(p + 1) == '|' ? p + 2 : p + 1, OPERATOR);
            case '!' -> at(p + 1) == '=' ? end(p + 2, OPERATOR) : end(p + 1, ILLEGAL);
            case '\'', '"', '`' -> quoted(p, c);
            case '[' -> bracketed(p);
            case '.' -> isDigit(at(p + 1)) ? number(p) : end(p + 1, DOT);
            case '?' -> digits(p + 1);
            case '$', '@', '#', ':' -> namedVariable(p);
            case 'x', 'X' -> at(p + 1) == '\'' ? blob(p) : identifier(p + 1);
            default -> isDigit(c) ? number(p) : isIdChar(c) ? identifier(p + 1) : end(p + 1, ILLEGAL);
        };
    }

    private TokenKind whitespace(int i) {
        while (isSpace(at(i))) {
            i++;
        }
        return end(i, WHITESPACE);
    }

    private TokenKind lineComment(int i) {
        for (char c = at(i); c != 0 && c != '\n'; c = at(++i)) {
            // the newline itself is whitespace, not part of the comment
        }
        return end(i, COMMENT);
    }

    private TokenKind blockComment(int p) {
        int i = p + 3;
        char c = at(p + 2);
        while ((c != '*' || at(i) != '/') && (c = at(i)) != 0) {
            i++;
        }
        return end(c != 0 ? i + 1 : i, COMMENT);
    }

    /** A '...' string, or a "..." or `...` identifier; the delimiter doubled stands for itself. */
    private TokenKind quoted(int p, char delim) {
        int i = p + 1;
        char c;
        while ((c = at(i)) != 0) {
            if (c == delim) {
                if (at(i + 1) != delim) {
                    break;
                }
                i++;
            }
            i++;
        }
        if (c == 0) {
            return end(i, ILLEGAL);
        }
        return end(i + 1, delim == '\'' ? STRING : QUOTED_ID);
    }

    /** A [...] identifier: no escapes, the first ']' closes it. */
    private TokenKind bracketed(int p) {
        int i = p + 1;
        char c = '[';
        while (c != ']' && (c = at(i)) != 0) {
            i++;
        }
        return end(i, c == ']' ? QUOTED_ID : ILLEGAL);
    }

    private TokenKind blob(int p) {
        int i = p + 2;
        while (isHexDigit(at(i))) {
            i++;
        }
        TokenKind kind = BLOB;
        if (at(i) != '\'' || (i - p) % 2 != 0) {
            kind = ILLEGAL;
            while (at(i) != 0 && at(i) != '\'') {
                i++;
            }
        }
        return end(at(i) != 0 ? i + 1 : i, kind);
    }

    /** Integer, real or hex literal; '_' is SQLite's digit separator. */
    private TokenKind number(int p) {
        int i;
        if (at(p) == '0' && (at(p + 1) == 'x' || at(p + 1) == 'X') && isHexDigit(at(p + 2))) {
            i = p + 3;
            while (isHexDigit(at(i)) || at(i) == '_') {
                i++;
            }
        } else {
            i = skipDigits(p);
            if (at(i) == '.') {
                i = skipDigits(i + 1);
            }
            char e = at(i);
            char sign = at(i + 1);
            if ((e == 'e' || e == 'E')
                    && (isDigit(sign) || ((sign == '+' || sign == '-') && isDigit(at(i + 2))))) {
                i = skipDigits(i + 2);
            }
        }
        // Identifier characters glued to a number make one bad token ("1attach"), never a word.
        TokenKind kind = NUMBER;
        while (isIdChar(at(i))) {
            kind = ILLEGAL;
            i++;
        }
        return end(i, kind);
    }

    private int skipDigits(int i) {
        while (isDigit(at(i)) || at(i) == '_') {
            i++;
        }
        return i;
    }

    private TokenKind digits(int i) {
        while (isDigit(at(i))) {
            i++;
        }
        return end(i, VARIABLE);
    }

    /** :name, @name, #name, $name, with SQLite's Tcl forms $a::b and $a(anything up to ')'). */
    private TokenKind namedVariable(int p) {
        int i = p + 1;
        int n = 0;
        boolean illegal = false;
        char c;
        while ((c = at(i)) != 0) {
            if (isIdChar(c)) {
                n++;
            } else if (c == '(' && n > 0) {
                do {
                    i++;
                } while ((c = at(i)) != 0 && !isSpace(c) && c != ')');
                if (c == ')') {
                    i++;
                } else {
                    illegal = true;
                }
                break;
            } else if (c == ':' && at(i + 1) == ':') {
                i++;
            } else {
                break;
            }
            i++;
        }
        return end(i, illegal || n == 0 ? ILLEGAL : VARIABLE);
    }

    private TokenKind identifier(int i) {
        while (isIdChar(at(i))) {
            i++;
        }
        return end(i, WORD);
    }

    private TokenKind end(int i, TokenKind kind) {
        pos = i;
        return kind;
    }

    /** The character at {@code i} as SQLite will see it: 0 past the end, '?' for an unpaired surrogate. */
    private char at(int i) {
        if (i >= length) {
            return 0;
        }
        char c = sql.charAt(i);
        if (Character.isSurrogate(c)) {
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < length && Character.isLowSurrogate(sql.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(sql.charAt(i - 1));
            return paired ? c : '?';
        }
        return c;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** SQLite's IdChar: ASCII letters and digits, '_', '$', and every non-ASCII character. */
    private static boolean isIdChar(char c) {
        return c >= 0x80 || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    }
}
