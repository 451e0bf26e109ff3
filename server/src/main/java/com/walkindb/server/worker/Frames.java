package com.walkindb.server.worker;

import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.SqlValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * The protocol between the supervisor and a SQL worker process (docs/ARCHITECTURE.md, "Worker
 * processes"): length-prefixed frames over the worker's standard input (supervisor to worker)
 * and standard output (worker to supervisor), each starting with its type.
 *
 * <pre>
 * to the worker:   CALL    call-id, walk-in id, disk flags, sql, args
 *                  RELEASE bytes of answer memory the supervisor has finished writing
 *                  EVICT   request id, walk-in id (its files are about to be deleted)
 *                  BATCH   call-id, walk-in id, disk flags, entry count, then sql and args of each
 *                  JOB     call-id, walk-in id, disk flags, a data job (import or export)
 * from the worker: READY   pid, what its sandbox applied
 *                  RESULT  call-id, outcome
 *                  FAILED  call-id, why (the worker hit a bug running the call)
 *                  EVICTED request id (the walk-in's files are closed)
 *                  STATS   connection-cache hits, misses, size; answer memory held (once a second)
 * </pre>
 * Integers are big-endian; text is UTF-8 with a 4-byte length (-1 for null).
 */
final class Frames {
    static final int CALL = 1;
    static final int RELEASE = 2;
    static final int EVICT = 3;
    static final int BATCH = 4;
    static final int JOB = 5;
    static final int READY = 10;
    static final int RESULT = 11;
    static final int FAILED = 12;
    static final int EVICTED = 13;
    static final int STATS = 14;

    static final int DISK_TRIPPED = 1;
    static final int DISK_NEARLY_FULL = 2;

    /** What the supervisor sends: far above any call the limits allow (an 8 KiB body). */
    static final int MAX_FRAME_BYTES = 1024 * 1024;

    /**
     * What a worker may send back: an answer is at most 1 MiB of rows plus its JSON. A worker that
     * sends more is broken or taken over, and is killed; the supervisor's heap is not its to fill.
     */
    static final int MAX_RESULT_FRAME_BYTES = 4 * 1024 * 1024;

    private static final int ARGS_NONE = 0;
    private static final int ARGS_POSITIONAL = 1;
    private static final int ARGS_NAMED = 2;

    private Frames() {}

    /** A call as the worker reads it; a batch has {@code batch} (and no sql or args) instead. */
    record Call(long callId, UUID walkin, int diskFlags, String sql, CallArgs args, List<BatchEntry> batch) {
        Call(long callId, UUID walkin, int diskFlags, String sql, CallArgs args) {
            this(callId, walkin, diskFlags, sql, args, null);
        }

        /** The SQL the call starts with (the test hooks look at it). */
        String firstSql() {
            return batch == null ? sql : batch.getFirst().sql();
        }
    }

    /** More entries than any batch the limits allow (50), for a frame that lies about its count. */
    private static final int MAX_BATCH_ENTRIES = 1000;

    static void call(FrameOut out, long callId, UUID walkin, int diskFlags, String sql, CallArgs args) {
        out.reset().u8(CALL).i64(callId).i64(walkin.getMostSignificantBits()).i64(walkin.getLeastSignificantBits())
                .u8(diskFlags).text(sql);
        args(out, args);
    }

    static Call readCall(FrameIn in) throws IOException {
        long callId = in.i64();
        UUID walkin = new UUID(in.i64(), in.i64());
        int disk = in.u8();
        String sql = in.text();
        return new Call(callId, walkin, disk, sql, readArgs(in));
    }

    static void batch(FrameOut out, long callId, UUID walkin, int diskFlags, List<BatchEntry> entries) {
        out.reset().u8(BATCH).i64(callId).i64(walkin.getMostSignificantBits())
                .i64(walkin.getLeastSignificantBits()).u8(diskFlags).i32(entries.size());
        for (BatchEntry e : entries) {
            out.text(e.sql());
            args(out, e.args());
        }
    }

    /** A data job as the worker reads it (the files it works on have fixed names: {@code DataFiles}). */
    record Job(long callId, UUID walkin, int diskFlags, DataJob job) {}

    private static final int JOB_EXPORT_FILE = 0;
    private static final int JOB_EXPORT_SQL = 1;
    private static final int JOB_IMPORT_CSV = 2;
    private static final int JOB_IMPORT_SQL = 3;

    static void job(FrameOut out, long callId, UUID walkin, int diskFlags, DataJob job) {
        out.reset().u8(JOB).i64(callId).i64(walkin.getMostSignificantBits()).i64(walkin.getLeastSignificantBits())
                .u8(diskFlags);
        switch (job) {
            case DataJob.Export e -> out.u8(e.sql() ? JOB_EXPORT_SQL : JOB_EXPORT_FILE);
            case DataJob.ImportCsv c -> out.u8(JOB_IMPORT_CSV).text(c.table()).u8(c.header() ? 1 : 0);
            case DataJob.ImportSql s -> out.u8(JOB_IMPORT_SQL);
        }
    }

    /** Reads a JOB frame after its type. */
    static Job readJob(FrameIn in) throws IOException {
        long callId = in.i64();
        UUID walkin = new UUID(in.i64(), in.i64());
        int disk = in.u8();
        int kind = in.u8();
        DataJob job = switch (kind) {
            case JOB_EXPORT_FILE -> new DataJob.Export(false);
            case JOB_EXPORT_SQL -> new DataJob.Export(true);
            case JOB_IMPORT_CSV -> new DataJob.ImportCsv(in.text(), in.u8() == 1);
            case JOB_IMPORT_SQL -> new DataJob.ImportSql();
            default -> throw new IOException("bad job kind " + kind);
        };
        return new Job(callId, walkin, disk, job);
    }

    /** Reads a BATCH frame after its type. */
    static Call readBatch(FrameIn in) throws IOException {
        long callId = in.i64();
        UUID walkin = new UUID(in.i64(), in.i64());
        int disk = in.u8();
        int n = in.i32();
        if (n < 1 || n > MAX_BATCH_ENTRIES) {
            throw new IOException("bad batch size " + n);
        }
        List<BatchEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String sql = in.text();
            if (sql == null) {
                throw new IOException("batch entry without sql");
            }
            entries.add(new BatchEntry(sql, readArgs(in)));
        }
        return new Call(callId, walkin, disk, null, null, List.copyOf(entries));
    }

    static void release(FrameOut out, long bytes) {
        out.reset().u8(RELEASE).i64(bytes);
    }

    static void evict(FrameOut out, long requestId, UUID walkin) {
        out.reset().u8(EVICT).i64(requestId).i64(walkin.getMostSignificantBits())
                .i64(walkin.getLeastSignificantBits());
    }

    static void evicted(FrameOut out, long requestId) {
        out.reset().u8(EVICTED).i64(requestId);
    }

    static UUID readWalkin(FrameIn in) throws IOException {
        return new UUID(in.i64(), in.i64());
    }

    /** A worker's figures for the supervisor's metrics (counters since the worker started). */
    record Stats(long cacheHits, long cacheMisses, int cacheSize, long answerMemoryHeld) {
        static final Stats NONE = new Stats(0, 0, 0, 0);
    }

    static void stats(FrameOut out, Stats stats) {
        out.reset().u8(STATS).i64(stats.cacheHits()).i64(stats.cacheMisses()).i32(stats.cacheSize())
                .i64(stats.answerMemoryHeld());
    }

    static Stats readStats(FrameIn in) throws IOException {
        return new Stats(in.i64(), in.i64(), in.i32(), in.i64());
    }

    static void ready(FrameOut out, long pid, String sandbox) {
        out.reset().u8(READY).i64(pid).text(sandbox);
    }

    static void failed(FrameOut out, long callId, String why) {
        out.reset().u8(FAILED).i64(callId).text(why);
    }

    private static void args(FrameOut out, CallArgs args) {
        switch (args) {
            case CallArgs.None n -> out.u8(ARGS_NONE);
            case CallArgs.Positional p -> {
                out.u8(ARGS_POSITIONAL).i32(p.values().size());
                for (SqlValue v : p.values()) {
                    value(out, v);
                }
            }
            case CallArgs.Named n -> {
                out.u8(ARGS_NAMED).i32(n.values().size());
                for (Map.Entry<String, SqlValue> e : n.values().entrySet()) {
                    out.text(e.getKey());
                    value(out, e.getValue());
                }
            }
        }
    }

    private static CallArgs readArgs(FrameIn in) throws IOException {
        int kind = in.u8();
        if (kind == ARGS_NONE) {
            return CallArgs.None.INSTANCE;
        }
        int n = in.i32();
        if (n < 0 || n > 100_000) {
            throw new IOException("bad argument count " + n);
        }
        if (kind == ARGS_POSITIONAL) {
            List<SqlValue> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(readValue(in));
            }
            return new CallArgs.Positional(values);
        }
        if (kind == ARGS_NAMED) {
            Map<String, SqlValue> values = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                values.put(in.text(), readValue(in));
            }
            return new CallArgs.Named(values);
        }
        throw new IOException("bad argument kind " + kind);
    }

    private static void value(FrameOut out, SqlValue v) {
        switch (v) {
            case SqlValue.Null n -> out.u8(0);
            case SqlValue.Int i -> out.u8(1).i64(i.value());
            case SqlValue.Real r -> out.u8(2).i64(Double.doubleToRawLongBits(r.value()));
            case SqlValue.Text t -> out.u8(3).text(t.value());
            case SqlValue.Blob b -> out.u8(4).bytes(b.value());
        }
    }

    private static SqlValue readValue(FrameIn in) throws IOException {
        int tag = in.u8();
        return switch (tag) {
            case 0 -> SqlValue.Null.INSTANCE;
            case 1 -> new SqlValue.Int(in.i64());
            case 2 -> new SqlValue.Real(in.f64());
            case 3 -> new SqlValue.Text(in.text());
            case 4 -> new SqlValue.Blob(in.bytes());
            default -> throw new IOException("bad value tag " + tag);
        };
    }

    /** A finished call's outcome; a success keeps its answer-memory share in the worker until RELEASE. */
    static void result(FrameOut out, long callId, CallOutcome outcome) {
        out.reset().u8(RESULT).i64(callId);
        outcome(out, outcome);
    }

    private static void outcome(FrameOut out, CallOutcome outcome) {
        switch (outcome) {
            case CallOutcome.Success s -> out.u8(0).bytes(s.body()).i64(s.answerMemory());
            case CallOutcome.InvalidSql e -> out.u8(1).text(e.message()).text(e.hint()).i32(e.statement());
            case CallOutcome.Forbidden f -> out.u8(2).text(f.what()).i32(f.statement());
            case CallOutcome.InvalidArgs a -> out.u8(3).text(a.why());
            case CallOutcome.RowTooLarge r -> out.u8(4).i32(r.statement());
            case CallOutcome.Timeout t -> out.u8(5);
            case CallOutcome.StorageFull f -> out.u8(6);
            case CallOutcome.ServerStorageFull f -> out.u8(7);
            case CallOutcome.OutOfMemory m -> out.u8(8);
            case CallOutcome.InstanceGone g -> out.u8(9);
            case CallOutcome.WorkerLost w -> out.u8(10);
            case CallOutcome.InEntry e -> {
                out.u8(11).i32(e.entry());
                outcome(out, e.failure());
            }
            case CallOutcome.InvalidInput i -> out.u8(12).text(i.code()).text(i.message());
        }
    }

    /** Reads a RESULT's outcome (after its call-id); a success's share goes back through {@code release}. */
    static CallOutcome readOutcome(FrameIn in, LongConsumer release) throws IOException {
        int kind = in.u8();
        if (kind == 11) {
            int entry = in.i32();
            CallOutcome failure = readOutcome(in.u8(), in, release); // a kind 11 inside is refused there
            // Only the failures that name a statement or the args: never a nest of InEntry.
            if (entry < 1 || !(failure instanceof CallOutcome.InvalidSql || failure instanceof CallOutcome.Forbidden
                    || failure instanceof CallOutcome.InvalidArgs || failure instanceof CallOutcome.RowTooLarge)) {
                throw new IOException("bad entry outcome");
            }
            return new CallOutcome.InEntry(entry, failure);
        }
        return readOutcome(kind, in, release);
    }

    private static CallOutcome readOutcome(int kind, FrameIn in, LongConsumer release) throws IOException {
        return switch (kind) {
            case 0 -> new CallOutcome.Success(in.bytes(), in.i64(), release);
            case 1 -> new CallOutcome.InvalidSql(in.text(), in.text(), in.i32());
            case 2 -> new CallOutcome.Forbidden(in.text(), in.i32());
            case 3 -> new CallOutcome.InvalidArgs(in.text());
            case 4 -> new CallOutcome.RowTooLarge(in.i32());
            case 5 -> new CallOutcome.Timeout();
            case 6 -> new CallOutcome.StorageFull();
            case 7 -> new CallOutcome.ServerStorageFull();
            case 8 -> new CallOutcome.OutOfMemory();
            case 9 -> new CallOutcome.InstanceGone();
            case 10 -> new CallOutcome.WorkerLost();
            case 12 -> new CallOutcome.InvalidInput(in.text(), in.text());
            default -> throw new IOException("bad outcome kind " + kind);
        };
    }
}
