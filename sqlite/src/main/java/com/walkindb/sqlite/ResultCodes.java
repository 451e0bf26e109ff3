package com.walkindb.sqlite;

/** The primary SQLite result codes the server distinguishes. */
public final class ResultCodes {
    public static final int ERROR = 1;
    public static final int ABORT = 4;
    public static final int BUSY = 5;
    public static final int LOCKED = 6;
    public static final int NOMEM = 7;
    public static final int READONLY = 8;
    public static final int INTERRUPT = 9;
    public static final int IOERR = 10;
    public static final int CORRUPT = 11;
    public static final int FULL = 13;
    public static final int CANTOPEN = 14;
    public static final int TOOBIG = 18;
    public static final int CONSTRAINT = 19;
    public static final int MISMATCH = 20;
    public static final int MISUSE = 21;
    public static final int AUTH = 23;
    public static final int RANGE = 25;

    private ResultCodes() {}
}
