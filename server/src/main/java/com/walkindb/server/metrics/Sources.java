package com.walkindb.server.metrics;

import com.walkindb.server.drain.Drain;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.SqlWorkers;
import com.walkindb.server.instance.Sweeper;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.worker.WorkerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The parts of the server the metrics read when scraped. Each keeps its own counters (plain
 * atomics it needs anyway, or a LongAdder); nothing here is called on a request's path.
 *
 * @param cache            the connection cache's figures: this process's, or the workers' summed
 * @param answerMemoryHeld bytes large answers hold now: this process's, or the workers' summed
 * @param answerMemoryLimit WALKINDB_ANSWER_MEMORY_MB in bytes
 * @param pool             the SQL worker processes, or null when SQL runs in this process
 * @param logs             the access log's directory
 * @param isolation        "process" or "inprocess"
 * @param node             WALKINDB_NODE_NAME, a label of walkindb_info
 * @param drain            whether the node drains (walkindb_draining)
 */
public record Sources(InstanceStore store, Sweeper sweeper, Duration sweepInterval, DiskGuard disk, SqlWorkers slots,
                      InFlightLimit inFlight, Supplier<ConnectionCache.Figures> cache, LongSupplier answerMemoryHeld,
                      long answerMemoryLimit, WorkerPool pool, Path logs, String isolation,
                      String node, Drain drain) {}
