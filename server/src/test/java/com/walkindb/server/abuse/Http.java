package com.walkindb.server.abuse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.PoolRaceResend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attacker's HTTP client: every call has a timeout, a dropped connection or a timeout fails
 * the case (a well-formed request must always get an answer), and every answer and every session
 * token sent or received is recorded so the harness can check them after the case.
 */
final class Http implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    final String base;
    final int port;
    private final HttpClient client;
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();

    Http(String base) {
        this(base, null);
    }

    /** A client whose connections come from {@code localAddress} (another loopback address is another caller). */
    Http(String base, java.net.InetAddress localAddress) {
        this.base = base;
        this.port = URI.create(base).getPort();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (localAddress != null) {
            b.localAddress(localAddress);
        }
        this.client = b.build();
    }

    /** Forgets what the previous case recorded. */
    void reset() {
        answers.clear();
        tokens.clear();
    }

    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    Set<String> tokens() {
        return Set.copyOf(tokens);
    }

    /** Walk-ins the case touched: named by a token it sent or received. */
    Set<UUID> touchedInstances() {
        Set<UUID> out = new java.util.HashSet<>();
        for (String t : tokens) {
            UUID id = Tokens.instanceId(t);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    void noteToken(String token) {
        if (token != null && !token.isEmpty()) {
            tokens.add(token);
        }
    }

    void record(Answer a) {
        answers.add(a);
    }

    Answer sql(String sql) {
        return sql(sql, null, null, DEFAULT_TIMEOUT);
    }

    Answer sql(String sql, String session) {
        return sql(sql, null, session, DEFAULT_TIMEOUT);
    }

    Answer sql(String sql, Object args, String session) {
        return sql(sql, args, session, DEFAULT_TIMEOUT);
    }

    Answer sql(String sql, Object args, String session, Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sql", sql);
        if (args != null) {
            body.put("args", args);
        }
        try {
            return post(JSON.writeValueAsString(body), "application/json", session, timeout);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    Answer post(String body, String contentType, String session, Duration timeout) {
        return post(HttpRequest.BodyPublishers.ofString(body), contentType, session, timeout);
    }

    Answer post(HttpRequest.BodyPublisher body, String contentType, String session, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/sql")).timeout(timeout).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session != null) {
            b.header("X-Walkin-Session", session);
            noteToken(session);
        }
        return send(b);
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(DEFAULT_TIMEOUT).GET());
    }

    Answer send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = PoolRaceResend.send(client, request, Stats::line);
            Answer a = new Answer(r.statusCode(), r.headers(), r.body(), (System.nanoTime() - start) / 1_000_000);
            noteToken(a.session());
            record(a);
            return a;
        } catch (IOException e) {
            throw new AssertionError("no answer to a well-formed request (dropped connection or timeout after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms): " + request + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
