package com.walkindb.server.mcp;

import com.walkindb.server.ratelimit.ClientKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live MCP sessions of POST /mcp (docs/API.md, "Sessions of /mcp"): an {@code Mcp-Session-Id}
 * (32 random bytes from {@link SecureRandom}, base64url) names the walk-in token the session holds,
 * kept here, never sent to the client. A session ends after {@code idle} without a request, on
 * DELETE, or when the server stops; there are at most {@code max} in all and {@code maxPerClient}
 * opened by one client.
 */
public final class McpSessions {
    /** One MCP session. Its walk-in fields are read and written only under {@link #lock()}. */
    public static final class Session {
        private final String id;
        private final ClientKey owner;
        private final String protocolVersion;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile long lastUsedMillis;
        private String token;
        private Instant walkinExpires;

        private Session(String id, ClientKey owner, String protocolVersion, long now) {
            this.id = id;
            this.owner = owner;
            this.protocolVersion = protocolVersion;
            this.lastUsedMillis = now;
        }

        public String id() {
            return id;
        }

        public String protocolVersion() {
            return protocolVersion;
        }

        /** Held around each tool call: one at a time per session, so two first calls make one walk-in. */
        public ReentrantLock lock() {
            return lock;
        }

        /** The walk-in's session token; null when the session holds none (yet, or after reset or expiry). */
        public String token() {
            return token;
        }

        public Instant walkinExpires() {
            return walkinExpires;
        }

        public void holdWalkin(String newToken, Instant expires) {
            this.token = newToken;
            this.walkinExpires = expires;
        }

        public void dropWalkin() {
            this.token = null;
            this.walkinExpires = null;
        }
    }

    /** What {@link #open} came to. */
    public sealed interface Opened {
        record Ok(Session session) implements Opened {}

        /** The client holds {@code maxPerClient} sessions already. */
        record TooManyForClient(long retryAfterSeconds) implements Opened {}

        /** The server holds {@code max} sessions already. */
        record Full(long retryAfterSeconds) implements Opened {}
    }

    private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();
    private final Map<ClientKey, Integer> perClient = new HashMap<>(); // guarded by this
    private final int max;
    private final int maxPerClient;
    private final long idleMillis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public McpSessions(int max, int maxPerClient, Duration idle, Clock clock) {
        this.max = max;
        this.maxPerClient = maxPerClient;
        this.idleMillis = idle.toMillis();
        this.clock = clock;
    }

    /** A new session for {@code owner}, unless a cap is reached (after idle sessions are let go). */
    public synchronized Opened open(ClientKey owner, String protocolVersion) {
        long now = clock.millis();
        if (byId.size() >= max || perClient.getOrDefault(owner, 0) >= maxPerClient) {
            evictIdle(now);
        }
        long retryAfter = Math.max(1, Math.min(idleMillis / 1000, 60));
        if (perClient.getOrDefault(owner, 0) >= maxPerClient) {
            return new Opened.TooManyForClient(retryAfter);
        }
        if (byId.size() >= max) {
            return new Opened.Full(retryAfter);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session s = new Session(id, owner, protocolVersion, now);
        byId.put(id, s);
        perClient.merge(owner, 1, Integer::sum);
        return new Opened.Ok(s);
    }

    /** The live session named {@code id}, its idle time restarted; null when there is none (or it idled out). */
    public Session find(String id) {
        if (id == null) {
            return null;
        }
        Session s = byId.get(id);
        if (s == null) {
            return null;
        }
        long now = clock.millis();
        if (now - s.lastUsedMillis >= idleMillis) {
            close(id);
            return null;
        }
        s.lastUsedMillis = now;
        return s;
    }

    /** Ends the session named {@code id}; false when there was none. */
    public synchronized boolean close(String id) {
        Session s = byId.remove(id);
        if (s == null) {
            return false;
        }
        perClient.computeIfPresent(s.owner, (k, n) -> n <= 1 ? null : n - 1);
        return true;
    }

    /** Live sessions (idle ones not yet let go count too). */
    public int size() {
        return byId.size();
    }

    private void evictIdle(long now) {
        for (Session s : byId.values()) {
            if (now - s.lastUsedMillis >= idleMillis) {
                close(s.id);
            }
        }
    }
}
