import { errorFor, type WalkinDBError } from "./errors.js";

/**
 * The WalkinDBError for a non-2xx response, of the class its body's `code` names;
 * `parsed` is its JSON body, if it had one.
 */
export function httpError(response: Response, parsed: unknown, text: string): WalkinDBError {
  const body =
    parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  // Application errors are JSON; a bare 400 from the HTTP stack may not be.
  const error =
    typeof body.error === "string" ? body.error : text.trim().slice(0, 200) || `HTTP ${response.status}`;
  return errorFor(response.status, error, {
    retryAfter: parseRetryAfter(response.headers.get("Retry-After")),
    hint: typeof body.hint === "string" ? body.hint : undefined,
    statement: typeof body.statement === "number" ? body.statement : undefined,
    code: typeof body.code === "string" ? body.code : undefined,
    entry: typeof body.entry === "number" ? body.entry : undefined,
  });
}

/** `Retry-After` in seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/** A header holding unix seconds, or null when it is absent or not a number. */
export function parseUnixSeconds(value: string | null): number | null {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}
