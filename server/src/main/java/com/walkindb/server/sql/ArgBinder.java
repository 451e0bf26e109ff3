package com.walkindb.server.sql;

import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds a call's args to its statements as they are compiled (docs/API.md, "args"): an array is
 * consumed in order, each statement taking as many values as it has parameters; an object is
 * looked up by parameter name without its prefix. Mismatches are reported, never guessed.
 */
final class ArgBinder {
    private final CallArgs args;
    private int next;                         // positional: index of the next unused value
    private final Set<String> usedNames = new HashSet<>();

    ArgBinder(CallArgs args) {
        this.args = args;
    }

    /** Binds the statement's parameters; returns null on success or why it could not. */
    String bind(SqliteStatement st, int statement) throws SqliteException {
        int count = st.parameterCount();
        if (count == 0) {
            return null;
        }
        return switch (args) {
            case CallArgs.None none -> "statement " + statement + " has " + plural(count, "parameter")
                    + " but the call has no args";
            case CallArgs.Positional p -> bindPositional(st, statement, count, p.values());
            case CallArgs.Named n -> bindNamed(st, statement, count, n.values());
        };
    }

    private String bindPositional(SqliteStatement st, int statement, int count, List<SqlValue> values)
            throws SqliteException {
        int left = values.size() - next;
        if (left < count) {
            return "statement " + statement + " needs " + plural(count, "value") + " but only " + left
                    + (left == 1 ? " is" : " are") + " left in args";
        }
        for (int i = 1; i <= count; i++) {
            bindValue(st, i, values.get(next++));
        }
        return null;
    }

    private String bindNamed(SqliteStatement st, int statement, int count, Map<String, SqlValue> values)
            throws SqliteException {
        for (int i = 1; i <= count; i++) {
            String name = st.parameterName(i);
            if (name == null || name.startsWith("?")) {
                return "statement " + statement + " uses positional parameter " + (name == null ? "?" : name)
                        + "; pass args as an array, or name it (:name)";
            }
            String key = name.substring(1);
            SqlValue v = values.get(key);
            if (v == null) {
                return "statement " + statement + " uses " + name + " but args has no key \"" + key + "\"";
            }
            usedNames.add(key);
            bindValue(st, i, v);
        }
        return null;
    }

    /** After the last statement: returns null, or why the args did not all find a parameter. */
    String finish() {
        return switch (args) {
            case CallArgs.None none -> null;
            case CallArgs.Positional p -> next == p.values().size() ? null
                    : plural(p.values().size() - next, "value") + " left over in args after the last statement";
            case CallArgs.Named n -> {
                Set<String> unused = new TreeSet<>(n.values().keySet());
                unused.removeAll(usedNames);
                yield unused.isEmpty() ? null : "no statement uses the key" + (unused.size() == 1 ? " " : "s ")
                        + String.join(", ", unused.stream().map(k -> "\"" + k + "\"").toList());
            }
        };
    }

    private static void bindValue(SqliteStatement st, int i, SqlValue v) throws SqliteException {
        switch (v) {
            case SqlValue.Int n -> st.bindLong(i, n.value());
            case SqlValue.Real r -> st.bindDouble(i, r.value());
            case SqlValue.Text t -> st.bindText(i, t.value());
            case SqlValue.Blob b -> st.bindBlob(i, b.value());
            case SqlValue.Null ignored -> st.bindNull(i);
        }
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
