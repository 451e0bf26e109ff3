package com.walkindb.server.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestServer} for a whole test class: started before its first test, closed after
 * its last, in-process or jailed as {@link TestServer#jailed()} says. Register it as
 * <pre>{@code
 * @RegisterExtension
 * static final ServerExtension server = ServerExtension.start();   // or withEnv(Map.of(...))
 * }</pre>
 * and speak to it through {@link #http()}. A test that needs a server of its own (a restart,
 * limits of its own) starts one with try-with-resources instead.
 */
public final class ServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> env;
    private volatile TestServer server;
    /** The class context that started the server: a @Nested class's context shares it. */
    private String startedBy;

    private ServerExtension(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A server with {@link TestServer}'s defaults (rate limits lifted). */
    public static ServerExtension start() {
        return withEnv(Map.of());
    }

    /** A server with these environment overrides on top of {@link TestServer}'s defaults. */
    public static ServerExtension withEnv(Map<String, String> env) {
        return new ServerExtension(env);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (server == null) {
            server = TestServer.start(env);
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!context.getUniqueId().equals(startedBy)) {
            return;
        }
        TestServer running = server;
        server = null;
        startedBy = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running server; only between the class's before-all and after-all. */
    public TestServer testServer() {
        if (server == null) {
            throw new IllegalStateException("the class's server runs only while the class's tests do");
        }
        return server;
    }

    /** The running server's client. */
    public Http http() {
        return testServer().http();
    }
}
