package com.walkindb.server.call;

/**
 * Everything a call can come to, whatever carried it (HTTP today). Each case is one row of the
 * error table in docs/API.md, or the answer itself; transports map them in one exhaustive switch.
 */
public sealed interface Outcome {
    /** The statements ran and committed (200). */
    record Answered(Answer answer) implements Outcome {}

    /** A budget is spent (429); it refills in {@code retryAfterSeconds}. */
    record Refused(Budget budget, long retryAfterSeconds) implements Outcome {}

    /** Too many calls in flight, no SQL slot in time, or no memory for SQLite or the answer (503). */
    record ServerBusy() implements Outcome {}

    /** Another call held the walk-in for the whole wait (503). */
    record WalkinBusy() implements Outcome {}

    /** The data volume is (nearly) full: no new walk-in, no write that grows one (503). */
    record ServerStorageFull() implements Outcome {}

    /** The node is draining: it serves the walk-ins it holds and creates none (503). */
    record ServerDraining() implements Outcome {}

    /** The token names no live walk-in, or its files are gone (404). */
    record WalkinNotFound() implements Outcome {}

    /** The text holds no statement (400). */
    record MissingSql() implements Outcome {}

    /** A batch's shape is wrong: not 1 to 50 entries, an entry not an object, or without sql (400). */
    record InvalidBatch(String why) implements Outcome {}

    /**
     * {@code failure} happened in entry {@code entry} (1-based) of a batch: invalid args, a
     * forbidden keyword, or a failure that names a statement (400). Never another InEntry.
     */
    record InEntry(int entry, Outcome failure) implements Outcome {}

    /** {@code args} has the wrong shape, a value of a type SQL cannot take, or does not fit the statements (400). */
    record InvalidArgs(String why) implements Outcome {}

    /** The keyword pre-filter refused the text before anything was provisioned (400). */
    record ForbiddenKeyword(String keyword) implements Outcome {}

    /** SQLite refused or failed statement {@code statement} (1-based) (400). */
    record InvalidSql(String message, String hint, int statement) implements Outcome {}

    /** The authorizer refused what statement {@code statement} would do (400). */
    record ForbiddenSql(String what, int statement) implements Outcome {}

    /** One row of statement {@code statement} alone is over the answer cap (400). */
    record RowTooLarge(int statement) implements Outcome {}

    /** The query deadline passed; the call was rolled back (408). */
    record Timeout() implements Outcome {}

    /** The walk-in's size cap was hit; the call was rolled back (507). */
    record StorageQuotaExceeded() implements Outcome {}

    /**
     * A bug: the call failed in a way no rule names (500). The walk-in it reached, if any, is in
     * the result, so the caller still gets the session it may have just been given.
     */
    record InternalError(RuntimeException cause) implements Outcome {}
}
