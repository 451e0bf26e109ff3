package com.walkindb.server.sql.filter;

/**
 * One token of SQL text: its kind and where it lies, as UTF-16 indices into the scanned
 * string ({@code start} inclusive, {@code end} exclusive).
 */
record Token(TokenKind kind, int start, int end) {

    /** The token's text, delimiters included. */
    String text(String sql) {
        return sql.substring(start, end);
    }
}
