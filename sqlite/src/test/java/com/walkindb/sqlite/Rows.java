package com.walkindb.sqlite;

/** Test helper: the first column of the first row, as text. */
final class Rows {
    private Rows() {}

    static String single(SqliteConnection db, String sql) throws SqliteException {
        try (StatementCursor cursor = db.compile(sql)) {
            SqliteStatement st = cursor.next();
            if (!st.step()) {
                return null;
            }
            return st.columnType(0) == SqliteStatement.NULL ? null : st.columnText(0);
        }
    }
}
