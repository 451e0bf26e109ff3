package com.walkindb.server.sql.filter;

/**
 * The kinds of token {@link SqlTokenizer} tells apart: exactly the distinctions the keyword
 * pre-filter needs, each one drawn where SQLite's own tokenizer draws it.
 */
enum TokenKind {
    /** Spaces, tabs, line breaks, form feeds, and a byte-order mark where a token starts. */
    WHITESPACE,
    /** {@code --} to the end of the line, or a block comment (an unterminated one runs to the end). */
    COMMENT,
    /** An unquoted identifier or keyword: a run of letters, digits, {@code _}, {@code $} and non-ASCII. */
    WORD,
    /** An identifier in {@code "..."}, {@code [...]} or {@code `...`}. */
    QUOTED_ID,
    /** A string literal in single quotes. */
    STRING,
    /** A blob literal {@code x'..'} with an even number of hex digits. */
    BLOB,
    /** An integer, real or hex literal (digit separators included). */
    NUMBER,
    /** A bound parameter: {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}, {@code #name}. */
    VARIABLE,
    /** {@code (} — what turns a preceding name into a function call. */
    LEFT_PAREN,
    /** {@code ;} — separates statements. */
    SEMICOLON,
    /** {@code .} — separates a schema name from a table name. */
    DOT,
    /** Any other operator or punctuation SQLite accepts. */
    OPERATOR,
    /** Text SQLite rejects as "unrecognized token": unterminated literals, stray characters. */
    ILLEGAL,
    /** A U+0000 character: SQLite reads C strings, so its input ends here. */
    NUL
}
