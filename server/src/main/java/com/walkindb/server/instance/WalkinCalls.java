package com.walkindb.server.instance;

import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import java.util.List;
import java.util.UUID;

/**
 * Where a call's statements run once {@link Walkins} holds the walk-in's gate and a SQL slot:
 * in this process ({@link LocalCalls}) or in a SQL worker process
 * ({@code com.walkindb.server.worker.WorkerPool}, docs/ARCHITECTURE.md "Worker processes").
 * Each implementation owns the open connections of the walk-ins it runs.
 */
public interface WalkinCalls {
    /** Runs the call on the walk-in; only ever called under the walk-in's gate. */
    CallOutcome execute(UUID id, String sql, CallArgs args, DiskState disk) throws InterruptedException;

    /** Runs a batch's entries on the walk-in as one transaction; only ever called under its gate. */
    CallOutcome executeBatch(UUID id, List<BatchEntry> entries, DiskState disk) throws InterruptedException;

    /** Forgets the walk-in's open connection, before its files are deleted (under its gate). */
    void evict(UUID id);

    /** Closes connections idle past their time (housekeeping, once a second). */
    void closeIdle();

    /** Closes every idle connection and stops; calls still running keep theirs. */
    void close();
}
