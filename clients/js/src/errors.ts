/** Extra facts about a failure, as the server reported them. */
export interface WalkinDBErrorDetails {
  retryAfter?: number | undefined;
  hint?: string | undefined;
  statement?: number | undefined;
  code?: string | undefined;
  entry?: number | undefined;
  cause?: unknown;
}

/**
 * Every failure of a walkindb call: an HTTP error answered by the server, or a
 * network error / timeout (then `status` is 0). The server's answers come as the
 * subclass named after their `code` (see {@link errorFor}); a code this client does
 * not know yet comes as a plain WalkinDBError with `code` set.
 */
export class WalkinDBError extends Error {
  /** HTTP status code; 0 when no HTTP response arrived (network error, timeout). */
  readonly status: number;
  /** The server's `error` message, e.g. `invalid sql: no such table: notes`. */
  readonly error: string;
  // `declare`: no field is emitted, so absent details stay absent (not own `undefined`s).
  /** Seconds to wait before trying again (from `Retry-After`), when the server said. */
  declare readonly retryAfter?: number;
  /** A suggestion for fixing the SQL (for some 400s), when the server gave one. */
  declare readonly hint?: string;
  /** 1-based index of the failing statement in a multi-statement call, a script, or a batch entry. */
  declare readonly statement?: number;
  /** The server's stable snake_case name for the error (`invalid_sql`, `instance_not_found`, ...): branch on it. */
  declare readonly code?: string;
  /** 1-based index of the failing entry of a `batch()`, when the server named one. */
  declare readonly entry?: number;

  constructor(status: number, error: string, details: WalkinDBErrorDetails = {}) {
    super(
      `walkindb error ${status}: ${error}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    // The subclass's own name (`RateLimitedError`, ...), so logs and stack traces say which.
    this.name = new.target.name;
    this.status = status;
    this.error = error;
    // Assigned only when present, so `"hint" in err` tells whether the server sent one.
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.statement !== undefined) this.statement = details.statement;
    if (details.code !== undefined) this.code = details.code;
    if (details.entry !== undefined) this.entry = details.entry;
  }
}

/** No HTTP answer at all (connection refused, reset, timed out): status 0, code `network_error` (client-side only). */
export class NetworkError extends WalkinDBError {}

// Grouping bases: catch a whole family at once.
/** Every 429: a budget is spent; `retryAfter` says when it refills. */
export class RateLimitError extends WalkinDBError {}
/** Every 503 of a busy server or walk-in; `retryAfter` says when to try again. */
export class UnavailableError extends WalkinDBError {}
/** The SQL was refused: by the keyword pre-filter, the authorizer, or SQLite. */
export class SqlError extends WalkinDBError {}
/** No room: the walk-in's own cap (507) or the server's data volume (503). */
export class StorageError extends WalkinDBError {}

// One class per `code` of the server's error table: PascalCase(code) + "Error", without
// doubling the "Error" of a code that ends in `_error` (`internal_error` is InternalError, as
// `network_error` is NetworkError); `timeout` is QueryTimeoutError, clear of the built-in
// TimeoutError. The Python client uses the same names.
export class RateLimitedError extends RateLimitError {}
export class NewInstanceRateLimitedError extends RateLimitError {}
export class TooManyLiveInstancesError extends RateLimitError {}
export class InstanceRateLimitedError extends RateLimitError {}
export class ImportRateLimitedError extends RateLimitError {}
export class ServerBusyError extends UnavailableError {}
export class InstanceBusyError extends UnavailableError {}
export class ForbiddenSqlKeywordError extends SqlError {}
export class ForbiddenSqlError extends SqlError {}
export class InvalidSqlError extends SqlError {}
export class StorageQuotaExceededError extends StorageError {}
export class ServerStorageFullError extends StorageError {}
export class InvalidJsonError extends WalkinDBError {}
export class MissingSqlError extends WalkinDBError {}
export class InvalidBatchError extends WalkinDBError {}
export class InvalidArgsError extends WalkinDBError {}
export class DuplicateHeaderError extends WalkinDBError {}
export class ResultRowTooLargeError extends WalkinDBError {}
export class MissingSessionError extends WalkinDBError {}
export class InvalidFormatError extends WalkinDBError {}
export class InvalidTableNameError extends WalkinDBError {}
export class InvalidCsvError extends WalkinDBError {}
export class BadRequestError extends WalkinDBError {}
export class NotFoundError extends WalkinDBError {}
export class InstanceNotFoundError extends WalkinDBError {}
export class MethodNotAllowedError extends WalkinDBError {}
export class QueryTimeoutError extends WalkinDBError {}
export class ImportTimeoutError extends WalkinDBError {}
export class ExportTimeoutError extends WalkinDBError {}
export class RequestBodyTimeoutError extends WalkinDBError {}
export class PayloadTooLargeError extends WalkinDBError {}
export class ImportTooLargeError extends WalkinDBError {}
export class UnsupportedMediaTypeError extends WalkinDBError {}
export class HeadersTooLargeError extends WalkinDBError {}
export class InternalError extends WalkinDBError {}
// Codes of the server's MCP route (POST /mcp) and of a draining node.
export class MissingMcpSessionError extends WalkinDBError {}
export class UnsupportedProtocolVersionError extends WalkinDBError {}
export class ForbiddenOriginError extends WalkinDBError {}
export class McpSessionNotFoundError extends WalkinDBError {}
export class LengthRequiredError extends WalkinDBError {}
export class TooManyMcpSessionsError extends RateLimitError {}
export class ServerDrainingError extends UnavailableError {}

type ErrorClass = new (status: number, error: string, details?: WalkinDBErrorDetails) => WalkinDBError;

const BY_CODE: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ["rate_limited", RateLimitedError],
  ["new_instance_rate_limited", NewInstanceRateLimitedError],
  ["too_many_live_instances", TooManyLiveInstancesError],
  ["instance_rate_limited", InstanceRateLimitedError],
  ["import_rate_limited", ImportRateLimitedError],
  ["server_busy", ServerBusyError],
  ["instance_busy", InstanceBusyError],
  ["forbidden_sql_keyword", ForbiddenSqlKeywordError],
  ["forbidden_sql", ForbiddenSqlError],
  ["invalid_sql", InvalidSqlError],
  ["storage_quota_exceeded", StorageQuotaExceededError],
  ["missing_mcp_session", MissingMcpSessionError],
  ["unsupported_protocol_version", UnsupportedProtocolVersionError],
  ["forbidden_origin", ForbiddenOriginError],
  ["mcp_session_not_found", McpSessionNotFoundError],
  ["length_required", LengthRequiredError],
  ["too_many_mcp_sessions", TooManyMcpSessionsError],
  ["server_draining", ServerDrainingError],
  ["server_storage_full", ServerStorageFullError],
  ["invalid_json", InvalidJsonError],
  ["missing_sql", MissingSqlError],
  ["invalid_batch", InvalidBatchError],
  ["invalid_args", InvalidArgsError],
  ["duplicate_header", DuplicateHeaderError],
  ["result_row_too_large", ResultRowTooLargeError],
  ["missing_session", MissingSessionError],
  ["invalid_format", InvalidFormatError],
  ["invalid_table_name", InvalidTableNameError],
  ["invalid_csv", InvalidCsvError],
  ["bad_request", BadRequestError],
  ["not_found", NotFoundError],
  ["instance_not_found", InstanceNotFoundError],
  ["method_not_allowed", MethodNotAllowedError],
  ["timeout", QueryTimeoutError],
  ["import_timeout", ImportTimeoutError],
  ["export_timeout", ExportTimeoutError],
  ["request_body_timeout", RequestBodyTimeoutError],
  ["payload_too_large", PayloadTooLargeError],
  ["import_too_large", ImportTooLargeError],
  ["unsupported_media_type", UnsupportedMediaTypeError],
  ["headers_too_large", HeadersTooLargeError],
  ["internal_error", InternalError],
]);

/**
 * The error for a server's answer, chosen by `details.code` alone (never by the message):
 * the class named after the code, or a plain WalkinDBError for a code this client does
 * not know (or none).
 */
export function errorFor(status: number, error: string, details: WalkinDBErrorDetails = {}): WalkinDBError {
  const ErrorClass = (details.code !== undefined && BY_CODE.get(details.code)) || WalkinDBError;
  return new ErrorClass(status, error, details);
}
