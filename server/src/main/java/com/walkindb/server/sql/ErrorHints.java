package com.walkindb.server.sql;

import com.walkindb.server.config.Limits;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns SQLite's most common complaints into something an LLM can act on (docs/API.md, errors "hint"): the
 * tables that exist for "no such table", the table's columns (closest match first) for "no such
 * column", single quotes for a double-quoted word taken as a column. Runs on the failing call's
 * connection before its transaction is rolled back, so it sees what the statement saw.
 *
 * <p>The work is bounded whatever the schema holds ({@link Limits}): at most 200 names are read,
 * the columns of at most 8 tables, each distance looks at the first 64 characters of two names
 * and is computed once per name, and the work
 * stops (the answer goes out without a hint) once the call's deadline has passed — the
 * walk-in's gate is still held meanwhile.
 */
final class ErrorHints {
    /** SQLite's message, possibly rewritten (the DQS case), and a hint or null. */
    record Explained(String message, String hint) {}

    private static final Pattern DQS = Pattern.compile(
            "no such column: \"(.*)\" - should this be a string literal in single-quotes\\?");
    private static final Pattern NO_TABLE = Pattern.compile("no such table: (?:main\\.)?(.+)");
    private static final Pattern NO_COLUMN = Pattern.compile("no such column: (.+)");
    private static final Pattern HAS_NO_COLUMN = Pattern.compile("table (\\S+) has no column named (.+)");
    private final int maxHint;
    private final int maxTables;
    private final int maxScope;
    private final int maxCompared;

    /** Thrown when the call's deadline passes while a hint is being worked out. */
    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super(null, null, false, false);
        }
    }

    /** The hint bounds of {@code limits} ({@link Limits#maxHintChars()} and the {@code hintMax...} values). */
    ErrorHints(Limits limits) {
        this.maxHint = limits.maxHintChars();
        this.maxTables = limits.hintMaxTables();
        this.maxScope = limits.hintMaxScope();
        this.maxCompared = limits.hintMaxCompared();
    }

    Explained explain(SqliteConnection db, String message, String sql) {
        return explain(db, message, sql, db::deadlinePassed);
    }

    /** {@code outOfTime} is asked between steps; once it says true, the answer has no hint. */
    Explained explain(SqliteConnection db, String message, String sql, BooleanSupplier outOfTime) {
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
                return new Explained(message, tablesHint(db, m.group(1), outOfTime));
            }
            m = HAS_NO_COLUMN.matcher(message);
            if (m.matches()) {
                return new Explained(message, columnsHint(db, List.of(m.group(1)), m.group(2), outOfTime));
            }
            m = NO_COLUMN.matcher(message);
            if (m.matches()) {
                String wanted = m.group(1);
                int dot = wanted.lastIndexOf('.');
                List<String> tables = tables(db, outOfTime);
                List<String> scope = new ArrayList<>();
                if (dot > 0 && contains(tables, wanted.substring(0, dot))) {
                    scope.add(wanted.substring(0, dot));
                } else {
                    String lowerSql = sql.toLowerCase(Locale.ROOT);
                    for (String t : tables) {
                        if (scope.size() == maxScope) {
                            break;
                        }
                        check(outOfTime);
                        if (Pattern.compile("(?<![\\w$])" + Pattern.quote(t.toLowerCase(Locale.ROOT)) + "(?![\\w$])")
                                .matcher(lowerSql).find()) {
                            scope.add(t);
                        }
                    }
                }
                String column = dot > 0 ? wanted.substring(dot + 1) : wanted;
                return new Explained(message, columnsHint(db, scope, column, outOfTime));
            }
        } catch (SqliteException | RuntimeException e) {
            return new Explained(message, null); // a hint is a courtesy; never fail the answer for it
        }
        return new Explained(message, null);
    }

    private String tablesHint(SqliteConnection db, String wanted, BooleanSupplier outOfTime)
            throws SqliteException {
        List<String> tables = tables(db, outOfTime);
        if (tables.isEmpty()) {
            return "This walk-in has no tables yet; create one with CREATE TABLE.";
        }
        return listed("Tables in this walk-in: ", closestFirst(tables, wanted, outOfTime), ", ");
    }

    private String columnsHint(SqliteConnection db, List<String> tables, String wanted,
                                      BooleanSupplier outOfTime) throws SqliteException {
        List<String> parts = new ArrayList<>();
        for (String t : tables) {
            check(outOfTime);
            List<String> cols = columns(db, t);
            if (!cols.isEmpty()) {
                parts.add(listed(t + "(", closestFirst(cols, wanted, outOfTime), ", ") + ")");
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        return listed("Columns, closest match first: ", parts, "; ");
    }

    private List<String> tables(SqliteConnection db, BooleanSupplier outOfTime) throws SqliteException {
        check(outOfTime);
        return strings(db, "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT " + maxTables, null);
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

    private static void check(BooleanSupplier outOfTime) {
        if (outOfTime.getAsBoolean()) {
            throw new OutOfTime();
        }
    }

    /** The names, closest to {@code wanted} first (ties by name); each distance is computed once. */
    List<String> closestFirst(List<String> names, String wanted, BooleanSupplier outOfTime) {
        record Scored(String name, int distance) {}
        String w = compared(wanted);
        List<Scored> scored = new ArrayList<>(names.size());
        for (String n : names) {
            check(outOfTime);
            scored.add(new Scored(n, distance(compared(n), w)));
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return scored.stream().map(Scored::name).toList();
    }

    /** What a distance looks at: the first {@link #maxCompared} characters, lower case. */
    private String compared(String name) {
        String head = name.length() > maxCompared ? name.substring(0, maxCompared) : name;
        return head.toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance, O(|a| x |b|): callers pass {@link #compared} names. */
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

    /** prefix + the items joined, built only up to the hint's size and clipped there. */
    private String listed(String prefix, List<String> items, String separator) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < items.size() && b.length() <= maxHint; i++) {
            if (i > 0) {
                b.append(separator);
            }
            b.append(items.get(i), 0, Math.min(items.get(i).length(), maxHint + 1));
        }
        return b.length() <= maxHint ? b.toString() : b.substring(0, maxHint - 1) + "…";
    }
}
