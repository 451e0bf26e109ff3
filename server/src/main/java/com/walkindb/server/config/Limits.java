package com.walkindb.server.config;

import com.walkindb.sqlite.Limit;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every fixed limit of the server in one place. Most are the contract of docs/API.md (section
 * "Limits"), so none of them is an environment variable: {@link #DEFAULTS} is what production
 * runs with, and tests shrink single values through {@link Config#withLimits} (a 2 s deadline or
 * gate wait is too long to wait for in a unit test). Readers get the record, or the one value
 * they need, through their constructors.
 *
 * @param queryDeadline       how long one call may run in SQLite before it is interrupted (408 timeout)
 * @param gateWait            how long a call waits, in all, for its walk-in's gate and then a SQL slot,
 *                            before it is answered busy: a queue longer than that serves nobody
 * @param maxBodyBytes        bytes of a POST /sql body; a larger one is refused unread (413)
 * @param maxHeaderBytes      bytes of a request head; Jetty refuses more (431)
 * @param maxArgs             values in {@code args}, matching the SQLite VARIABLE_NUMBER limit
 * @param maxRows             rows in one answer; more set {@code truncated}
 * @param maxResultBytes      bytes of encoded rows in one answer, and of any one row
 * @param maxPageCount        pages (4 KiB) of one walk-in's database: its 10 MB storage cap
 * @param busyTimeoutMs       milliseconds SQLite waits on a locked file before SQLITE_BUSY
 * @param sqliteLimits        the sqlite3_limit caps every walk-in connection runs under
 * @param maxJsonDepth        nesting levels of a request body, so parsing never recurses deeply
 * @param maxNumberChars      characters of one JSON number literal, so no number costs much to parse
 * @param minBodyBytesPerSecond the rate a request body must keep up after its grace (408 below it)
 * @param bodyGrace           how long a request body may arrive at any rate before the minimum applies
 * @param maxHintChars        characters of an error's hint, so a hint never outgrows its message
 * @param hintMaxTables       table names an error hint reads, whatever the schema holds
 * @param hintMaxScope        tables whose columns an error hint reads
 * @param hintMaxCompared     leading characters of two names an edit distance compares
 * @param accessLogDays       days of access-log files kept; this and the rest are the server's own
 *                            bounds, not in the contract but fixed all the same
 * @param maxTrackedIps       client keys each per-client budget remembers, so memory is bounded
 * @param maxTrackedInstances walk-ins the per-walk-in budget remembers
 * @param sweepBatch          expired walk-ins one sweep deletes, so a sweep never runs long
 * @param connectionIdleTimeout idle time before Jetty closes a TCP connection
 * @param headDeadline        time a request head must be complete in, after the connection opened or
 *                            its last answer: each byte resets the idle timeout, so a trickle needs this
 * @param answerFreeBytes     rows up to this many bytes need no share of the answer memory
 * @param answerStepBytes     shares of the answer memory are taken in steps of this size, so a growing
 *                            answer asks a few times, not per row
 * @param heapRoomWait        how long a statement that met a full SQLite heap while compiling waits
 *                            for room before the call is answered busy
 * @param opsBetweenDeadlineChecks virtual-machine steps between two looks at the deadline: often
 *                            enough to stop within milliseconds, rare enough to cost nothing
 */
public record Limits(
        Duration queryDeadline,
        Duration gateWait,
        int maxBodyBytes,
        int maxHeaderBytes,
        int maxArgs,
        int maxRows,
        int maxResultBytes,
        int maxPageCount,
        int busyTimeoutMs,
        Map<Limit, Integer> sqliteLimits,
        int maxJsonDepth,
        int maxNumberChars,
        long minBodyBytesPerSecond,
        Duration bodyGrace,
        int maxHintChars,
        int hintMaxTables,
        int hintMaxScope,
        int hintMaxCompared,
        int accessLogDays,
        int maxTrackedIps,
        int maxTrackedInstances,
        int sweepBatch,
        Duration connectionIdleTimeout,
        Duration headDeadline,
        int answerFreeBytes,
        int answerStepBytes,
        Duration heapRoomWait,
        int opsBetweenDeadlineChecks) {

    /**
     * Entries in one batch call (docs/API.md, "Batch"). A constant rather than a component: no
     * test needs another value, the 8 KB body bounds a batch anyway, and the record's
     * constructor stays as it is.
     */
    public static final int MAX_BATCH_ENTRIES = 50;

    /** The limits production runs with: those of docs/API.md. */
    public static final Limits DEFAULTS = new Limits(
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            8192,
            8192,
            100,
            10_000,
            1 << 20,
            2560,
            1000,
            Map.ofEntries(
                    Map.entry(Limit.SQL_LENGTH, 8192), Map.entry(Limit.LENGTH, 1_000_000),
                    Map.entry(Limit.COLUMN, 100), Map.entry(Limit.EXPR_DEPTH, 50),
                    Map.entry(Limit.COMPOUND_SELECT, 10), Map.entry(Limit.VDBE_OP, 500_000),
                    Map.entry(Limit.FUNCTION_ARG, 16), Map.entry(Limit.ATTACHED, 0),
                    Map.entry(Limit.LIKE_PATTERN_LENGTH, 100), Map.entry(Limit.VARIABLE_NUMBER, 100),
                    Map.entry(Limit.TRIGGER_DEPTH, 5), Map.entry(Limit.WORKER_THREADS, 0)),
            32,
            100,
            512,
            Duration.ofSeconds(3),
            480,
            200,
            8,
            64,
            7,
            10_000,
            100_000,
            10_000,
            Duration.ofSeconds(15),
            Duration.ofSeconds(20),
            64 * 1024,
            256 * 1024,
            Duration.ofMillis(100),
            1000);

    public Limits {
        Objects.requireNonNull(queryDeadline);
        Objects.requireNonNull(gateWait);
        Objects.requireNonNull(bodyGrace);
        Objects.requireNonNull(connectionIdleTimeout);
        Objects.requireNonNull(headDeadline);
        Objects.requireNonNull(heapRoomWait);
        sqliteLimits = Map.copyOf(sqliteLimits);
    }

    /** The same limits with another query deadline (tests). */
    public Limits withQueryDeadline(Duration d) {
        return new Limits(d, gateWait, maxBodyBytes, maxHeaderBytes, maxArgs, maxRows, maxResultBytes,
                maxPageCount, busyTimeoutMs, sqliteLimits, maxJsonDepth, maxNumberChars, minBodyBytesPerSecond,
                bodyGrace, maxHintChars, hintMaxTables, hintMaxScope, hintMaxCompared, accessLogDays, maxTrackedIps,
                maxTrackedInstances, sweepBatch, connectionIdleTimeout, headDeadline, answerFreeBytes,
                answerStepBytes, heapRoomWait, opsBetweenDeadlineChecks);
    }

    /** The same limits with another gate wait (tests). */
    public Limits withGateWait(Duration d) {
        return new Limits(queryDeadline, d, maxBodyBytes, maxHeaderBytes, maxArgs, maxRows, maxResultBytes,
                maxPageCount, busyTimeoutMs, sqliteLimits, maxJsonDepth, maxNumberChars, minBodyBytesPerSecond,
                bodyGrace, maxHintChars, hintMaxTables, hintMaxScope, hintMaxCompared, accessLogDays, maxTrackedIps,
                maxTrackedInstances, sweepBatch, connectionIdleTimeout, headDeadline, answerFreeBytes,
                answerStepBytes, heapRoomWait, opsBetweenDeadlineChecks);
    }

    /**
     * Below this much free space a failed write is blamed on the disk, not on the caller's 10 MB
     * cap: SQLite says "database or disk is full" for both, and right after a write ran out of
     * space other calls may already have freed up to one walk-in's worth (their WAL) again.
     */
    public long nearlyFullBytes() {
        return maxPageCount * 4096L + (1 << 20);
    }

    /**
     * How long calls in flight get to finish once a stop begins: their deadline, and a grace for
     * the wait before it starts (the walk-in's gate, a SQL slot), rolling back and writing the
     * answer. A call still in native code after that is left behind.
     */
    public Duration stopWait() {
        return queryDeadline.plusSeconds(2);
    }

    /** The most a stop may take from the signal to the exit: the calls' wait and a second for the rest. */
    public Duration stopLimit() {
        return stopWait().plusSeconds(1);
    }
}
