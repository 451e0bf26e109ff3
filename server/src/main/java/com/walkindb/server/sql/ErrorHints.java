package com.walkindb.server.sql;

import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns SQLite's most common complaints into something an LLM can act on (SPEC §2 "hint"): the
 * tables that exist for "no such table", the table's columns (closest match first) for "no such
 * column", single quotes for a double-quoted word taken as a column. Runs on the failing call's
 * connection before its transaction is rolled back, so it sees what the statement saw.
 */
final class ErrorHints {
    /** SQLite's message, possibly rewritten (the DQS case), and a hint or null. */
    record Explained(String message, String hint) {}

    private static final Pattern DQS = Pattern.compile(
            "no such column: \"(.*)\" - should this be a string literal in single-quotes\\?");
    private static final Pattern NO_TABLE = Pattern.compile("no such table: (?:main\\.)?(.+)");
    private static final Pattern NO_COLUMN = Pattern.compile("no such column: (.+)");
    private static final Pattern HAS_NO_COLUMN = Pattern.compile("table (\\S+) has no column named (.+)");
    private static final int MAX_HINT = 480;
    private static final int MAX_TABLES = 200;

    private ErrorHints() {}

    static Explained explain(SqliteConnection db, String message, String sql) {
        if (message == null) {
            return new Explained("unknown error", null);
        }
        try {
            Matcher m = DQS.matcher(message);
            if (m.matches()) {
                String word = m.group(1);
                return new Explained("no such column: " + word, "String literals take single quotes in SQLite: write '"
                        + word.replace("'", "''") + "' instead of \"" + word + "\".");
            }
            m = NO_TABLE.matcher(message);
            if (m.matches()) {
                return new Explained(message, tablesHint(db, m.group(1)));
            }
            m = HAS_NO_COLUMN.matcher(message);
            if (m.matches()) {
                return new Explained(message, columnsHint(db, List.of(m.group(1)), m.group(2)));
            }
            m = NO_COLUMN.matcher(message);
            if (m.matches()) {
                String wanted = m.group(1);
                int dot = wanted.lastIndexOf('.');
                List<String> tables = tables(db);
                List<String> scope = new ArrayList<>();
                if (dot > 0 && contains(tables, wanted.substring(0, dot))) {
                    scope.add(wanted.substring(0, dot));
                } else {
                    String lowerSql = sql.toLowerCase(Locale.ROOT);
                    for (String t : tables) {
                        if (Pattern.compile("(?<![\\w$])" + Pattern.quote(t.toLowerCase(Locale.ROOT)) + "(?![\\w$])")
                                .matcher(lowerSql).find()) {
                            scope.add(t);
                        }
                    }
                }
                return new Explained(message, columnsHint(db, scope, dot > 0 ? wanted.substring(dot + 1) : wanted));
            }
        } catch (SqliteException | RuntimeException e) {
            return new Explained(message, null); // a hint is a courtesy; never fail the answer for it
        }
        return new Explained(message, null);
    }

    private static String tablesHint(SqliteConnection db, String wanted) throws SqliteException {
        List<String> tables = tables(db);
        if (tables.isEmpty()) {
            return "This walk-in has no tables yet; create one with CREATE TABLE.";
        }
        return clip("Tables in this walk-in: " + String.join(", ", closestFirst(tables, wanted)));
    }

    private static String columnsHint(SqliteConnection db, List<String> tables, String wanted) throws SqliteException {
        List<String> parts = new ArrayList<>();
        for (String t : tables) {
            List<String> cols = columns(db, t);
            if (!cols.isEmpty()) {
                parts.add(t + "(" + String.join(", ", closestFirst(cols, wanted)) + ")");
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        return clip("Columns, closest match first: " + String.join("; ", parts));
    }

    private static List<String> tables(SqliteConnection db) throws SqliteException {
        return strings(db, "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT " + MAX_TABLES, null);
    }

    private static List<String> columns(SqliteConnection db, String table) throws SqliteException {
        return strings(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", table);
    }

    private static List<String> strings(SqliteConnection db, String sql, String arg) throws SqliteException {
        List<String> out = new ArrayList<>();
        try (StatementCursor c = db.compile(sql)) {
            SqliteStatement st = c.next();
            if (arg != null) {
                st.bindText(1, arg);
            }
            while (st.step()) {
                out.add(st.columnText(0));
            }
        }
        return out;
    }

    private static boolean contains(List<String> names, String name) {
        return names.stream().anyMatch(n -> n.equalsIgnoreCase(name));
    }

    static List<String> closestFirst(List<String> names, String wanted) {
        String w = wanted.toLowerCase(Locale.ROOT);
        return names.stream()
                .sorted(Comparator.comparingInt((String n) -> distance(n.toLowerCase(Locale.ROOT), w))
                        .thenComparing(n -> n))
                .toList();
    }

    /** Levenshtein distance; names here are short. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String clip(String hint) {
        return hint.length() <= MAX_HINT ? hint : hint.substring(0, MAX_HINT - 1) + "…";
    }
}
