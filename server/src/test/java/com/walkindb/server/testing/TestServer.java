package com.walkindb.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.WalkinServer;
import com.walkindb.server.config.Config;
import com.walkindb.server.config.EnvConfigReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real server on a free loopback port with a temporary data directory, for tests that speak
 * HTTP to it. Limits are set through the same environment variables production reads; the
 * defaults here lift the rate limits so tests that are not about them do not trip them.
 */
public final class TestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dataDir;
    private final boolean ownsDir;
    private final TestClock clock;
    private final WalkinServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Path dataDir, boolean ownsDir, TestClock clock, Map<String, String> env) throws Exception {
        this.dataDir = dataDir;
        this.ownsDir = ownsDir;
        this.clock = clock;
        Map<String, String> all = new HashMap<>(liftedLimits());
        all.putAll(env);
        all.put("WALKINDB_ADDR", "127.0.0.1:0");
        all.put("WALKINDB_DATA_DIR", dataDir.toString());
        Config config = EnvConfigReader.read(all);
        this.server = new WalkinServer(config, clock);
        server.start();
    }

    /** A server with lifted rate limits plus the given environment. */
    public static TestServer start(Map<String, String> env) throws Exception {
        return new TestServer(Files.createTempDirectory("walkindb-test"), true, new TestClock(), env);
    }

    public static TestServer start() throws Exception {
        return start(Map.of());
    }

    /** Restarts on the same data directory (and clock): what a process restart keeps. */
    public TestServer restart(Map<String, String> env) throws Exception {
        server.close();
        return new TestServer(dataDir, true, clock, env);
    }

    public static Map<String, String> liftedLimits() {
        return Map.of("WALKINDB_RATE_LIMIT_REQS", "1000000", "WALKINDB_RATE_LIMIT_NEW_INSTANCES", "1000000",
                "WALKINDB_MAX_INSTANCES_PER_IP", "1000000", "WALKINDB_RATE_LIMIT_INSTANCE_REQS", "1000000");
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public Path dataDir() {
        return dataDir;
    }

    public TestClock clock() {
        return clock;
    }

    public WalkinServer server() {
        return server;
    }

    /** POST /sql with a new walk-in. */
    public Reply sql(String sql) {
        return sql(sql, null, null);
    }

    /** POST /sql on {@code session} (null: a new walk-in) with optional args (serialized as JSON). */
    public Reply sql(String sql, Object args, String session) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sql", sql);
        if (args != null) {
            body.put("args", args);
        }
        try {
            return post("/sql", JSON.writeValueAsString(body), session);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** POST a raw body as application/json. */
    public Reply post(String path, String body, String session) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return send(b.build());
    }

    public Reply get(String path) {
        return send(request(path).GET().build());
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The walk-in directories currently on disk. */
    public long instanceDirs() throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("instances"))) {
            return s.count();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (ownsDir) {
            try (Stream<Path> walk = Files.walk(dataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
