package com.walkindb.server.sql;

import java.util.function.LongConsumer;

/**
 * What one call's execution came to. A SQL failure is a value, not an exception: the HTTP layer
 * turns each case into a status in one exhaustive switch.
 */
public sealed interface CallOutcome {
    /**
     * Committed. {@code body} is the complete JSON response; it holds {@code answerMemory} bytes
     * of an {@link AnswerMemory}, given back through {@code release} once it has been written (or
     * has failed to be): the process that built the answer keeps the account.
     */
    record Success(byte[] body, long answerMemory, LongConsumer release) implements CallOutcome {}

    /** SQLite refused or failed a statement: 400 "invalid sql: ...". */
    record InvalidSql(String message, String hint, int statement) implements CallOutcome {}

    /** The authorizer refused: 400 "forbidden sql: ...". */
    record Forbidden(String what, int statement) implements CallOutcome {}

    /** Parameters did not match the statements: 400 "invalid args: ...". */
    record InvalidArgs(String why) implements CallOutcome {}

    /** One row alone encodes to more than 1 MiB: 400. */
    record RowTooLarge(int statement) implements CallOutcome {}

    /** The 2 s deadline passed: 408. */
    record Timeout() implements CallOutcome {}

    /** The 10 MB cap was hit: 507. */
    record StorageFull() implements CallOutcome {}

    /** The data volume is (nearly) full, or the disk guard is tripped: 503, rolled back. */
    record ServerStorageFull() implements CallOutcome {}

    /** SQLite's process-wide heap limit, or the answer budget ({@link AnswerMemory}), was hit: 503. */
    record OutOfMemory() implements CallOutcome {}

    /** The instance's files are gone (deleted under us): 404. */
    record InstanceGone() implements CallOutcome {}

    /**
     * The SQL worker process running the call was killed (another call on it overran its
     * deadline) or died: 503, nothing of the call committed.
     */
    record WorkerLost() implements CallOutcome {}

    /**
     * A failure in entry {@code entry} (1-based) of a batch: {@code failure} is one that names a
     * statement or the args ({@link InvalidSql}, {@link Forbidden}, {@link InvalidArgs},
     * {@link RowTooLarge}), never another InEntry.
     */
    record InEntry(int entry, CallOutcome failure) implements CallOutcome {}
}
