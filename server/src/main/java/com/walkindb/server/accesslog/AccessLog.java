package com.walkindb.server.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.walkindb.server.json.JsonFactories;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The access log of SPEC §5: one JSON object per line with exactly seven fields, in
 * {@code DATA/logs/access-YYYY-MM-DD.jsonl} (UTC days), files older than 7 days deleted. Never
 * the SQL, args, results, column names or the token.
 *
 * <p>A request only formats its line and hands it to a queue; one background thread writes
 * ({@link DailyFileWriter}). DESIGN §2 chose a Logback appender, but measured under load it
 * built a logging event per request (with a reflective lookup of the virtual thread's id) and
 * wrote and flushed under a lock on the request's thread.
 */
public final class AccessLog implements AutoCloseable {
    /** The seven fields, in the order they are written. */
    public static final List<String> FIELDS = List.of("timestamp", "source_ip", "instance_id",
            "http_method", "http_status", "sql_byte_length", "user_agent");
    private static final JsonFactory JSON = JsonFactories.plain();
    private static final int MAX_USER_AGENT = 256;

    private final DailyFileWriter writer;

    private AccessLog(DailyFileWriter writer) {
        this.writer = writer;
    }

    /** Starts writing under {@code dataDir/logs}, keeping {@code keepDays} days of files. */
    public static AccessLog open(Path dataDir, int keepDays, Clock clock) throws IOException {
        return new AccessLog(DailyFileWriter.start(dataDir.resolve("logs"), "access-", ".jsonl", keepDays, clock));
    }

    /** Queues one line. {@code instanceId} null when the request had no walk-in. */
    public void record(Instant when, String sourceIp, String instanceId, String method, int status,
                       int sqlBytes, String userAgent) {
        writer.write(when, line(when, sourceIp, instanceId, method, status, sqlBytes, userAgent));
    }

    static String line(Instant when, String sourceIp, String instanceId, String method, int status,
                       int sqlBytes, String userAgent) {
        StringWriter out = new StringWriter(192);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", when.toString());
            g.writeStringField("source_ip", sourceIp);
            if (instanceId != null) {
                g.writeStringField("instance_id", instanceId);
            }
            g.writeStringField("http_method", method);
            g.writeNumberField("http_status", status);
            g.writeNumberField("sql_byte_length", sqlBytes);
            String ua = userAgent == null ? "" : userAgent;
            g.writeStringField("user_agent", ua.length() > MAX_USER_AGENT ? ua.substring(0, MAX_USER_AGENT) : ua);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        writer.close();
    }
}
