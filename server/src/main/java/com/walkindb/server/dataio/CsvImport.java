package com.walkindb.server.dataio;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.walkindb.server.json.JsonFactories;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.sqlite.Limit;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import com.walkindb.sqlite.SqliteStatement;
import com.walkindb.sqlite.StatementCursor;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads a spooled CSV file (RFC 4180, UTF-8) into a table in one transaction (docs/API.md,
 * "POST /import"). Two passes over the file on disk: the first checks every row and infers each
 * column's type over all of them, the second inserts; so a refusal never leaves a row behind,
 * and no more than one row is in memory at a time.
 */
final class CsvImport {
    /** Longest column name a header may give (a name is an identifier, not data). */
    static final int MAX_NAME_CHARS = 255;
    /** A row's text as FastCSV buffers it: any row whose fields each fit the field cap. */
    private static final int MAX_RECORD_CHARS = 4 * 1024 * 1024;
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    /** How many rows pass between two looks at the deadline in the first pass. */
    private static final int ROWS_PER_DEADLINE_CHECK = 256;

    /** The file is not a CSV the import takes: {@code 400 invalid csv: <why>}. */
    private static final class Invalid extends Exception {
        Invalid(String why) {
            super(why, null, false, false);
        }
    }

    private enum Type { INTEGER, REAL, TEXT }

    private final Path file;
    private final WalkinConnection connection;
    private final SqliteConnection db;
    private final String table;
    private final boolean header;
    private final int maxColumns;
    private final int maxFieldBytes;
    /** The line the last record read started on, for messages about what follows it. */
    private long lastLine;

    private CsvImport(Path file, WalkinConnection connection, String table, boolean header) {
        this.file = file;
        this.connection = connection;
        this.db = connection.sqlite();
        this.table = table;
        this.header = header;
        this.maxColumns = connection.limits().sqliteLimits().get(Limit.COLUMN);
        this.maxFieldBytes = connection.limits().sqliteLimits().get(Limit.LENGTH);
    }

    static CallOutcome run(Path file, WalkinConnection connection, String table, boolean header) {
        if (!TableName.isValid(table)) {
            return new CallOutcome.InvalidInput("invalid_table_name", "invalid table name");
        }
        return new CsvImport(file, connection, table, header).run();
    }

    /** What the first pass learnt: the columns named by the file, their types, the rows. */
    private record Survey(List<String> names, Type[] types, long rows) {}

    private CallOutcome run() {
        connection.startDeadline();
        boolean began = false;
        try {
            Survey survey = survey();
            if (survey == null) {
                return new CallOutcome.Timeout();
            }
            db.exec("BEGIN");
            began = true;
            List<String> columns = target(survey);
            long rows = insert(columns, survey.names().size());
            db.exec("COMMIT");
            return new CallOutcome.Success(answer(columns, rows), 0, bytes -> { });
        } catch (Invalid e) {
            return new CallOutcome.InvalidInput("invalid_csv", "invalid csv: " + e.getMessage());
        } catch (SqliteException e) {
            return SqlFailure.of(connection, e);
        } catch (CharacterCodingException e) {
            return new CallOutcome.InvalidInput("invalid_csv", "invalid csv: not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            String why = why(e, lastLine); // the parser's own failures arrive unchecked
            if (why == null) {
                throw e;
            }
            return new CallOutcome.InvalidInput("invalid_csv", "invalid csv: " + why);
        } finally {
            finish(began);
        }
    }

    // ----- pass 1: every row checked, each column's type inferred over all rows -----

    private Survey survey() throws Invalid, IOException {
        List<String> names = null;
        Type[] types = null;
        boolean[] seen = null;
        long rows = 0;
        try (Rows r = new Rows()) {
            for (CsvRecord rec : r) {
                List<String> fields = checked(rec, names == null ? -1 : names.size());
                if (names == null) {
                    names = header ? headerNames(fields) : numbered(fields.size());
                    types = new Type[names.size()];
                    seen = new boolean[names.size()];
                    java.util.Arrays.fill(types, Type.INTEGER);
                    if (header) {
                        continue;
                    }
                }
                for (int i = 0; i < fields.size(); i++) {
                    String f = fields.get(i);
                    if (!f.isEmpty()) {
                        seen[i] = true;
                        types[i] = widen(types[i], f);
                    }
                }
                if (++rows % ROWS_PER_DEADLINE_CHECK == 0 && db.deadlinePassed()) {
                    return null;
                }
            }
            r.finish();
        }
        if (names == null) {
            throw new Invalid(header ? "no header row" : "no rows");
        }
        for (int i = 0; i < types.length; i++) {
            if (!seen[i]) {
                types[i] = Type.TEXT; // nothing to go by
            }
        }
        return new Survey(names, types, rows);
    }

    /** The record's fields after the checks every row gets. {@code expected} -1: the first row. */
    private List<String> checked(CsvRecord rec, int expected) throws Invalid {
        int n = rec.getFieldCount();
        if (n > maxColumns) {
            throw new Invalid("more than " + maxColumns + " columns");
        }
        if (expected >= 0 && n != expected) {
            throw new Invalid("line " + rec.getStartingLineNumber() + " has " + n + " fields, the first row "
                    + expected);
        }
        List<String> fields = rec.getFields();
        for (String f : fields) {
            if (f.length() > maxFieldBytes / 3 && f.getBytes(StandardCharsets.UTF_8).length > maxFieldBytes) {
                throw new Invalid("field over 1 MB in line " + rec.getStartingLineNumber());
            }
        }
        return fields;
    }

    private static Type widen(Type t, String field) {
        if (t == Type.INTEGER && INTEGER.matcher(field).matches() && fitsLong(field)) {
            return Type.INTEGER;
        }
        if (t != Type.TEXT && NUMBER.matcher(field).matches() && Double.isFinite(Double.parseDouble(field))) {
            return Type.REAL;
        }
        return Type.TEXT;
    }

    private static boolean fitsLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private List<String> headerNames(List<String> fields) throws Invalid {
        Set<String> seen = new HashSet<>();
        for (String name : fields) {
            if (name.isEmpty()) {
                throw new Invalid("empty column name in the header");
            }
            if (name.length() > MAX_NAME_CHARS) {
                throw new Invalid("column name over " + MAX_NAME_CHARS + " characters in the header");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new Invalid("duplicate column \"" + name + "\" in the header");
            }
        }
        return fields;
    }

    private static List<String> numbered(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            names.add("c" + i);
        }
        return names;
    }

    // ----- pass 2: the table, then the rows -----

    /** Creates the table, or checks the file's columns against it; returns the columns to fill. */
    private List<String> target(Survey survey) throws SqliteException, Invalid {
        List<String> existing = existingColumns();
        if (existing.isEmpty()) {
            StringBuilder sql = new StringBuilder("CREATE TABLE ").append(TableName.quote(table)).append(" (");
            for (int i = 0; i < survey.names().size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(TableName.quote(survey.names().get(i))).append(' ')
                        .append(survey.types()[i].name());
            }
            db.exec(sql.append(')').toString());
            return survey.names();
        }
        if (!header) {
            // No names in the file: its fields fill the table's columns in order.
            if (survey.names().size() > existing.size()) {
                throw new Invalid("rows have " + survey.names().size() + " fields, table \"" + table + "\" has "
                        + existing.size() + " columns");
            }
            return existing.subList(0, survey.names().size());
        }
        Set<String> known = new HashSet<>();
        for (String c : existing) {
            known.add(c.toLowerCase(Locale.ROOT));
        }
        for (String name : survey.names()) {
            if (!known.contains(name.toLowerCase(Locale.ROOT))) {
                throw new Invalid("unknown column \"" + name + "\"");
            }
        }
        return survey.names();
    }

    private List<String> existingColumns() throws SqliteException {
        List<String> columns = new ArrayList<>();
        try (StatementCursor cursor = db.compile("SELECT name FROM pragma_table_info(" + literal(table) + ")")) {
            SqliteStatement st = cursor.next();
            try {
                while (st.step()) {
                    columns.add(st.columnText(0));
                }
            } finally {
                st.close();
            }
        }
        return columns;
    }

    private long insert(List<String> columns, int fieldCount) throws SqliteException, IOException, Invalid {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(TableName.quote(table)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(TableName.quote(columns.get(i)));
        }
        sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?)");
        long rows = 0;
        try (StatementCursor cursor = db.compile(sql.toString()); Rows r = new Rows()) {
            SqliteStatement st = cursor.next();
            try {
                boolean first = header;
                for (CsvRecord rec : r) {
                    if (first) {
                        first = false;
                        continue;
                    }
                    List<String> fields = rec.getFields();
                    for (int i = 0; i < fieldCount; i++) {
                        String f = fields.get(i);
                        // Text, converted by the column's affinity: "007" stays "007" in a TEXT column.
                        if (f.isEmpty()) {
                            st.bindNull(i + 1);
                        } else {
                            st.bindText(i + 1, f);
                        }
                    }
                    while (st.step()) {
                        // an INSERT returns no rows
                    }
                    st.reset();
                    rows++;
                }
            } finally {
                st.close();
            }
        }
        return rows;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private byte[] answer(List<String> columns, long rows) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator g = JsonFactories.plain().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("table", table);
            g.writeArrayFieldStart("columns");
            for (String c : columns) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeNumberField("rows_affected", rows);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private void finish(boolean began) {
        try {
            if (!db.autocommit()) {
                db.exec("ROLLBACK");
            }
        } catch (SqliteException | RuntimeException ignored) {
            // the connection is closed after the job in any case
        }
        db.clearDeadline();
        if (began) {
            try {
                db.checkpointTruncate();
            } catch (SqliteException | RuntimeException ignored) {
                // the next writing call checkpoints again
            }
        }
    }

    /** The file's records, one at a time; parse failures become {@link Invalid}. */
    private final class Rows implements Iterable<CsvRecord>, AutoCloseable {
        private final QuoteTracker text;
        private final CsvReader<CsvRecord> reader;

        Rows() throws IOException {
            this.text = new QuoteTracker(Utf8Input.open(file));
            this.reader = CsvReader.builder()
                    .maxBufferSize(MAX_RECORD_CHARS)
                    .allowExtraFields(true)   // counted here, with a message that says which line
                    .allowMissingFields(true)
                    .allowExtraCharsAfterClosingQuote(false)
                    .skipEmptyLines(true)
                    .ofCsvRecord(text);
        }

        @Override
        public java.util.Iterator<CsvRecord> iterator() {
            var it = reader.iterator();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public CsvRecord next() {
                    CsvRecord r = it.next();
                    lastLine = r.getStartingLineNumber();
                    return r;
                }
            };
        }

        /** After the last record: a quote left open is refused. */
        void finish() throws Invalid {
            if (text.unclosed()) {
                throw new Invalid("unclosed quote");
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** Parse failures thrown out of the record iterator, as the refusal they mean. */
    private static String why(RuntimeException e, long afterLine) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return "not valid UTF-8";
            }
        }
        if (e instanceof CsvParseException) {
            String detail = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            if (detail.toLowerCase(Locale.ROOT).contains("buffer")) {
                return "field over 1 MB after line " + afterLine;
            }
            return "malformed field after line " + afterLine + " (characters after a closing quote?)";
        }
        return null;
    }
}
