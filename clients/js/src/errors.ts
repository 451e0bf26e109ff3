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
 * network error / timeout (then `status` is 0).
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
    this.name = "WalkinDBError";
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
