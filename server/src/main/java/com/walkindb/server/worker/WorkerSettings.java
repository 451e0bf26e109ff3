package com.walkindb.server.worker;

import com.walkindb.server.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the supervisor tells a worker on its command line: the settings of the supervisor's
 * configuration that a worker applies itself, with the per-process shares already divided.
 * Everything else (data directory, sandbox mode) comes from the environment the supervisor
 * gives the worker, through the same reader the server uses.
 *
 * @param queryDeadline   how long a call may run in SQLite (the supervisor kills past it plus a grace)
 * @param sqliteHeap      WALKINDB_SQLITE_HEAP_MB: each worker has SQLite's whole heap limit (a call that
 *                        needs it all must still fit), and its memory cap bounds the worker as a whole
 * @param answerMemory    this worker's share of WALKINDB_ANSWER_MEMORY_MB
 * @param connectionCache this worker's share of WALKINDB_CONNECTION_CACHE
 * @param connectionIdle  WALKINDB_CONNECTION_IDLE_MS
 * @param diskMinFreeBytes   WALKINDB_DISK_MIN_FREE_MB, for the worker's own look at the volume
 * @param diskMinFreePercent WALKINDB_DISK_MIN_FREE_PERCENT
 * @param warmup          run {@link Warmup} before saying READY (spares: they take over from a killed worker)
 */
record WorkerSettings(Duration queryDeadline, long sqliteHeap, long answerMemory, int connectionCache,
                      Duration connectionIdle, long diskMinFreeBytes, int diskMinFreePercent, boolean warmup) {

    /** The shares of one of {@code workers} processes. */
    static WorkerSettings of(Config config, int workers) {
        return new WorkerSettings(config.limits().queryDeadline(),
                config.sqliteHeapLimit(),
                Math.max(4L << 20, config.answerMemory() / workers),
                (config.connectionCacheSize() + workers - 1) / workers,
                config.connectionIdle(), config.diskMinFreeBytes(), config.diskMinFreePercent(), false);
    }

    WorkerSettings withWarmup(boolean on) {
        return new WorkerSettings(queryDeadline, sqliteHeap, answerMemory, connectionCache, connectionIdle,
                diskMinFreeBytes, diskMinFreePercent, on);
    }

    List<String> toArgs() {
        List<String> a = new ArrayList<>();
        a.add("deadline-ms=" + queryDeadline.toMillis());
        a.add("sqlite-heap=" + sqliteHeap);
        a.add("answer-memory=" + answerMemory);
        a.add("connection-cache=" + connectionCache);
        a.add("connection-idle-ms=" + connectionIdle.toMillis());
        a.add("disk-min-free=" + diskMinFreeBytes);
        a.add("disk-min-percent=" + diskMinFreePercent);
        a.add("warmup=" + (warmup ? 1 : 0));
        return a;
    }

    static WorkerSettings parse(String[] args) {
        Map<String, Long> v = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("worker argument without '=': " + arg);
            }
            v.put(arg.substring(0, eq), Long.parseLong(arg.substring(eq + 1)));
        }
        return new WorkerSettings(Duration.ofMillis(get(v, "deadline-ms")), get(v, "sqlite-heap"),
                get(v, "answer-memory"), (int) get(v, "connection-cache"),
                Duration.ofMillis(get(v, "connection-idle-ms")), get(v, "disk-min-free"),
                (int) get(v, "disk-min-percent"), get(v, "warmup") != 0);
    }

    private static long get(Map<String, Long> v, String key) {
        Long value = v.get(key);
        if (value == null) {
            throw new IllegalArgumentException("worker argument missing: " + key);
        }
        return value;
    }
}
