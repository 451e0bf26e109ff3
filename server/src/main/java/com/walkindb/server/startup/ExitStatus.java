package com.walkindb.server.startup;

/**
 * The server's exit statuses, one per class of start-up failure (docs/CONFIGURATION.md, "Exit
 * statuses"), so that a supervisor or a script can tell what to fix without reading the line.
 * Each failure also prints one line on stderr naming the variable or path and the reason.
 */
public enum ExitStatus {
    /** Stopped as asked (SIGTERM, Ctrl-C), or --help / --version answered. */
    OK(0, "stopped"),
    /** Something unforeseen: a bug; the stack trace follows. */
    UNEXPECTED(1, "unexpected"),
    /** A bad argument or WALKINDB_ variable: unknown, unusable value, a host that does not resolve. */
    CONFIG(2, "configuration"),
    /** WALKINDB_SANDBOX=require and a layer of the jail cannot be applied. */
    SANDBOX(3, "sandbox"),
    /** WALKINDB_ADDR or WALKINDB_ADMIN_ADDR cannot be listened on (in use, not this machine's). */
    CANNOT_LISTEN(4, "cannot listen"),
    /** The data directory (or a file in it, or the SQLite library's copy) cannot be created, written or read. */
    DATA_DIR(5, "data directory");

    private final int code;
    private final String label;

    ExitStatus(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** "0 stopped, 1 unexpected, ...": the table in a line, for --help. */
    public static String summary() {
        return java.util.Arrays.stream(values()).map(s -> s.code + " " + s.label)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public int code() {
        return code;
    }
}
