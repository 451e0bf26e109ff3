package com.walkindb.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.walkindb.server.config.Config;
import com.walkindb.server.drain.Drain;
import com.walkindb.server.json.JsonFactories;
import com.walkindb.server.sandbox.SandboxStatus;
import com.walkindb.server.worker.WorkerPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;

/**
 * The body of {@code GET /status} on the admin listener (docs/DEPLOY.md, "Status"): version,
 * uptime, the sandbox layers as applied, where SQL runs (the worker pool: workers, calls in
 * flight on each, restarts and their causes), and the configuration in effect. Nothing secret:
 * no token, no secret, no tenant data.
 */
public final class StatusReport {
    private static final JsonFactory JSON = JsonFactories.plain();

    private final Config config;
    private final SandboxStatus sandbox;
    private final WorkerPool pool;
    private final Clock clock;
    private final Instant started;
    private final Drain drain;

    /** {@code sandbox}: null for a server nobody confined; {@code pool}: null when SQL runs in process. */
    public StatusReport(Config config, SandboxStatus sandbox, WorkerPool pool, Clock clock, Drain drain) {
        this.drain = drain;
        this.config = config;
        this.sandbox = sandbox;
        this.pool = pool;
        this.clock = clock;
        this.started = clock.instant();
    }

    public byte[] render() {
        ByteArrayBuilder out = new ByteArrayBuilder(2048);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            String version = StatusReport.class.getPackage().getImplementationVersion();
            g.writeStringField("version", version == null ? "development build" : version);
            g.writeStringField("node", config.node().name());
            Instant drainSince = drain.since();
            g.writeBooleanField("draining", drainSince != null);
            if (drainSince != null) {
                g.writeStringField("draining_since", drainSince.toString());
            }
            // dev mode (--dev) lifts the per-client limits: an operator must see it at a glance
            g.writeStringField("profile", config.dev() ? "dev" : "production");
            g.writeNumberField("uptime_seconds", clock.instant().getEpochSecond() - started.getEpochSecond());
            g.writeObjectFieldStart("sandbox");
            g.writeStringField("landlock", sandbox == null ? "off: not applied to this process" : sandbox.landlock());
            g.writeStringField("seccomp", sandbox == null ? "off: not applied to this process" : sandbox.seccomp());
            g.writeEndObject();
            isolation(g);
            configuration(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void isolation(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("isolation");
        g.writeStringField("mode", pool == null ? "inprocess" : "process");
        if (pool != null) {
            g.writeArrayFieldStart("workers");
            for (WorkerPool.WorkerStatus w : pool.workers()) {
                g.writeStartObject();
                g.writeStringField("name", w.name());
                g.writeNumberField("pid", w.pid());
                g.writeBooleanField("ready", w.ready());
                g.writeNumberField("calls_in_flight", w.callsInFlight());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("spare");
            g.writeNumberField("pid", pool.sparePid());
            g.writeBooleanField("ready", pool.spareReady());
            g.writeEndObject();
            g.writeStringField("caps", pool.capsDescription());
            g.writeNumberField("restarts", pool.restarts());
            g.writeArrayFieldStart("recent_restarts");
            for (WorkerPool.Restart r : pool.recentRestarts()) {
                g.writeStartObject();
                g.writeStringField("worker", r.worker());
                g.writeStringField("at", Instant.ofEpochMilli(r.atMillis()).toString());
                g.writeStringField("cause", r.cause());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private void configuration(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("config");
        g.writeStringField("addr", config.listen().getHostString() + ":" + config.listen().getPort());
        g.writeStringField("data_dir", config.dataDir().toString());
        g.writeNumberField("ttl_seconds", config.ttl().toSeconds());
        g.writeStringField("rate_limits", config.node().rateLimits());
        g.writeNumberField("rate_limit_reqs", config.requestsPerMinute());
        g.writeNumberField("rate_limit_new_instances", config.creationsPerMinute());
        g.writeNumberField("max_instances_per_ip", config.maxInstancesPerIp());
        g.writeNumberField("rate_limit_instance_reqs", config.instanceRequestsPerMinute());
        g.writeNumberField("max_inflight", config.maxInflight());
        g.writeNumberField("trusted_proxies", config.trustedProxies().size());
        g.writeNumberField("sql_workers", config.sqlWorkers());
        g.writeNumberField("workers", config.isolation().workers());
        g.writeNumberField("worker_memory_mb", config.isolation().memoryBytes() >> 20);
        g.writeBooleanField("worker_warmup", config.isolation().warmSpares());
        g.writeNumberField("sqlite_heap_mb", config.sqliteHeapLimit() >> 20);
        g.writeNumberField("answer_memory_mb", config.answerMemory() >> 20);
        g.writeNumberField("connection_cache", config.connectionCacheSize());
        g.writeNumberField("max_connections", config.maxConnections());
        g.writeNumberField("max_connections_per_ip", config.maxConnectionsPerIp());
        g.writeNumberField("disk_min_free_mb", config.diskMinFreeBytes() >> 20);
        g.writeNumberField("disk_min_free_percent", config.diskMinFreePercent());
        g.writeBooleanField("access_log", config.accessLog());
        g.writeStringField("sandbox", config.sandbox().mode().name().toLowerCase(java.util.Locale.ROOT));
        g.writeEndObject();
    }
}
