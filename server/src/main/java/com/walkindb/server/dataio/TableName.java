package com.walkindb.server.dataio;

import java.util.Locale;
import java.util.regex.Pattern;

/** The table a CSV import names: a plain identifier, never one of SQLite's own ({@code sqlite_...}). */
public final class TableName {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private TableName() {}

    public static boolean isValid(String name) {
        return name != null && PLAIN.matcher(name).matches()
                && !name.toLowerCase(Locale.ROOT).startsWith("sqlite_");
    }

    /** {@code name} as a double-quoted SQL identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
