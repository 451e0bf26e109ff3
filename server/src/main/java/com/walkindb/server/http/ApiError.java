package com.walkindb.server.http;

/**
 * An error answer of SPEC §2 as a value: status, the exact message, and the optional parts
 * (Retry-After, hint, failing statement, Allow). {@link Responses} turns it into HTTP.
 */
public record ApiError(int status, String message, long retryAfter, String hint, int statement, String allow) {

    static ApiError of(int status, String message) {
        return new ApiError(status, message, 0, null, 0, null);
    }

    static ApiError retryAfter(int status, String message, long seconds) {
        return new ApiError(status, message, seconds, null, 0, null);
    }

    static final ApiError INVALID_JSON = of(400, "invalid json");
    static final ApiError MISSING_SQL = of(400, "missing sql");
    static final ApiError ROW_TOO_LARGE = of(400, "result row too large");
    static final ApiError NOT_FOUND = of(404, "not found");
    static final ApiError INSTANCE_NOT_FOUND = of(404, "instance not found");
    static final ApiError TIMEOUT = of(408, "query exceeded 2s timeout");
    static final ApiError PAYLOAD_TOO_LARGE = of(413, "sql payload exceeds 8 KB");
    static final ApiError UNSUPPORTED_MEDIA_TYPE = of(415, "content-type must be application/json");
    static final ApiError HEADERS_TOO_LARGE = of(431, "request headers too large");
    static final ApiError STORAGE_FULL = of(507, "instance storage quota exceeded");
    static final ApiError INTERNAL = of(500, "internal error");

    static ApiError invalidArgs(String why) {
        return of(400, "invalid args: " + why);
    }

    static ApiError forbiddenKeyword(String keyword) {
        return of(400, "forbidden sql keyword: " + keyword);
    }

    static ApiError forbiddenSql(String what, int statement) {
        return new ApiError(400, "forbidden sql: " + what, 0, null, statement, null);
    }

    static ApiError invalidSql(String sqliteMessage, String hint, int statement) {
        return new ApiError(400, "invalid sql: " + sqliteMessage, 0, hint, statement, null);
    }

    static ApiError rowTooLarge(int statement) {
        return new ApiError(400, ROW_TOO_LARGE.message(), 0, null, statement, null);
    }

    static ApiError methodNotAllowed(String allow) {
        return new ApiError(405, "method not allowed", 0, null, 0, allow);
    }

    static ApiError serverBusy() {
        return retryAfter(503, "server busy", 1);
    }

    static ApiError instanceBusy() {
        return retryAfter(503, "instance busy", 1);
    }
}
