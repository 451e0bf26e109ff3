package com.walkindb.server.accesslog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The access log of SPEC §5: one JSON object per line with exactly seven fields, in
 * {@code DATA/logs/access-YYYY-MM-DD.jsonl} (UTC days), files older than 7 days deleted by
 * Logback's rolling policy. Never the SQL, args, results, column names or the token.
 */
public final class AccessLog implements AutoCloseable {
    /** The seven fields, in the order they are written. */
    public static final java.util.List<String> FIELDS = java.util.List.of("timestamp", "source_ip", "instance_id",
            "http_method", "http_status", "sql_byte_length", "user_agent");
    private static final JsonFactory JSON = new JsonFactory();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int MAX_USER_AGENT = 256;

    private final Logger logger;
    private final RollingFileAppender<ILoggingEvent> appender;

    private AccessLog(Logger logger, RollingFileAppender<ILoggingEvent> appender) {
        this.logger = logger;
        this.appender = appender;
    }

    /** Starts writing under {@code dataDir/logs}; one logger per server so tests can run several. */
    public static AccessLog open(Path dataDir, int keepDays) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("access-" + IDS.incrementAndGet());
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(appender);
        policy.setFileNamePattern(dataDir.resolve("logs").toAbsolutePath() + "/access-%d{yyyy-MM-dd,UTC}.jsonl");
        policy.setMaxHistory(keepDays);
        policy.setCleanHistoryOnStart(true);
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();

        Logger logger = ctx.getLogger("walkindb.access." + appender.getName());
        logger.setAdditive(false);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(appender);
        return new AccessLog(logger, appender);
    }

    /** Writes one line. {@code instanceId} null when the request had no walk-in. */
    public void record(Instant when, String sourceIp, String instanceId, String method, int status,
                       int sqlBytes, String userAgent) {
        logger.info(line(when, sourceIp, instanceId, method, status, sqlBytes, userAgent));
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

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
