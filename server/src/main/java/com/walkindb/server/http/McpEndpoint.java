package com.walkindb.server.http;

import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.CallResult;
import com.walkindb.server.call.Caller;
import com.walkindb.server.config.Limits;
import com.walkindb.server.config.McpSettings;
import com.walkindb.server.json.JsonTree;
import com.walkindb.server.mcp.McpProtocol;
import com.walkindb.server.mcp.McpSessions;
import com.walkindb.server.mcp.McpTools;
import com.walkindb.server.mcp.SchemaCheck;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * /mcp: remote MCP over the Streamable HTTP transport (docs/API.md, "POST /mcp"). POST carries
 * JSON-RPC and is answered with JSON (never a stream); DELETE ends a session; GET is 405, as
 * the server opens no stream of its own. Each POST passes the Origin check, then the per-client
 * request budget of POST /sql (step 2), then its own step 3 (headers, media type, body, JSON);
 * each tool call then goes through the call core like a POST /sql.
 */
final class McpEndpoint {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** Bodies up to this size need no share of {@link #BIG_BODIES}; larger ones must declare their length. */
    static final int SMALL_BODY = 64 * 1024;
    /** KiB of large /mcp bodies held at once (import_csv's CSV): the rest wait their turn as 503. */
    static final int BIG_BODIES_KIB = 64 * 1024;

    // JSON-RPC error codes
    private static final int PARSE_ERROR = -32700;
    private static final int INVALID_REQUEST = -32600;
    private static final int METHOD_NOT_FOUND = -32601;
    private static final int INVALID_PARAMS = -32602;

    private final CallCore core;
    private final DataAnswers answers;
    private final Outcomes outcomes;
    private final Limits limits;
    private final McpSettings settings;
    private final McpSessions sessions;
    private final McpTools tools;
    private final McpToolCalls calls;
    private final JsonTree json;
    private final int maxBody;
    private final Semaphore bigBodies = new Semaphore(BIG_BODIES_KIB);

    McpEndpoint(CallCore core, DataAnswers answers, Outcomes outcomes, Limits limits, McpSettings settings,
                McpSessions sessions, McpTools tools, McpToolCalls calls, long maxImportBytes) {
        this.core = core;
        this.answers = answers;
        this.outcomes = outcomes;
        this.limits = limits;
        this.settings = settings;
        this.sessions = sessions;
        this.tools = tools;
        this.calls = calls;
        this.maxBody = maxBody(maxImportBytes);
        this.json = new JsonTree(limits.maxJsonDepth(), limits.maxNumberChars(), maxBody);
    }

    /** The /mcp body cap: an import_csv of the largest CSV POST /import takes, plus room for its envelope. */
    static int maxBody(long maxImportBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 16, maxImportBytes + SMALL_BODY);
    }

    void handle(String method, Request request, Response response, Callback callback, Exchange ex)
            throws InterruptedException {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !settings.allows(origin)) {
            refuse(ApiError.FORBIDDEN_ORIGIN, response, callback, ex); // DNS rebinding: a page is not a client
            return;
        }
        switch (method) {
            case "POST" -> post(request, response, callback, ex);
            case "DELETE" -> delete(request, response, callback, ex);
            default -> refuse(ApiError.methodNotAllowed("POST, DELETE, OPTIONS"), response, callback, ex);
        }
    }

    private void delete(Request request, Response response, Callback callback, Exchange ex) {
        String id = request.getHeaders().get(SESSION_HEADER);
        if (id == null || id.isEmpty()) {
            refuse(ApiError.MISSING_MCP_SESSION, response, callback, ex);
            return;
        }
        McpSessions.Session s = sessions.find(id);
        if (s == null || !sessions.close(id)) {
            refuse(ApiError.MCP_SESSION_NOT_FOUND, response, callback, ex);
            return;
        }
        ex.instanceId = null;
        response.setStatus(204);
        callback.succeeded();
    }

    private void post(Request request, Response response, Callback callback, Exchange ex) throws InterruptedException {
        Caller caller = answers.caller(request, ex);
        Optional<CallResult> refusal = core.admit(caller);
        ex.metered = refusal.isEmpty();
        if (refusal.isPresent()) {
            refuse(outcomes.error(refusal.get().outcome()), response, callback, ex);
            return;
        }
        String repeated = RepeatedHeaders.find(request.getHeaders());
        if (repeated != null) {
            refuse(ApiError.duplicateHeader(repeated), response, callback, ex);
            return;
        }
        if (!RequestBody.isJson(request)) {
            refuse(ApiError.UNSUPPORTED_MEDIA_TYPE, response, callback, ex);
            return;
        }
        long declared = request.getLength();
        if (declared > maxBody) {
            refuse(ApiError.mcpPayloadTooLarge(maxBody), response, callback, ex);
            return;
        }
        int share = declared > SMALL_BODY ? (int) ((declared + 1023) / 1024) : 0;
        if (share > 0 && !bigBodies.tryAcquire(share)) {
            refuse(ApiError.serverBusy(), response, callback, ex);
            return;
        }
        try {
            byte[] body = readBody(request, declared < 0 ? SMALL_BODY : maxBody, response, callback, ex);
            if (body != null) {
                answer(body, caller, request, response, callback, ex);
            }
        } finally {
            bigBodies.release(share);
        }
    }

    /** Step 3's body: the bytes, or null when the request was refused here. */
    private byte[] readBody(Request request, int cap, Response response, Callback callback, Exchange ex) {
        byte[] bytes;
        try {
            bytes = RequestBody.read(request, cap, limits);
        } catch (RequestBody.TooSlow e) {
            refuse(ApiError.BODY_TIMEOUT, response, callback, ex);
            return null;
        } catch (IOException | RuntimeException e) {
            int code = e instanceof HttpException he ? he.getCode()
                    : e.getCause() instanceof HttpException he ? he.getCode() : 400;
            refuse(code == 408 ? ApiError.BODY_TIMEOUT : ApiError.BAD_REQUEST, response, callback, ex);
            return null;
        }
        if (bytes == null) {
            refuse(cap == SMALL_BODY && request.getLength() < 0 ? ApiError.MCP_CHUNKED_TOO_LARGE
                    : ApiError.mcpPayloadTooLarge(maxBody), response, callback, ex);
            return null;
        }
        ex.bodyRead = true;
        return bytes;
    }

    private void answer(byte[] body, Caller caller, Request request, Response response, Callback callback, Exchange ex)
            throws InterruptedException {
        Object message;
        try {
            message = json.parse(body);
        } catch (JsonTree.Invalid e) {
            rpcFailure(400, rpcError(null, PARSE_ERROR, "Parse error: invalid json"), response, callback);
            return;
        }
        if (message instanceof Map<?, ?> m && "initialize".equals(m.get("method"))) {
            initialize(map(m), caller, response, callback, ex);
            return;
        }
        String version = request.getHeaders().get(VERSION_HEADER);
        if (version != null && !McpProtocol.SUPPORTED.contains(version)) {
            refuse(ApiError.unsupportedProtocolVersion(version), response, callback, ex);
            return;
        }
        String id = request.getHeaders().get(SESSION_HEADER);
        if (id == null || id.isEmpty()) {
            refuse(ApiError.MISSING_MCP_SESSION, response, callback, ex);
            return;
        }
        McpSessions.Session session = sessions.find(id);
        if (session == null) {
            refuse(ApiError.MCP_SESSION_NOT_FOUND, response, callback, ex); // the client starts a new session
            return;
        }
        String baseUrl = baseUrl(request);
        if (message instanceof List<?> batch) {
            if (!McpProtocol.WITH_BATCHES.equals(session.protocolVersion()) || batch.isEmpty()
                    || batch.size() > tools.maxBatchEntries()) {
                rpcFailure(400, rpcError(null, INVALID_REQUEST, batch.isEmpty() || batch.size() > tools.maxBatchEntries()
                        ? "Invalid Request: a batch holds 1 to " + tools.maxBatchEntries() + " messages"
                        : "Invalid Request: JSON-RPC batches are not part of MCP " + session.protocolVersion()),
                        response, callback);
                return;
            }
            List<Object> replies = new ArrayList<>();
            boolean first = true;
            for (Object one : batch) {
                Object reply = dispatch(one, session, caller, ex, baseUrl, first);
                first = false;
                if (reply != null) {
                    replies.add(reply);
                }
            }
            reply(replies.isEmpty() ? null : replies, session, response, callback);
            return;
        }
        Object reply = dispatch(message, session, caller, ex, baseUrl, true);
        if (reply instanceof Map<?, ?> r && r.containsKey("error") && r.get("id") == null) {
            rpcFailure(400, reply, response, callback); // not a JSON-RPC message at all
            return;
        }
        reply(reply, session, response, callback);
    }

    /** An initialize request: a new session (when the caps allow), the revision negotiated. */
    private void initialize(Map<String, Object> m, Caller caller, Response response, Callback callback, Exchange ex) {
        Object rpcId = m.get("id");
        if (!"2.0".equals(m.get("jsonrpc")) || !validId(rpcId)) {
            rpcFailure(400, rpcError(null, INVALID_REQUEST, "Invalid Request"), response, callback);
            return;
        }
        Object params = m.get("params");
        if (!(params instanceof Map<?, ?> p)) {
            rpcFailure(200, rpcError(rpcId, INVALID_PARAMS, "Invalid params: initialize needs params"), response,
                    callback);
            return;
        }
        String version = McpProtocol.negotiate(p.get("protocolVersion"));
        McpSessions.Session session;
        switch (sessions.open(caller.key(), version)) {
            case McpSessions.Opened.Ok ok -> session = ok.session();
            case McpSessions.Opened.TooManyForClient t -> {
                refuse(ApiError.tooManyMcpSessions(t.retryAfterSeconds()), response, callback, ex);
                return;
            }
            case McpSessions.Opened.Full f -> {
                refuse(ApiError.serverBusy(), response, callback, ex);
                return;
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", version);
        result.put("capabilities", tools.capabilities());
        result.put("serverInfo", tools.serverInfo());
        result.put("instructions", tools.instructions());
        response.getHeaders().put(SESSION_HEADER, session.id());
        Responses.json(response, 200, JsonTree.write(rpcResult(rpcId, result)), callback);
    }

    /**
     * One JSON-RPC message of a session: the reply for a request, null for a notification or a
     * response (nothing to answer). {@code admitted}: the POST's admission already counts this
     * message; a further tool call in a batch is admitted on its own.
     */
    private Object dispatch(Object message, McpSessions.Session session, Caller caller, Exchange ex, String baseUrl,
                            boolean admitted) throws InterruptedException {
        if (!(message instanceof Map<?, ?> raw) || !"2.0".equals(raw.get("jsonrpc"))) {
            return rpcError(null, INVALID_REQUEST, "Invalid Request");
        }
        Map<String, Object> m = map(raw);
        Object method = m.get("method");
        boolean isRequest = m.containsKey("id");
        if (method == null && (m.containsKey("result") || m.containsKey("error"))) {
            return null; // a response to a request of ours: we send none, so there is nothing to match
        }
        if (!(method instanceof String name) || isRequest && !validId(m.get("id"))) {
            return rpcError(null, INVALID_REQUEST, "Invalid Request");
        }
        if (!isRequest) {
            return null; // notifications/initialized, notifications/cancelled, ...: nothing to do
        }
        Object rpcId = m.get("id");
        return switch (name) {
            case "ping" -> rpcResult(rpcId, Map.of());
            case "tools/list" -> rpcResult(rpcId, Map.of("tools", tools.tools()));
            case "tools/call" -> toolsCall(rpcId, m.get("params"), session, caller, ex, baseUrl, admitted);
            case "initialize" -> rpcError(rpcId, INVALID_REQUEST, "Invalid Request: initialize opens a session "
                    + "on its own, not inside a batch");
            default -> rpcError(rpcId, METHOD_NOT_FOUND, "Method not found: " + name);
        };
    }

    private Object toolsCall(Object rpcId, Object params, McpSessions.Session session, Caller caller, Exchange ex,
                             String baseUrl, boolean admitted) throws InterruptedException {
        if (!(params instanceof Map<?, ?> p) || !(p.get("name") instanceof String name)) {
            return rpcError(rpcId, INVALID_PARAMS, "Invalid params: tools/call needs a tool name");
        }
        Map<String, Object> tool = tools.tool(name);
        if (tool == null) {
            return rpcError(rpcId, INVALID_PARAMS, "Tool " + name + " not found");
        }
        Object args = p.get("arguments") == null ? Map.of() : p.get("arguments");
        String problem = SchemaCheck.problem(map(tool.get("inputSchema")), args);
        if (problem != null) {
            return rpcResult(rpcId, McpToolCalls.errorResult(
                    "Input validation error: Invalid arguments for tool " + name + ": " + problem));
        }
        if (!admitted) {
            Optional<CallResult> refusal = core.admit(caller);
            if (refusal.isPresent()) {
                ApiError e = outcomes.error(refusal.get().outcome());
                return rpcResult(rpcId, McpToolCalls.errorResult(calls.errorText(e, session.token() != null, "execute")));
            }
        }
        session.lock().lockInterruptibly();
        try {
            return rpcResult(rpcId, calls.call(name, map(args), new McpToolCalls.Context(session, caller, ex, baseUrl)));
        } finally {
            session.lock().unlock();
        }
    }

    private static void reply(Object reply, McpSessions.Session session, Response response, Callback callback) {
        response.getHeaders().put(SESSION_HEADER, session.id());
        if (reply == null) {
            response.setStatus(202); // only notifications or responses: accepted, no body
            callback.succeeded();
            return;
        }
        Responses.json(response, 200, JsonTree.write(reply), callback);
    }

    /** scheme://authority as the client reached the server, for the advice that names a URL. */
    private static String baseUrl(Request request) {
        var uri = request.getHttpURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static boolean validId(Object id) {
        return id instanceof String || id instanceof Long || id instanceof BigInteger;
    }

    private static Map<String, Object> rpcResult(Object id, Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("result", result);
        return m;
    }

    private static Map<String, Object> rpcError(Object id, int code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("error", Map.of("code", code, "message", message));
        return m;
    }

    /** A JSON-RPC error that is not a reply to any request (the body could not be read as one): id null. */
    private static void rpcFailure(int status, Object error, Response response, Callback callback) {
        Responses.json(response, status, JsonTree.write(error), callback);
    }

    /** An HTTP-level refusal, in the error body of every route. */
    private static void refuse(ApiError error, Response response, Callback callback, Exchange ex) {
        if (!ex.bodyRead) {
            Responses.closeConnection(response);
        }
        Responses.error(response, error, callback);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
