package com.walkindb.server.instance;

import com.walkindb.server.config.Limits;
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

    /** {@code databaseFile}: where a walk-in's database lives ({@link InstanceStore#databaseFile}). */
    public LocalCalls(Function<UUID, Path> databaseFile, ConnectionCache cache, AnswerMemory answerMemory,
                      Limits limits, Ticker ticker) {
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
            try {
                connection = WalkinConnection.open(databaseFile.apply(id), limits, ticker);
                connection.diskCheck(disk::nearlyFullNow);
            } catch (SqliteException e) {
                if (e.primaryCode() != ResultCodes.NOMEM && disk.nearlyFullNow()) {
                    return new CallOutcome.ServerStorageFull(); // e.g. no room for the -wal file
                }
                return switch (e.primaryCode()) {
                    case ResultCodes.CANTOPEN -> new CallOutcome.InstanceGone();
                    // Other tenants hold the shared SQLite heap right now: busy, not broken.
                    case ResultCodes.NOMEM -> new CallOutcome.OutOfMemory();
                    default -> throw new IllegalStateException("cannot open walk-in " + id + ": " + e.getMessage(), e);
                };
            }
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
