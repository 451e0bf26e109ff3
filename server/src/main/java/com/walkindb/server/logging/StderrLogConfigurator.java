package com.walkindb.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.walkindb.server.config.Node;
import org.slf4j.Logger;

/**
 * The server's own log, configured in code: one line per event on stderr, Jetty at WARN, the
 * rest at INFO. A logback.xml would do the same through Joran and an XML parser, which load
 * about 450 classes (some 4 MB of resident memory) for five lines of configuration.
 * With {@code -Dlogback.configurationFile=...} set, Logback's own XML configuration runs instead.
 */
public final class StderrLogConfigurator extends ContextAwareBase implements Configurator {
    /** The context property that holds the node's name (WALKINDB_NODE_NAME), shown on every line. */
    static final String NODE_PROPERTY = "walkindb.node";
    static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %property{" + NODE_PROPERTY + "} %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // Several nodes' logs usually end up in one place: each line says which node wrote it.
        context.putProperty(NODE_PROPERTY, Node.nameForLogs(System.getenv("WALKINDB_NODE_NAME")));
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
