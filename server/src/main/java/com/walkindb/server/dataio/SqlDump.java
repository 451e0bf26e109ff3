package com.walkindb.server.dataio;

import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a walk-in as an SQL script in the manner of the sqlite3 shell's {@code .dump}
 * (docs/API.md, "GET /db"): {@code BEGIN TRANSACTION;}, each table's {@code CREATE} and its rows
 * as {@code INSERT INTO}, then indexes, views and triggers in the order they were made, and
 * {@code COMMIT;}. Values are written so they read back the same: REALs in the shortest form
 * that parses to the same double (infinities as {@code 9e999}), BLOBs as {@code X'..'}, TEXT
 * in single quotes. The script is one that POST /import takes unchanged. Rows stream to the
 * file; at most one row is in memory.
 */
final class SqlDump {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** One object of the schema, in the order sqlite_schema lists them. */
    private record Entry(String type, String name, String sql) {}

    private SqlDump() {}

    static void write(WalkinConnection connection, Path out) throws SqliteException, IOException {
        SqliteConnection db = connection.sqlite();
        List<Entry> schema = schema(db);
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("BEGIN TRANSACTION;\n");
            for (Entry e : schema) {
                if (e.type().equals("table") && !shadowOfVirtual(e, schema)) {
                    w.write(e.sql());
                    w.write(";\n");
                    rows(db, e.name(), w);
                }
            }
            for (Entry e : schema) {
                if (!e.type().equals("table")) {
                    w.write(e.sql());
                    w.write(";\n");
                }
            }
            w.write("COMMIT;\n");
        }
    }

    /**
     * The caller's objects: tables (virtual ones too), indexes, views and triggers. SQLite's own
     * ({@code sqlite_sequence}, {@code sqlite_stat1}, automatic indexes without SQL) are left
     * out; AUTOINCREMENT counters start again from the rows' largest key.
     */
    private static List<Entry> schema(SqliteConnection db) throws SqliteException {
        List<Entry> entries = new ArrayList<>();
        try (StatementCursor cursor = db.compile("SELECT type, name, sql FROM sqlite_schema"
                + " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")) {
            SqliteStatement st = cursor.next();
            try {
                while (st.step()) {
                    entries.add(new Entry(st.columnText(0), st.columnText(1), st.columnText(2)));
                }
            } finally {
                st.close();
            }
        }
        return entries;
    }

    /**
     * An FTS5 table keeps its data in tables of its own ({@code x_data}, {@code x_idx}, ...);
     * they are made again by its {@code CREATE VIRTUAL TABLE}, and its rows are dumped through it.
     */
    private static boolean shadowOfVirtual(Entry table, List<Entry> schema) {
        for (Entry e : schema) {
            if (e.type().equals("table") && e.sql().regionMatches(true, 0, "CREATE VIRTUAL TABLE", 0, 20)
                    && table.name().startsWith(e.name() + "_") && !table.name().equals(e.name())) {
                return true;
            }
        }
        return false;
    }

    private static void rows(SqliteConnection db, String table, Writer w) throws SqliteException, IOException {
        String quoted = TableName.quote(table);
        String columns = String.join(",", storedColumns(db, table));
        try (StatementCursor cursor = db.compile("SELECT " + columns + " FROM " + quoted)) {
            SqliteStatement st = cursor.next();
            try {
                int n = st.columnCount();
                while (st.step()) {
                    w.write("INSERT INTO ");
                    w.write(quoted);
                    w.write('(');
                    w.write(columns);
                    w.write(") VALUES(");
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            w.write(',');
                        }
                        value(st, i, w);
                    }
                    w.write(");\n");
                }
            } finally {
                st.close();
            }
        }
    }

    /** The columns an INSERT can fill, quoted: not generated ones, nor a virtual table's hidden ones. */
    private static List<String> storedColumns(SqliteConnection db, String table) throws SqliteException {
        List<String> columns = new ArrayList<>();
        try (StatementCursor cursor = db.compile("SELECT name FROM pragma_table_xinfo('" + table.replace("'", "''")
                + "') WHERE hidden = 0 ORDER BY cid")) {
            SqliteStatement st = cursor.next();
            try {
                while (st.step()) {
                    columns.add(TableName.quote(st.columnText(0)));
                }
            } finally {
                st.close();
            }
        }
        return columns;
    }

    private static void value(SqliteStatement st, int i, Writer w) throws IOException {
        switch (st.columnType(i)) {
            case 1 -> w.write(Long.toString(st.columnLong(i)));
            case 2 -> w.write(real(st.columnDouble(i)));
            case 3 -> text(st.columnTextBytes(i), w);
            case 4 -> {
                w.write("X'");
                w.write(HEX.formatHex(st.columnBlob(i)));
                w.write('\'');
            }
            default -> w.write("NULL");
        }
    }

    /** The shortest text that parses back to the same double; SQLite reads 9e999 as infinity. */
    static String real(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "9e999" : "-9e999";
        }
        if (Double.isNaN(d)) {
            return "NULL"; // SQLite stores no NaN; never met, here for completeness
        }
        return Double.toString(d); // shortest round-trip form since JDK 19: "0.1", "1.0E308", "-0.0"
    }

    /**
     * TEXT in single quotes; TEXT whose bytes are not UTF-8, or hold a NUL, as
     * {@code CAST(X'..' AS TEXT)}, so that its exact bytes come back.
     */
    private static void text(byte[] bytes, Writer w) throws IOException {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            s = null;
        }
        if (s == null || s.indexOf('\0') >= 0) {
            w.write("CAST(X'");
            w.write(HEX.formatHex(bytes));
            w.write("' AS TEXT)");
            return;
        }
        w.write('\'');
        int from = 0;
        for (int q = s.indexOf('\''); q >= 0; q = s.indexOf('\'', from)) {
            w.write(s, from, q + 1 - from);
            w.write('\'');
            from = q + 1;
        }
        w.write(s, from, s.length() - from);
        w.write('\'');
    }
}
