package com.walkindb.server.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one request costs on its own (the route, the route-and-status counter, the
 * latency histogram, and for an error its code): the whole per-call price of WALKINDB_METRICS=on
 * besides two System.nanoTime() calls. Four threads, as requests run on many. Run it with
 * {@code bench/jmh.sh RequestMetrics}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class RequestMetricsBenchmark {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Refusals refusals = new Refusals(registry);
    private final RequestMetrics metrics = new RequestMetrics(null, registry, refusals);

    @Benchmark
    public void answeredCall() {
        metrics.record("/sql", 200, 41_000, null);
    }

    @Benchmark
    public void refusedCall() {
        metrics.record("/sql", 429, 9_000, null);
        refusals.count("rate_limited", "rate limit exceeded"); // what record() does with the error
    }

    @Benchmark
    public long twoNanoTimes() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }
}
