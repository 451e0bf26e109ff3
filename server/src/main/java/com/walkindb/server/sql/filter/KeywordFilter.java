package com.walkindb.server.sql.filter;

import java.util.List;
import java.util.Locale;

/**
 * The keyword pre-filter of docs/SECURITY.md: defence in depth that refuses SQL naming something
 * dangerous before SQLite parses it. It reads the text with {@link SqlTokenizer}, which
 * splits it exactly where SQLite does, so words inside string literals, quoted identifiers
 * and comments are never mistaken for bare words. Names compare case-insensitively in ASCII
 * only, as SQLite folds them.
 *
 * <ul>
 *   <li>The keywords {@code ATTACH} and {@code DETACH}: any bare word. Quoted they are
 *       identifiers, which SQLite never reads as the keyword.
 *   <li>The functions {@code load_extension}, {@code readfile}, {@code writefile},
 *       {@code edit} and any {@code fts5_*}: when a name is followed, past whitespace and
 *       comments, by {@code (}. This includes quoted names: SQLite's tokenizer makes
 *       {@code "x"}, {@code [x]} and {@code `x`} the same identifier token as bare {@code x},
 *       and its grammar calls a function by any identifier ({@code SELECT "abs"(-1)} returns 1).
 *       A column merely named {@code edit}, or the module name {@code fts5}, passes.
 *   <li>The names {@code sqlite_dbpage}, {@code zipfile}, {@code unzip}: a bare word or a
 *       quoted identifier anywhere, since SQLite resolves {@code FROM "zipfile"} to the same
 *       object as {@code FROM zipfile}.
 * </ul>
 *
 * <p>String literals are text and never match, with one exception that is not text: SQLite
 * accepts a single-quoted token where its grammar allows only a name ({@code FROM 'json_each'('[1]')},
 * {@code USING 'fts5'(a)}). A string directly before {@code (}, or directly after
 * {@code FROM}, {@code JOIN}, {@code INTO}, {@code UPDATE}, {@code USING}, {@code TABLE} or a
 * dot, is therefore checked as a name; {@code SELECT 'zipfile'} still passes. A string after
 * a comma in a FROM list ({@code FROM t, 'sqlite_dbpage'}) is not recognised; layers 1 and 2
 * (hardened build, authorizer) cover it.
 *
 * <p>A forbidden match wins; otherwise the SQL must contain a token other than whitespace,
 * comments and semicolons before its first U+0000 (where SQLite stops reading), or it holds
 * no statement. Forbidden words after a U+0000 are still refused.
 */
public final class KeywordFilter {
    private static final FilterVerdict ALLOWED = new FilterVerdict.Allowed();
    private static final FilterVerdict NO_STATEMENT = new FilterVerdict.NoStatement();

    private static final List<String> KEYWORDS = List.of("attach", "detach");
    private static final List<String> FUNCTIONS = List.of("load_extension", "readfile", "writefile", "edit");
    private static final String FUNCTION_PREFIX = "fts5_";
    private static final List<String> NAMES = List.of("sqlite_dbpage", "zipfile", "unzip");
    /** Keywords after which SQLite's grammar expects a table or module name. */
    private static final List<String> NAME_INTRODUCERS = List.of("from", "join", "into", "update", "using", "table");

    private KeywordFilter() {}

    /**
     * Scans {@code sql} once. Never throws; a null {@code sql} holds no statement.
     *
     * @return {@link FilterVerdict.Forbidden} for the first forbidden match in the text,
     *     else {@link FilterVerdict.NoStatement} or {@link FilterVerdict.Allowed}
     */
    public static FilterVerdict check(String sql) {
        if (sql == null) {
            return NO_STATEMENT;
        }
        SqlTokenizer tokenizer = new SqlTokenizer(sql);
        boolean statement = false;
        boolean beforeNul = true;
        Token callee = null;          // the last token, if a '(' after it would make a call
        boolean nameExpected = false; // the last token was FROM, JOIN, ... or a dot
        for (Token t = tokenizer.next(); t != null; t = tokenizer.next()) {
            TokenKind kind = t.kind();
            if (kind == TokenKind.WHITESPACE || kind == TokenKind.COMMENT) {
                continue;
            }
            if (kind == TokenKind.NUL) {
                beforeNul = false;
                continue;
            }
            statement |= beforeNul && kind != TokenKind.SEMICOLON;
            String hit = switch (kind) {
                case WORD -> bareWord(sql, t);
                case QUOTED_ID -> namedObject(name(sql, t));
                case STRING -> nameExpected ? namedObject(name(sql, t)) : null;
                case LEFT_PAREN -> callee != null ? called(sql, callee) : null;
                default -> null;
            };
            if (hit != null) {
                return new FilterVerdict.Forbidden(hit);
            }
            boolean nameLike = kind == TokenKind.WORD || kind == TokenKind.QUOTED_ID || kind == TokenKind.STRING;
            callee = nameLike ? t : null;
            nameExpected = kind == TokenKind.DOT || (kind == TokenKind.WORD && oneOf(sql, t, NAME_INTRODUCERS) != null);
        }
        return statement ? ALLOWED : NO_STATEMENT;
    }

    /** The keyword to report for a bare word, or null; compares in place, as most words are harmless. */
    private static String bareWord(String sql, Token word) {
        String keyword = oneOf(sql, word, KEYWORDS);
        return keyword != null ? keyword.toUpperCase(Locale.ROOT) : oneOf(sql, word, NAMES);
    }

    private static String namedObject(String name) {
        return NAMES.contains(name) ? name : null;
    }

    /** The keyword to report when {@code callee} is followed by '(', or null. */
    private static String called(String sql, Token callee) {
        if (callee.kind() == TokenKind.WORD) {
            String function = oneOf(sql, callee, FUNCTIONS);
            boolean fts5 = callee.end() - callee.start() >= FUNCTION_PREFIX.length()
                    && sameAscii(sql, callee.start(), FUNCTION_PREFIX);
            return function != null ? function : fts5 ? name(sql, callee) : null;
        }
        String name = name(sql, callee);
        if (FUNCTIONS.contains(name) || name.startsWith(FUNCTION_PREFIX)) {
            return name;
        }
        // A string before '(' can only be a table-valued function or module name.
        return callee.kind() == TokenKind.STRING ? namedObject(name) : null;
    }

    /** The entry of {@code lowerCaseWords} that the bare word {@code t} spells, ignoring ASCII case, or null. */
    private static String oneOf(String sql, Token t, List<String> lowerCaseWords) {
        int length = t.end() - t.start();
        for (String candidate : lowerCaseWords) {
            if (candidate.length() == length && sameAscii(sql, t.start(), candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether {@code sql} holds {@code lower} at {@code at}, folding only ASCII letters as SQLite does. */
    private static boolean sameAscii(String sql, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if (toLowerAscii(sql.charAt(at + i)) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static char toLowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * The name a WORD, QUOTED_ID or STRING token stands for, in ASCII lower case: quotes
     * removed and doubled quote characters collapsed, as SQLite dequotes ({@code [..]} has no
     * escape).
     */
    static String name(String sql, Token t) {
        int start = t.start();
        int end = t.end();
        char close = 0;
        if (t.kind() != TokenKind.WORD) {
            char open = sql.charAt(start);
            close = open == '[' ? ']' : open;
            start++;
            end--;
        }
        StringBuilder out = new StringBuilder(Math.max(0, end - start));
        for (int i = start; i < end; i++) {
            char c = sql.charAt(i);
            if (c == close && close != ']') {
                i++; // the first of a doubled delimiter; its twin is appended below
            }
            out.append(toLowerAscii(c));
        }
        return out.toString();
    }
}
