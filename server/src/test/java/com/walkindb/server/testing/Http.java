package com.walkindb.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' HTTP client for one server. Every call has a timeout; a dropped connection or a
 * timeout fails the test (a well-formed request must always get an answer). Besides JSON calls to
 * /sql it sends what a well-behaved client would not: raw bytes, other media types, chunked
 * bodies, extra headers, any method, and hand-written HTTP over a socket (for a Content-Length
 * the body never delivers). A {@link Listener} hears of every answer and of the session tokens the
 * client sent, so a harness can check them after a case. Malformed framing, pipelining and
 * stalls are the abuse suite's {@code RawHttp}.
 */
public final class Http implements AutoCloseable {
    /** How long a call may take unless the client was built with another timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a harness hears of this client's traffic; every method defaults to nothing (resends: stderr). */
    public interface Listener {
        /**
         * A session token this client sent in a call it built itself (not in a request a test
         * built and passed to {@link #send}), or one that came back in an answer.
         */
        default void tokenSeen(String token) {}

        /** An answer came back (after its session token, if any, went to {@link #tokenSeen}). */
        default void answered(Reply reply) {}

        /** The JDK client lost an answer to its pool race and the request went once more ({@link PoolRaceResend}). */
        default void resent(String note) {
            System.err.println(note);
        }
    }

    /** A listener that hears nothing (resends still go to stderr). */
    public static final Listener NO_LISTENER = new Listener() {};

    /** The server's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public final String base;
    /** The server's port. */
    public final int port;
    private final Duration timeout;
    private final Listener listener;
    private final HttpClient client;

    public Http(String base) {
        this(base, null);
    }

    /** A client whose connections come from {@code localAddress} (another loopback address is another caller). */
    public Http(String base, InetAddress localAddress) {
        this(base, localAddress, DEFAULT_TIMEOUT, NO_LISTENER);
    }

    /** {@code localAddress} null: the system's choice; {@code timeout}: of every call. */
    public Http(String base, InetAddress localAddress, Duration timeout, Listener listener) {
        this.base = base;
        this.port = URI.create(base).getPort();
        this.timeout = timeout;
        this.listener = listener;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (localAddress != null) {
            b.localAddress(localAddress);
        }
        this.client = b.build();
    }

    // ----- POST /sql with a JSON body -----

    /** POST /sql with a new walk-in. */
    public Reply sql(String sql) {
        return sql(sql, null, null, timeout);
    }

    /** POST /sql on {@code session} (null: a new walk-in). */
    public Reply sql(String sql, String session) {
        return sql(sql, null, session, timeout);
    }

    /** POST /sql on {@code session} (null: a new walk-in) with optional args (serialized as JSON). */
    public Reply sql(String sql, Object args, String session) {
        return sql(sql, args, session, timeout);
    }

    public Reply sql(String sql, Object args, String session, Duration timeout) {
        return post(body(sql, args), "application/json", session, timeout);
    }

    /** POST /sql {"batch": entries} on {@code session} (null: a new walk-in); entries are serialized as JSON. */
    public Reply batch(List<?> entries, String session) {
        try {
            return postJson("/sql", JSON.writeValueAsString(Map.of("batch", entries)), session);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** One batch entry: {"sql": sql}, with "args" when not null. */
    public static Map<String, Object> entry(String sql, Object args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sql", sql);
        if (args != null) {
            m.put("args", args);
        }
        return m;
    }

    /** POST a raw body to {@code path} as application/json on {@code session} (null: none). */
    public Reply postJson(String path, String body, String session) {
        return post(path, HttpRequest.BodyPublishers.ofString(body), "application/json", session, timeout);
    }

    /** POST /sql with a raw body, the given Content-Type (null: none) and session (null: none). */
    public Reply post(String body, String contentType, String session, Duration timeout) {
        return post(HttpRequest.BodyPublishers.ofString(body), contentType, session, timeout);
    }

    public Reply post(HttpRequest.BodyPublisher body, String contentType, String session, Duration timeout) {
        return post("/sql", body, contentType, session, timeout);
    }

    /** POST /sql with raw bytes, the given Content-Type (null: none) and session (null: none). */
    public Reply postBytes(byte[] body, String contentType, String session) {
        return post(HttpRequest.BodyPublishers.ofByteArray(body), contentType, session, timeout);
    }

    /** POST /sql with a JSON body sent with Transfer-Encoding: chunked (no Content-Length). */
    public Reply postChunked(byte[] body) {
        return send(request("/sql").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    /** POST /sql with a JSON body and extra request headers (name, value, name, value...). */
    public Reply postWithHeaders(String body, String... headers) {
        HttpRequest.Builder b = request("/sql").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private Reply post(String path, HttpRequest.BodyPublisher body, String contentType, String session,
                       Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session != null) {
            b.header("X-Walkin-Session", session);
            if (!session.isEmpty()) {
                listener.tokenSeen(session);
            }
        }
        return send(b);
    }

    // ----- other requests -----

    public Reply get(String path) {
        return send(request(path).GET());
    }

    /** Any method on any path, without a body. */
    public Reply call(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** A request to {@code path} with this client's timeout, for a test to finish and {@link #send}. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    }

    public Reply send(HttpRequest.Builder builder) {
        return send(builder.build());
    }

    public Reply send(HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = PoolRaceResend.send(client, request, listener::resent);
            Reply reply = new Reply(r.statusCode(), r.headers(), r.body(), (System.nanoTime() - start) / 1_000_000);
            String session = reply.session();
            if (session != null && !session.isEmpty()) {
                listener.tokenSeen(session);
            }
            listener.answered(reply);
            return reply;
        } catch (IOException e) {
            throw new AssertionError("no answer to a well-formed request (dropped connection or timeout after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms): " + request + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Writes {@code head} (request line and headers, CRLF-separated, without the blank line) and
     * {@code body} on a fresh socket, and reads one response that carries a Content-Length.
     */
    public Reply raw(String head, byte[] body) throws IOException {
        URI uri = URI.create(base);
        long start = System.nanoTime();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readResponse(socket.getInputStream(), start);
        }
    }

    private static Reply readResponse(InputStream in, long start) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        long length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            }
        }
        byte[] body = in.readNBytes((int) length);
        return new Reply(status, HttpHeaders.of(headers, (a, b) -> true), new String(body, StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                buf.write(c);
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    // ----- request bodies -----

    /** A JSON body {"sql": sql, "args": args} (args left out when null). */
    public static String body(String sql, Object args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sql", sql);
        if (args != null) {
            m.put("args", args);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** The body bytes of a JSON request padded (inside a trailing SQL comment) to exactly {@code size} bytes. */
    public static byte[] paddedBody(String sql, int size) {
        String head = "{\"sql\":\"" + sql + " --";
        String tail = "\"}";
        int pad = size - head.length() - tail.length();
        if (pad < 0) {
            throw new IllegalArgumentException("too small");
        }
        byte[] b = (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
        if (b.length != size) {
            throw new AssertionError(b.length);
        }
        return b;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
