package com.walkindb.server.http;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link RequestIds} adds to an answer: the answer's headers as every route writes them
 * (the CORS set) without and with the id, for a request without one (a fresh id) and with one
 * (echoed). The differences are the per-call cost. Run it with {@code bench/jmh.sh RequestIds}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestIdsBenchmark {
    private final HttpFields plainRequest = HttpFields.build()
            .add(HttpHeader.HOST, "127.0.0.1:8080").add(HttpHeader.USER_AGENT, "wrk")
            .add(HttpHeader.CONTENT_TYPE, "application/json").add(HttpHeader.CONTENT_LENGTH, "18")
            .add("X-Walkin-Session", "wkn_" + "x".repeat(107)).asImmutable();
    private final HttpFields requestWithId = HttpFields.build(plainRequest)
            .add(RequestIds.HEADER, "client-trace-0123456789").asImmutable();

    private static HttpFields.Mutable answerHeaders() {
        HttpFields.Mutable h = HttpFields.build();
        h.put(Responses.JSON_TYPE);
        h.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        h.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
        h.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Walkin-Session, X-Walkin-Ttl, X-Request-Id");
        return h;
    }

    @Benchmark
    public HttpFields.Mutable withoutId() {
        return answerHeaders();
    }

    @Benchmark
    public HttpFields.Mutable freshId() {
        HttpFields.Mutable h = answerHeaders();
        RequestIds.tag(plainRequest, h);
        return h;
    }

    @Benchmark
    public HttpFields.Mutable echoedId() {
        HttpFields.Mutable h = answerHeaders();
        RequestIds.tag(requestWithId, h);
        return h;
    }
}
