package com.walkindb.server.instance;

import com.walkindb.server.config.DataIo;
import com.walkindb.server.config.Limits;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.dataio.DataJobs;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallExecutor;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.ResultCodes;
import com.walkindb.sqlite.SqliteException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs calls in this process: gets the walk-in's connection (from the cache or freshly opened),
 * executes, resets the connection and parks it or closes it. The in-process server uses it
 * directly; each SQL worker process runs one.
 */
public final class LocalCalls implements WalkinCalls {
    private final Function<UUID, Path> databaseFile;
    private final ConnectionCache cache;
    private final AnswerMemory answerMemory;
    private final Limits limits;
    private final Ticker ticker;
    private final DataJobs jobs;

    /** {@code databaseFile}: where a walk-in's database lives ({@link InstanceStore#databaseFile}). */
    public LocalCalls(Function<UUID, Path> databaseFile, ConnectionCache cache, AnswerMemory answerMemory,
                      Limits limits, Ticker ticker) {
        this(databaseFile, cache, answerMemory, limits, DataIo.DEFAULTS, ticker);
    }

    /** {@code dataIo}: the bounds of imports and exports ({@link DataJobs}). */
    public LocalCalls(Function<UUID, Path> databaseFile, ConnectionCache cache, AnswerMemory answerMemory,
                      Limits limits, DataIo dataIo, Ticker ticker) {
        this.jobs = new DataJobs(limits, dataIo, answerMemory);
        this.databaseFile = databaseFile;
        this.cache = cache;
        this.answerMemory = answerMemory;
        this.limits = limits;
        this.ticker = ticker;
    }

    @Override
    public CallOutcome execute(UUID id, String sql, CallArgs args, DiskState disk) {
        return run(id, disk, connection -> CallExecutor.execute(connection, sql, args, answerMemory));
    }

    @Override
    public CallOutcome executeBatch(UUID id, List<BatchEntry> entries, DiskState disk) {
        return run(id, disk, connection -> CallExecutor.executeBatch(connection, entries, answerMemory));
    }

    /** The walk-in's connection, {@code executor} on it, then the connection back to the cache or closed. */
    private CallOutcome run(UUID id, DiskState disk, Function<WalkinConnection, CallOutcome> executor) {
        WalkinConnection connection = cache.take(id);
        if (connection == null) {
            Opened opened = open(id, limits, disk);
            if (opened.refusal() != null) {
                return opened.refusal();
            }
            connection = opened.connection();
        } else {
            connection.diskCheck(disk::nearlyFullNow); // this call's view of the volume
        }
        if (disk.tripped() && !freezeSize(connection)) {
            return new CallOutcome.ServerStorageFull();
        }
        CallOutcome outcome;
        try {
            outcome = executor.apply(connection);
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        if (connection.resetAfterCall()) {
            cache.put(id, connection);
        } else {
            connection.close();
        }
        return outcome;
    }

    /** A connection just opened, or why there is none. */
    private record Opened(WalkinConnection connection, CallOutcome refusal) {}

    private Opened open(UUID id, Limits with, DiskState disk) {
        try {
            WalkinConnection connection = WalkinConnection.open(databaseFile.apply(id), with, ticker);
            connection.diskCheck(disk::nearlyFullNow);
            return new Opened(connection, null);
        } catch (SqliteException e) {
            if (e.primaryCode() != ResultCodes.NOMEM && disk.nearlyFullNow()) {
                return new Opened(null, new CallOutcome.ServerStorageFull()); // e.g. no room for the -wal file
            }
            return new Opened(null, switch (e.primaryCode()) {
                case ResultCodes.CANTOPEN -> new CallOutcome.InstanceGone();
                // Other tenants hold the shared SQLite heap right now: busy, not broken.
                case ResultCodes.NOMEM -> new CallOutcome.OutOfMemory();
                default -> throw new IllegalStateException("cannot open walk-in " + id + ": " + e.getMessage(), e);
            });
        }
    }

    /**
     * A data job gets a connection of its own, opened with the jobs' limits; the cached one is
     * closed first (a walk-in's file is held by one connection at a time) and the job's is
     * closed after, so the next call opens one with a call's limits again.
     */
    @Override
    public CallOutcome job(UUID id, DataJob job, DiskState disk) {
        WalkinConnection cached = cache.take(id);
        if (cached != null) {
            cached.close();
        }
        Opened opened = open(id, jobs.limits(), disk);
        if (opened.refusal() != null) {
            return opened.refusal();
        }
        WalkinConnection connection = opened.connection();
        try {
            if (disk.tripped() && !freezeSize(connection)) {
                return new CallOutcome.ServerStorageFull();
            }
            return jobs.run(job, databaseFile.apply(id).getParent(), connection, disk);
        } finally {
            connection.close();
        }
    }

    /** The disk guard is tripped: this call may read and rewrite pages, not add any (false: closed, refuse it). */
    private static boolean freezeSize(WalkinConnection connection) {
        try {
            connection.freezeSize();
            return true;
        } catch (SqliteException | RuntimeException e) {
            connection.close();
            return false;
        }
    }

    @Override
    public void evict(UUID id) {
        cache.evict(id);
    }

    @Override
    public void closeIdle() {
        cache.closeIdle();
    }

    @Override
    public void close() {
        cache.closeAll();
    }

    /** Connections parked in the cache now. */
    public int cached() {
        return cache.size();
    }

    /** The connection cache's hits, misses and size, for the metrics. */
    public ConnectionCache.Figures cacheFigures() {
        return cache.figures();
    }
}
