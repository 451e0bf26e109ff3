package com.walkindb.server.metrics;

import com.walkindb.server.instance.Sweeper;
import com.walkindb.server.worker.WorkerPool;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The figures read when scraped (callbacks): walk-ins, the sweeper, disk, SQL slots, answer memory,
 * the connection cache and the worker pool. Every name is listed with its meaning in docs/DEPLOY.md.
 */
final class ServerGauges {
    private final PrometheusRegistry registry;

    private ServerGauges(PrometheusRegistry registry) {
        this.registry = registry;
    }

    static void register(PrometheusRegistry registry, Sources s) {
        ServerGauges g = new ServerGauges(registry);
        DiskUse disk = new DiskUse(s.store(), s.logs());
        g.gauge("walkindb_walkins_live", "Walk-ins not expired (on disk, counted at scrape)",
                () -> disk.count().liveWalkins());
        g.counter("walkindb_walkins_created_total", "Walk-ins created since start-up", s.store()::created);
        g.counter("walkindb_walkins_expired_total", "Expired walk-ins the sweeper deleted since start-up",
                () -> s.sweeper().figures().expired());
        g.gauge("walkindb_walkins_disk_bytes", "Bytes of all walk-in files (databases, WAL, meta.json)",
                () -> disk.count().walkinBytes());
        g.gauge("walkindb_access_log_bytes", "Bytes of the access log's directory", () -> disk.count().logBytes());

        g.counter("walkindb_sweeper_runs_total", "Scheduled sweeper runs", () -> s.sweeper().figures().runs());
        g.counter("walkindb_sweeper_failed_runs_total", "Sweeper runs that failed as a whole",
                () -> s.sweeper().figures().failedRuns());
        g.counter("walkindb_sweeper_seconds_total", "Time the sweeper ran, in all",
                () -> s.sweeper().figures().busyNanos() / 1e9);
        g.gauge("walkindb_sweeper_last_run_seconds", "How long the last sweeper run took",
                () -> s.sweeper().figures().lastRunNanos() / 1e9);
        g.gauge("walkindb_sweeper_last_run_timestamp_seconds", "When the last sweeper run ended (Unix time; before the first: start-up)",
                () -> lastRun(s.sweeper()));
        g.gauge("walkindb_sweeper_interval_seconds", "WALKINDB_SWEEP_SECONDS", () -> s.sweepInterval().toSeconds());

        g.gauge("walkindb_disk_free_bytes", "Free bytes on the data volume (read each second)", () -> s.disk().usableBytes());
        g.gauge("walkindb_disk_guard_threshold_bytes", "Free bytes below which the disk guard trips (0: guard off)",
                () -> s.disk().thresholdBytes());
        g.gauge("walkindb_disk_guard_tripped", "1 while the disk guard refuses new walk-ins and growing writes",
                () -> s.disk().tripped() ? 1 : 0);

        g.gauge("walkindb_sql_slots", "Calls that may execute SQL at once", () -> s.slots().capacity());
        g.gauge("walkindb_sql_slots_busy", "Calls executing SQL now", () -> s.slots().busy());
        g.gauge("walkindb_calls_in_flight", "Calls admitted and not finished (WALKINDB_MAX_INFLIGHT bounds it)",
                () -> s.inFlight().inFlight());
        g.gauge("walkindb_answer_memory_bytes", "Heap large answers hold now" + workersSummed(s),
                () -> s.answerMemoryHeld().getAsLong());
        g.gauge("walkindb_answer_memory_limit_bytes", "WALKINDB_ANSWER_MEMORY_MB", () -> s.answerMemoryLimit());

        g.counter("walkindb_connection_cache_hits_total", "Calls that found their walk-in's connection open"
                + workersSummed(s), () -> s.cache().get().hits());
        g.counter("walkindb_connection_cache_misses_total", "Calls that opened their walk-in's database"
                + workersSummed(s), () -> s.cache().get().misses());
        g.gauge("walkindb_connection_cache_size", "Idle connections kept open now" + workersSummed(s),
                () -> s.cache().get().size());

        GaugeWithCallback.builder().name("walkindb_info")
                .help("The server's version, where SQL runs and its node name (always 1)")
                .labelNames("version", "isolation", "node")
                .callback(cb -> cb.call(1, version(), s.isolation(), s.node())).register(registry);
        g.gauge("walkindb_draining", "1 while the node drains (POST /drain): no new walk-ins, /healthz 503",
                () -> s.drain().draining() ? 1 : 0);
        if (s.pool() != null) {
            g.workers(s.pool());
        }
    }

    private void workers(WorkerPool pool) {
        gauge("walkindb_workers", "SQL worker processes in their slots", () -> pool.workers().size());
        gauge("walkindb_workers_ready", "SQL worker processes ready for calls",
                () -> pool.workers().stream().filter(WorkerPool.WorkerStatus::ready).count());
        gauge("walkindb_worker_spare_ready", "1 while a started spare worker is ready to take a place",
                () -> pool.spareReady() ? 1 : 0);
        GaugeWithCallback.builder().name("walkindb_worker_calls_in_flight")
                .help("Calls sent to the worker in a slot and not answered yet").labelNames("slot")
                .callback(cb -> {
                    List<WorkerPool.WorkerStatus> all = pool.workers();
                    for (int i = 0; i < all.size(); i++) {
                        cb.call(all.get(i).callsInFlight(), Integer.toString(i));
                    }
                }).register(registry);
        CounterWithCallback.builder().name("walkindb_worker_restarts_total")
                .help("Workers replaced, by cause: deadline (a call overran and its worker was killed), died")
                .labelNames("cause")
                .callback(cb -> {
                    for (WorkerPool.RestartCause c : WorkerPool.RestartCause.values()) {
                        cb.call(pool.restarts(c), c.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }

    private static String workersSummed(Sources s) {
        return s.pool() != null ? " (the SQL workers' summed, as of their last report, at most a second old)" : "";
    }

    private static double lastRun(Sweeper sweeper) {
        return sweeper.figures().lastRunEndMillis() / 1000.0;
    }

    private static String version() {
        String v = ServerGauges.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }
}
