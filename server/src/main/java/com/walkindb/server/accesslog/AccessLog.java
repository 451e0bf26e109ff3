package com.walkindb.server.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.walkindb.server.json.JsonFactories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The access log: one JSON object per line with exactly seven fields, in
 * {@code DATA/logs/access-YYYY-MM-DD.jsonl} (UTC days), files older than 7 days deleted. Never
 * the SQL, args, results, column names or the token.
 *
 * <p>Every line is bounded: the method is one of the known HTTP methods or {@code OTHER}, the
 * user agent is cut to {@value #MAX_USER_AGENT} characters, the source address to
 * {@value #MAX_SOURCE_IP}. Lines of requests that no request budget charges are limited per
 * source IP ({@link EdgeLines}); the directory has a size cap ({@link DailyFileWriter}).
 *
 * <p>A request only formats its line and hands it to a queue; one background thread writes
 * ({@link DailyFileWriter}). A Logback appender, measured under load, built a logging event per
 * request (with a reflective lookup of the virtual thread's id) and wrote and flushed under a
 * lock on the request's thread.
 */
public final class AccessLog implements AutoCloseable {
    /** The seven fields, in the order they are written. */
    public static final List<String> FIELDS = List.of("timestamp", "source_ip", "instance_id",
            "http_method", "http_status", "sql_byte_length", "user_agent");
    /** The methods logged by name; any other is logged as {@code OTHER}. */
    static final Set<String> METHODS = Set.of("GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH",
            "CONNECT", "TRACE");
    static final int MAX_USER_AGENT = 256;
    static final int MAX_SOURCE_IP = 64;
    private static final JsonFactory JSON = JsonFactories.plain();

    private final DailyFileWriter writer;
    private final EdgeLines edge;
    private final IsoInstant timestamps = new IsoInstant();

    private AccessLog(DailyFileWriter writer, EdgeLines edge) {
        this.writer = writer;
        this.edge = edge;
    }

    /**
     * Starts writing under {@code dataDir/logs}, keeping {@code keepDays} days of files and at most
     * {@code maxBytes} in all; {@code edgeLinesPerMinute} lines per source IP (IPv6: per prefix of
     * {@code ipv6PrefixBits}) for requests no budget charges.
     */
    public static AccessLog open(Path dataDir, int keepDays, long maxBytes, int edgeLinesPerMinute,
                                 int ipv6PrefixBits, Clock clock) throws IOException {
        DailyFileWriter writer = DailyFileWriter.start(dataDir.resolve("logs"), "access-", ".jsonl", keepDays,
                maxBytes, clock, DailyFileWriter.FILES);
        return new AccessLog(writer, new EdgeLines(edgeLinesPerMinute, ipv6PrefixBits, clock));
    }

    /**
     * Queues one line. {@code instanceId} null when the request had no walk-in; {@code metered}
     * when a request budget charged the request (else it is an edge line, limited per source IP).
     */
    public void record(Instant when, String sourceIp, String instanceId, String method, int status,
                       int sqlBytes, String userAgent, boolean metered) {
        if (!metered && !edge.admit(sourceIp)) {
            return;
        }
        writer.write(when, line(timestamps.format(when), sourceIp, instanceId, method, status, sqlBytes, userAgent));
    }

    /** {@code timestamp}: the time as {@link Instant#toString()} writes it ({@link IsoInstant}). */
    static byte[] line(String timestamp, String sourceIp, String instanceId, String method, int status,
                       int sqlBytes, String userAgent) {
        ByteArrayBuilder out = new ByteArrayBuilder(256); // UTF-8 straight away: the file's bytes
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", timestamp);
            g.writeStringField("source_ip", cut(sourceIp, MAX_SOURCE_IP));
            if (instanceId != null) {
                g.writeStringField("instance_id", instanceId);
            }
            g.writeStringField("http_method", method != null && METHODS.contains(method) ? method : "OTHER");
            g.writeNumberField("http_status", status);
            g.writeNumberField("sql_byte_length", sqlBytes);
            g.writeStringField("user_agent", cut(userAgent, MAX_USER_AGENT));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** At most {@code max} chars, never half of a surrogate pair. */
    static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    /** Edge lines dropped since start. */
    long droppedEdgeLines() {
        return edge.dropped();
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        writer.close();
    }
}
