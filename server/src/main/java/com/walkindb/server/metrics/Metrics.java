package com.walkindb.server.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.server.Handler;

/**
 * {@code GET /metrics} on the admin listener (docs/DEPLOY.md, "Metrics"): one registry of this
 * server's own (never the library's global one, so that servers side by side in a test JVM
 * count apart), the request counters around the public handler, the figures read at scrape,
 * and the JVM's memory, GC, threads and process figures. Written in the Prometheus text format.
 */
public final class Metrics {
    /** The Prometheus text format 0.0.4: what every Prometheus scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Refusals refusals = new Refusals(registry);

    public Metrics(Sources sources) {
        ServerGauges.register(registry, sources);
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** {@code publicHandler} with every request counted and timed. */
    public Handler around(Handler publicHandler) {
        return new RequestMetrics(publicHandler, registry, refusals);
    }

    /** Every metric now, in the text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
