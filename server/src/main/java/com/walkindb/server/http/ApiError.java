package com.walkindb.server.http;

import com.walkindb.server.config.DataIo;
import com.walkindb.server.config.Limits;
import java.time.Duration;

/**
 * An error answer of the error table in docs/API.md as a value: status, the exact message, a
 * stable machine-readable {@code code} (snake_case, one per row of the table; clients branch
 * on it, never on the message), and the optional parts (Retry-After, hint, failing statement,
 * Allow, and the batch entry it happened in). {@link Responses} turns it into HTTP.
 */
public record ApiError(int status, String code, String message, long retryAfter, String hint, int statement,
                       String allow, int entry) {

    ApiError(int status, String code, String message, long retryAfter, String hint, int statement, String allow) {
        this(status, code, message, retryAfter, hint, statement, allow, 0);
    }

    /** The same error, naming the batch entry (1-based) it happened in. */
    ApiError inEntry(int batchEntry) {
        return new ApiError(status, code, message, retryAfter, hint, statement, allow, batchEntry);
    }

    /** The request attribute that holds the error a request was answered with (read by the metrics). */
    public static final String ATTRIBUTE = "com.walkindb.server.http.ApiError";

    static ApiError of(int status, String code, String message) {
        return new ApiError(status, code, message, 0, null, 0, null);
    }

    static ApiError retryAfter(int status, String code, String message, long seconds) {
        return new ApiError(status, code, message, seconds, null, 0, null);
    }

    static final ApiError INVALID_JSON = of(400, "invalid_json", "invalid json");
    static final ApiError MISSING_SQL = of(400, "missing_sql", "missing sql");
    static final ApiError BAD_REQUEST = of(400, "bad_request", "bad request");
    static final ApiError NOT_FOUND = of(404, "not_found", "not found");
    static final ApiError INSTANCE_NOT_FOUND = of(404, "instance_not_found", "instance not found");
    static final ApiError BODY_TIMEOUT = of(408, "request_body_timeout", "request body timeout");
    static final ApiError UNSUPPORTED_MEDIA_TYPE =
            of(415, "unsupported_media_type", "content-type must be application/json");
    static final ApiError HEADERS_TOO_LARGE = of(431, "headers_too_large", "request headers too large");
    static final ApiError STORAGE_FULL = of(507, "storage_quota_exceeded", "instance storage quota exceeded");
    static final ApiError INTERNAL = of(500, "internal_error", "internal error");

    static final ApiError MISSING_SESSION = of(400, "missing_session", "missing session");
    // POST /mcp (docs/API.md, "POST /mcp")
    static final ApiError FORBIDDEN_ORIGIN = of(403, "forbidden_origin", "origin not allowed");
    static final ApiError MISSING_MCP_SESSION = of(400, "missing_mcp_session", "missing Mcp-Session-Id");
    static final ApiError MCP_SESSION_NOT_FOUND = of(404, "mcp_session_not_found", "mcp session not found");
    static final ApiError MCP_CHUNKED_TOO_LARGE =
            of(411, "length_required", "a /mcp body over 64 KiB must declare its Content-Length");

    static ApiError unsupportedProtocolVersion(String version) {
        return of(400, "unsupported_protocol_version", "unsupported MCP-Protocol-Version: " + version);
    }

    static ApiError tooManyMcpSessions(long seconds) {
        return retryAfter(429, "too_many_mcp_sessions", "too many mcp sessions", seconds);
    }

    static ApiError mcpPayloadTooLarge(int maxBytes) {
        return of(413, "payload_too_large", "mcp payload exceeds " + maxBytes + " bytes");
    }
    static final ApiError INVALID_FORMAT = of(400, "invalid_format", "invalid format: must be sqlite or sql");
    static final ApiError INVALID_TABLE_NAME = of(400, "invalid_table_name", "invalid table name");
    static final ApiError IMPORT_MEDIA_TYPE =
            of(415, "unsupported_media_type", "content-type must be text/csv or application/sql");

    /** "import exceeds 4 MB", with the cap in force. */
    static ApiError importTooLarge(DataIo dataIo) {
        return of(413, "import_too_large", "import exceeds " + dataIo.maxImportText());
    }

    static ApiError importRateLimited(long seconds) {
        return retryAfter(429, "import_rate_limited", "import rate limit exceeded", seconds);
    }

    /** "import exceeded 10s timeout" or "export exceeded 10s timeout", with the deadline in force. */
    static ApiError dataTimeout(DataIo dataIo, boolean export) {
        return of(408, export ? "export_timeout" : "import_timeout",
                (export ? "export" : "import") + " exceeded " + shortText(dataIo.timeout()) + " timeout");
    }

    static ApiError invalidCsv(String why) {
        return of(400, "invalid_csv", "invalid csv: " + why);
    }

    /** "query exceeded 2s timeout", with the deadline in force. */
    static ApiError timeout(Limits limits) {
        return of(408, "timeout", "query exceeded " + shortText(limits.queryDeadline()) + " timeout");
    }

    /** "sql payload exceeds 8 KB", with the body cap in force. */
    static ApiError payloadTooLarge(Limits limits) {
        int bytes = limits.maxBodyBytes();
        return of(413, "payload_too_large", "sql payload exceeds "
                + (bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " bytes"));
    }

    /** Whole seconds as "2s", anything else in milliseconds ("500ms"). */
    private static String shortText(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    static ApiError invalidArgs(String why) {
        return of(400, "invalid_args", "invalid args: " + why);
    }

    static ApiError invalidBatch(String why) {
        return of(400, "invalid_batch", "invalid batch: " + why);
    }

    /** {@code name} as the table spells it, whatever the request's spelling. */
    static ApiError duplicateHeader(String name) {
        return of(400, "duplicate_header", "duplicate header: " + name);
    }

    static ApiError forbiddenKeyword(String keyword) {
        return of(400, "forbidden_sql_keyword", "forbidden sql keyword: " + keyword);
    }

    static ApiError forbiddenSql(String what, int statement) {
        return new ApiError(400, "forbidden_sql", "forbidden sql: " + what, 0, null, statement, null);
    }

    static ApiError invalidSql(String sqliteMessage, String hint, int statement) {
        return new ApiError(400, "invalid_sql", "invalid sql: " + sqliteMessage, 0, hint, statement, null);
    }

    static ApiError rowTooLarge(int statement) {
        return new ApiError(400, "result_row_too_large", "result row too large", 0, null, statement, null);
    }

    static ApiError methodNotAllowed(String allow) {
        return new ApiError(405, "method_not_allowed", "method not allowed", 0, null, 0, allow);
    }

    static ApiError rateLimited(long seconds) {
        return retryAfter(429, "rate_limited", "rate limit exceeded", seconds);
    }

    static ApiError newInstanceRateLimited(long seconds) {
        return retryAfter(429, "new_instance_rate_limited", "new-instance rate limit exceeded", seconds);
    }

    static ApiError tooManyLiveInstances(long seconds) {
        return retryAfter(429, "too_many_live_instances", "too many live instances", seconds);
    }

    static ApiError instanceRateLimited(long seconds) {
        return retryAfter(429, "instance_rate_limited", "instance rate limit exceeded", seconds);
    }

    static ApiError serverBusy() {
        return retryAfter(503, "server_busy", "server busy", 1);
    }

    /** The data volume is (nearly) full (the disk guard): no new walk-in, no write that grows one. */
    static ApiError serverStorageFull() {
        return retryAfter(503, "server_storage_full", "server storage full", 30);
    }

    /** The node is draining (docs/DEPLOY.md): no new walk-in here; another node (behind the proxy) takes it. */
    static ApiError serverDraining() {
        return retryAfter(503, "server_draining", "server draining", 1);
    }

    static ApiError instanceBusy() {
        return retryAfter(503, "instance_busy", "instance busy", 1);
    }

    /** What Jetty itself refused (malformed HTTP and the like), with the reason phrase as message. */
    static ApiError fromHttpStatus(int status, String reason) {
        return of(status, "http_" + status, reason);
    }
}
