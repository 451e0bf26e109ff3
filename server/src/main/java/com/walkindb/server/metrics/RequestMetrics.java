package com.walkindb.server.metrics;

import com.walkindb.server.http.ApiError;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts every request of the public listener by route and status, times it, and counts its
 * error answer by code ({@link Refusals}). The hot path takes no lock and builds no string: the
 * data points of each route and status are bound once and kept in an array, the route is a
 * switch on the path, and the error comes as the request attribute {@link ApiError#ATTRIBUTE}.
 * The time is the handler's: from the request's arrival at the router until the answer is handed
 * to Jetty (a small answer is in the socket buffer by then; a large one may still be in flight).
 */
final class RequestMetrics extends Handler.Wrapper {
    private static final int STATUSES = 600;
    /** Seconds: the SQL calls of a walk-in take from 0.1 ms to the 2 s deadline (and a worker's grace). */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10};

    private final Counter requests;
    private final AtomicReferenceArray<CounterDataPoint> byRouteAndStatus;
    private final DistributionDataPoint[] latency;
    private final Refusals refusals;

    RequestMetrics(Handler inner, PrometheusRegistry registry, Refusals refusals) {
        super(inner);
        this.refusals = refusals;
        this.requests = Counter.builder().name("walkindb_requests_total")
                .help("Requests on the public listener by route and status").labelNames("route", "status")
                .withoutExemplars().register(registry);
        Histogram histogram = Histogram.builder().name("walkindb_request_duration_seconds")
                .help("Time from a request's arrival at the router to its answer handed to Jetty, by route")
                .labelNames("route").classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().register(registry);
        Route[] routes = Route.values();
        this.byRouteAndStatus = new AtomicReferenceArray<>(routes.length * STATUSES);
        this.latency = new DistributionDataPoint[routes.length];
        for (Route r : routes) {
            latency[r.ordinal()] = histogram.labelValues(r.label);
        }
        requests.labelValues(Route.SQL.label, "200"); // a series to rate from before the first call
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        try {
            return super.handle(request, response, callback);
        } finally {
            record(request.getHttpURI().getPath(), response.getStatus(), System.nanoTime() - start,
                    response.getStatus() >= 400 ? request.getAttribute(ApiError.ATTRIBUTE) : null);
        }
    }

    /** One request's figures; {@code error}: the request's {@link ApiError#ATTRIBUTE} (benchmarked alone). */
    void record(String path, int status, long nanos, Object error) {
        Route route = Route.of(path);
        latency[route.ordinal()].observe(nanos / 1e9);
        int s = status >= 100 && status < STATUSES ? status : 0;
        int index = route.ordinal() * STATUSES + s;
        CounterDataPoint point = byRouteAndStatus.get(index);
        if (point == null) {
            point = requests.labelValues(route.label, Integer.toString(s)); // once per route and status
            byRouteAndStatus.set(index, point);
        }
        point.inc();
        if (error instanceof ApiError e) {
            refusals.count(e.code(), e.message());
        }
    }
}
