package com.walkindb.server.testing;

/** SQL snippets the HTTP tests share: values of a given size, counters, a call that never ends. */
public final class SqlText {
    /** A call that never ends on its own: it hits the 2 s deadline. */
    public static final String ENDLESS =
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c";

    private SqlText() {}

    /** SQL for a TEXT value of exactly {@code n} characters ('0's), without printf's precision cap. */
    public static String text(int n) {
        return "substr(hex(zeroblob(" + ((n + 1) / 2) + ")), 1, " + n + ")";
    }

    /** SQL producing 1..n as column i: a recursive CTE named c. */
    public static String counter(int n) {
        return "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + n + ") ";
    }
}
