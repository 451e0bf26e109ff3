package com.walkindb.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POST /import and GET /db for tests: uploads through the suite's {@link Http} (so listeners see
 * them), and exports as bytes, which a {@link Reply}'s text body cannot hold.
 */
public final class Uploads {
    private static final HttpClient BYTES = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** An export's answer: the bytes of its body. */
    public record Export(int status, HttpHeaders headers, byte[] body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Uploads() {}

    /** The walk-in id a session token names (its first 16 bytes). */
    public static java.util.UUID walkinId(String token) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(token.substring(4)));
        return new java.util.UUID(b.getLong(), b.getLong());
    }

    /** The files in a walk-in's directory besides its database and metadata (a data job's, left behind). */
    public static java.util.List<String> leftovers(java.nio.file.Path dataDir, String token) {
        java.nio.file.Path dir = dataDir.resolve("instances").resolve(walkinId(token).toString());
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !java.util.List.of("db.sqlite", "db.sqlite-wal", "db.sqlite-shm", "meta.json")
                            .contains(n))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** POST /import?{query} with a CSV body; {@code session} null: a new walk-in. */
    public static Reply csv(Http http, String session, String query, byte[] body) {
        return post(http, "/import" + (query.isEmpty() ? "" : "?" + query), "text/csv", session,
                HttpRequest.BodyPublishers.ofByteArray(body));
    }

    public static Reply csv(Http http, String session, String query, String body) {
        return csv(http, session, query, body.getBytes(StandardCharsets.UTF_8));
    }

    /** POST /import with an SQL script; {@code session} null: a new walk-in. */
    public static Reply sql(Http http, String session, String script) {
        return post(http, "/import", "application/sql", session,
                HttpRequest.BodyPublishers.ofString(script, StandardCharsets.UTF_8));
    }

    public static Reply post(Http http, String pathAndQuery, String contentType, String session,
                             HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = http.request(pathAndQuery).timeout(Duration.ofSeconds(60)).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        return http.send(b);
    }

    /** GET /db{?format=...} on {@code session} (null: no header). */
    public static Export export(Http http, String session, String format) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base + "/db"
                + (format == null ? "" : "?format=" + format))).timeout(Duration.ofSeconds(60)).GET();
        if (session != null) {
            b.header("X-Walkin-Session", session);
        }
        try {
            HttpResponse<byte[]> r = BYTES.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Export(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError("no answer to GET /db: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
