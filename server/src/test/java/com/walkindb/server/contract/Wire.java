package com.walkindb.server.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Requests the test server's helpers do not make: raw bytes, other media types, chunked bodies,
 * extra headers, and hand-written HTTP over a socket (for a Content-Length the body never
 * delivers). Plus small SQL builders shared by the contract tests.
 */
public final class Wire {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {}

    /** POST /sql with raw bytes, the given Content-Type (null: none) and session (null: none). */
    public static Reply postBytes(TestServer s, byte[] body, String contentType, String session) {
        HttpRequest.Builder b = s.request("/sql").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return s.send(b.build());
    }

    /** POST /sql with a JSON body sent with Transfer-Encoding: chunked (no Content-Length). */
    public static Reply postChunked(TestServer s, byte[] body) {
        return s.send(s.request("/sql").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    }

    /** POST /sql with extra request headers (name, value, name, value...). */
    public static Reply postWithHeaders(TestServer s, String body, String... headers) {
        HttpRequest.Builder b = s.request("/sql").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return s.send(b.build());
    }

    /** Any method on any path, without a body. */
    public static Reply call(TestServer s, String method, String path) {
        return s.send(s.request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

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

    /**
     * Writes {@code head} (request line and headers, CRLF-separated, without the blank line) and
     * {@code body} on a fresh socket, and reads one response that carries a Content-Length.
     */
    public static Reply raw(TestServer s, String head, byte[] body) throws IOException {
        URI base = URI.create(s.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }

    private static Reply readResponse(InputStream in) throws IOException {
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
        return new Reply(status, HttpHeaders.of(headers, (a, b) -> true), new String(body, StandardCharsets.UTF_8));
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

    /** SQL for a TEXT value of exactly {@code n} characters ('0's), without printf's precision cap. */
    public static String text(int n) {
        return "substr(hex(zeroblob(" + ((n + 1) / 2) + ")), 1, " + n + ")";
    }

    /** SQL producing 1..n as column i: a recursive CTE named c. */
    public static String counter(int n) {
        return "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + n + ") ";
    }

    /** A call that never ends on its own: it hits the 2 s deadline. */
    public static final String ENDLESS =
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c";

    /** Runs tasks at once on their own threads and returns their results in order. */
    public static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(t));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** Starts a task on its own thread. */
    public static <T> Future<T> background(Callable<T> task) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            return pool.submit(task);
        } finally {
            pool.shutdown();
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
}
