package com.walkindb.server.sql.filter;

/**
 * Outcome of scanning a request's SQL before SQLite sees it: the SQL holds at least one
 * statement and nothing forbidden ({@link Allowed}), holds no statement at all
 * ({@link NoStatement}, answered {@code 400 missing sql}), or names something the pre-filter
 * refuses ({@link Forbidden}, answered {@code 400 forbidden sql keyword: <keyword>}).
 */
public sealed interface FilterVerdict {

    /** At least one statement, nothing forbidden: the SQL may go on to SQLite. */
    record Allowed() implements FilterVerdict {}

    /** Only whitespace, comments and semicolons: the request is missing its SQL. */
    record NoStatement() implements FilterVerdict {}

    /**
     * A forbidden keyword, function or name was found.
     *
     * @param keyword spelled as in the list in docs/SECURITY.md ({@code ATTACH}, {@code DETACH},
     *     {@code load_extension}, ...), or the matched name lower-cased for {@code fts5_*}
     */
    record Forbidden(String keyword) implements FilterVerdict {}
}
