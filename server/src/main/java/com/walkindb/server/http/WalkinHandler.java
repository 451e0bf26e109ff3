package com.walkindb.server.http;

import com.walkindb.server.accesslog.AccessLog;
import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.DataCalls;
import com.walkindb.server.config.DataIo;
import com.walkindb.server.dataio.Spool;
import com.walkindb.server.drain.Drain;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.config.Limits;
import com.walkindb.server.config.McpSettings;
import com.walkindb.server.mcp.McpSessions;
import com.walkindb.server.mcp.McpTools;
import com.walkindb.server.ratelimit.ClientAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request (docs/API.md): CORS on all responses, OPTIONS → 204, the known paths with
 * their methods (405 with Allow otherwise), 404 for the rest; then writes the access-log line.
 * A bug surfaces as 500 "internal error" with the cause in the server log only.
 */
public final class WalkinHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(WalkinHandler.class);
    /** The whole public /healthz body: nothing about the process or its jail (docs/SECURITY.md). */
    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    /** While the node drains: the proxy's health check takes it out of the choice for new walk-ins. */
    private static final byte[] DRAINING = "{\"status\":\"draining\"}".getBytes(StandardCharsets.US_ASCII);

    private final SqlEndpoint sql;
    private final ImportEndpoint imports;
    private final ExportEndpoint exports;
    private final McpEndpoint mcp; // null when WALKINDB_MCP=off
    private final ClientAddress clientAddress;
    private final StaticAssets assets = new StaticAssets();
    private final AccessLog accessLog;
    private final Clock clock;
    private final Drain drain;

    public WalkinHandler(CallCore calls, DataCalls data, ClientAddress clientAddress, Limits limits, DataIo dataIo,
                         KeyedBudgets<ClientKey> uploads, Spool spool, McpSettings mcpSettings, AccessLog accessLog,
                         Clock clock, Drain drain) {
        this.sql = new SqlEndpoint(calls, clientAddress, limits);
        DataAnswers answers = new DataAnswers(clientAddress, dataIo);
        Outcomes outcomes = new Outcomes(limits);
        this.imports = new ImportEndpoint(calls, data, answers, outcomes, limits, dataIo, uploads, spool);
        this.exports = new ExportEndpoint(calls, data, answers, outcomes);
        if (mcpSettings.enabled()) {
            McpTools tools = McpTools.load();
            this.mcp = new McpEndpoint(calls, answers, outcomes, limits, mcpSettings,
                    new McpSessions(mcpSettings.maxSessions(), mcpSettings.maxSessionsPerIp(), mcpSettings.idle(), clock),
                    tools, new McpToolCalls(calls, data, answers, outcomes, dataIo, uploads, spool, tools),
                    dataIo.maxImportBytes());
        } else {
            this.mcp = null;
        }
        this.clientAddress = clientAddress;
        this.accessLog = accessLog;
        this.clock = clock;
        this.drain = drain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange();
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        Responses.cors(response);
        try {
            route(method, path == null ? "" : path, request, response, callback, ex);
        } catch (Throwable t) {
            LOG.error("internal error on {} {} (request {})", method, path, RequestIds.of(response), t);
            if (!response.isCommitted()) {
                // Session headers already set stay: the caller must be able to keep the walk-in.
                Responses.error(response, ApiError.INTERNAL, callback);
            } else {
                callback.failed(t);
            }
        } finally {
            log(request, response, method, ex);
        }
        return true;
    }

    private void route(String method, String path, Request request, Response response, Callback callback,
                       Exchange ex) throws Exception {
        boolean readsBody = method.equals("POST")
                && (path.equals("/sql") || path.equals("/import") || path.equals("/mcp") && mcp != null);
        if (!readsBody && Responses.hasBody(request)) {
            Responses.closeConnection(response); // no other route reads a body (POST /sql, /import, /mcp decide)
        }
        if (path.equals("/mcp") && mcp != null) {
            Responses.mcpCors(response);
        }
        if (method.equals("OPTIONS")) {
            response.setStatus(204);
            callback.succeeded();
            return;
        }
        switch (path) {
            case "/sql" -> {
                if (allow(method, "POST", response, callback)) {
                    sql.handle(request, response, callback, ex);
                }
            }
            case "/import" -> {
                if (allow(method, "POST", response, callback)) {
                    imports.handle(request, response, callback, ex);
                }
            }
            case "/mcp" -> {
                if (mcp != null) {
                    mcp.handle(method, request, response, callback, ex);
                } else {
                    Responses.error(response, ApiError.NOT_FOUND, callback);
                }
            }
            case "/db" -> {
                if (allow(method, "GET", response, callback)) {
                    exports.handle(request, response, callback, ex);
                }
            }
            case "/healthz" -> {
                if (allow(method, "GET", response, callback)) {
                    boolean out = drain.draining();
                    Responses.json(response, out ? 503 : 200, out ? DRAINING : HEALTHY, callback);
                }
            }
            case "/openapi.json" -> {
                if (allow(method, "GET", response, callback) && !assets.serve("/openapi.json", false, request, response, callback)) {
                    Responses.error(response, ApiError.NOT_FOUND, callback);
                }
            }
            case StaticAssets.LLMS_TXT -> {
                if (allow(method, "GET", response, callback) && !assets.serve(path, false, request, response, callback)) {
                    Responses.error(response, ApiError.NOT_FOUND, callback);
                }
            }
            case "/", "/index.html" -> {
                if (allow(method, "GET", response, callback)
                        && !assets.serve("/playground/index.html", true, request, response, callback)) {
                    Responses.error(response, ApiError.NOT_FOUND, callback);
                }
            }
            default -> {
                if (StaticAssets.isPlaygroundPath(path)) {
                    if (allow(method, "GET", response, callback) && !assets.serve(path, false, request, response, callback)) {
                        Responses.error(response, ApiError.NOT_FOUND, callback);
                    }
                } else {
                    Responses.error(response, ApiError.NOT_FOUND, callback);
                }
            }
        }
    }

    /** True when the method fits; otherwise answers 405 with Allow. */
    private static boolean allow(String method, String allowed, Response response, Callback callback) {
        if (method.equals(allowed)) {
            return true;
        }
        Responses.error(response, ApiError.methodNotAllowed(allowed + ", OPTIONS"), callback);
        return false;
    }

    private void log(Request request, Response response, String method, Exchange ex) {
        if (accessLog == null) {
            return;
        }
        try {
            accessLog.record(clock.instant(), ex.sourceIp != null ? ex.sourceIp : sourceIp(request), ex.instanceId,
                    method, response.getStatus(), ex.sqlBytes, request.getHeaders().get(HttpHeader.USER_AGENT),
                    ex.metered);
        } catch (RuntimeException e) {
            LOG.warn("access log write failed (request {}): {}", RequestIds.of(response), e.toString());
        }
    }

    /** The caller's address as POST /sql would count it (behind a trusted proxy: from X-Forwarded-For). */
    private String sourceIp(Request request) {
        if (request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer
                && peer.getAddress() != null) {
            return clientAddress.resolve(peer.getAddress(), request.getHeaders().getValuesList("X-Forwarded-For")).address();
        }
        return Request.getRemoteAddr(request);
    }
}
