package com.walkindb.server.dataio;

import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallExecutor;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.server.sql.filter.FilterVerdict;
import com.walkindb.server.sql.filter.KeywordFilter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Runs a spooled SQL script (POST /import, application/sql) as one call: every statement passes
 * the keyword pre-filter first, in a pass over the file that runs nothing, then the whole
 * script runs through {@link CallExecutor#executeScript} — the authorizer, limits, transaction
 * and answer of POST /sql — one statement at a time.
 */
final class SqlImport {
    private SqlImport() {}

    static CallOutcome run(Path file, WalkinConnection connection, AnswerMemory memory, int maxStatementChars) {
        try {
            CallOutcome refused = check(file, maxStatementChars);
            if (refused != null) {
                return refused;
            }
            try (Reader text = Utf8Input.open(file)) {
                return CallExecutor.executeScript(connection, statements(new ScriptSplitter(text, maxStatementChars)),
                        memory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first pass: text, statement lengths and the keyword pre-filter; null when the script may run. */
    private static CallOutcome check(Path file, int maxStatementChars) throws IOException {
        int statement = 0;
        try (Reader text = Utf8Input.open(file)) {
            ScriptSplitter split = new ScriptSplitter(text, maxStatementChars);
            String sql;
            while ((sql = split.next()) != null) {
                switch (KeywordFilter.check(sql)) {
                    case FilterVerdict.Allowed a -> statement++;
                    case FilterVerdict.NoStatement n -> { } // comments or a lone ';': SQLite skips it too
                    case FilterVerdict.Forbidden f -> {
                        return new CallOutcome.InvalidInput("forbidden_sql_keyword",
                                "forbidden sql keyword: " + f.keyword());
                    }
                }
            }
        } catch (CharacterCodingException e) {
            return new CallOutcome.InvalidSql("the script is not valid UTF-8", null, 0);
        } catch (ScriptSplitter.TooLong e) {
            return new CallOutcome.InvalidSql("statement too long", null, statement + 1);
        }
        return statement == 0 ? new CallOutcome.InvalidInput("missing_sql", "missing sql") : null;
    }

    /** The script's statements as the executor takes them (the file was read once already: no surprise). */
    private static Iterator<String> statements(ScriptSplitter split) {
        return new Iterator<>() {
            private String next = read();

            private String read() {
                try {
                    return split.next();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = read();
                return s;
            }
        };
    }
}
