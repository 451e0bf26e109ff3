package com.walkindb.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Remote MCP on the public listener (docs/API.md, "POST /mcp").
 *
 * @param enabled          WALKINDB_MCP: whether /mcp is served at all (off: 404 like any unknown path)
 * @param origins          WALKINDB_MCP_ORIGINS: browser origins allowed to call /mcp, normalised
 *                         ({@link #normalise}); empty by default: a request with an Origin header is refused
 * @param maxSessions      WALKINDB_MCP_MAX_SESSIONS: live MCP sessions in all
 * @param maxSessionsPerIp WALKINDB_MCP_MAX_SESSIONS_PER_IP: live MCP sessions one client may hold
 * @param idle             WALKINDB_MCP_SESSION_IDLE_S: an MCP session with no request for this long ends
 */
public record McpSettings(boolean enabled, List<String> origins, int maxSessions, int maxSessionsPerIp,
                          Duration idle) {
    public static final McpSettings DEFAULTS = new McpSettings(true, List.of(), 10_000, 100, Duration.ofMinutes(30));

    public McpSettings {
        origins = List.copyOf(origins);
    }

    /** Whether a request carrying {@code Origin: origin} may call /mcp. */
    public boolean allows(String origin) {
        String n = normalise(origin);
        return n != null && origins.contains(n);
    }

    /**
     * An origin as browsers send it, {@code scheme://host[:port]}, lower-cased, without a default
     * port; null when it is not one (a path, a user, "null", no host).
     */
    public static String normalise(String origin) {
        if (origin == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
