import { batchBody, requestBody, type Args, type BatchEntry } from "./args.js";
import { NetworkError, WalkinDBError } from "./errors.js";
import { httpError, parseUnixSeconds } from "./response.js";
import { toCsvImport, toResult, toResults, type CsvImport, type Result } from "./result.js";
import { defaultBaseUrl, isBrowser } from "./runtime.js";
import { csvBody, type CsvData, type CsvImportOptions } from "./upload.js";
import { VERSION } from "./version.js";

export interface ClientOptions {
  /** Server address. Default: `WALKINDB_BASE_URL` if the runtime has `process.env`, else `http://127.0.0.1:8080`. */
  baseUrl?: string | undefined;
  /** An existing `wkn_...` token to reach a walk-in created elsewhere. */
  session?: string | null | undefined;
  /** Per-request time limit in milliseconds, reading the body included. Default 10 000. */
  timeoutMs?: number | undefined;
  /** `User-Agent` header, sent outside browsers only. Default `walkindb-js/<version>`. */
  userAgent?: string | undefined;
  /** The fetch to use (tests, proxies, instrumentation). Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * How many times a call answered 429 or 503 is sent again, after the `Retry-After` the
   * server gave (1 s if none), as long as the waits add up to at most 10 s. Default 2; 0 turns
   * retries off. Nothing else is retried: every other answer, and a request that got no answer
   * (the server may have committed it), rejects at once.
   */
  maxRetries?: number | undefined;
}

const MAX_TIMER_MS = 2_147_483_647; // setTimeout fires at once for anything longer
const DEFAULT_MAX_RETRIES = 2;
const MAX_RETRY_WAIT_MS = 10_000; // in all, over the retries of one call

/**
 * A handle on one walk-in database. The first call creates the walk-in; the client keeps
 * the session token from the response and sends it on every later call.
 */
export class Client {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #userAgent: string | null;
  #session: string | null;
  #expiresAt: number | null = null;
  // Bumped by resetSession(), so a response to an older call cannot bring back its session.
  #generation = 0;
  // While the walk-in is being created: settles when that call is over.
  #creating: Promise<void> | null = null;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl || defaultBaseUrl()).replace(/\/+$/, "");
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
      throw new RangeError(`walkindb: timeoutMs must be between 1 and ${MAX_TIMER_MS}`);
    }
    this.timeoutMs = timeoutMs;
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new RangeError("walkindb: maxRetries must be a whole number, 0 or more");
    }
    this.maxRetries = maxRetries;
    if (options.fetch) {
      this.#fetch = options.fetch;
    } else if (typeof globalThis.fetch === "function") {
      // Looked up per call, and called unbound from `this` (browsers reject that).
      this.#fetch = (input, init) => globalThis.fetch(input, init);
    } else {
      throw new TypeError("walkindb: this runtime has no global fetch; pass options.fetch");
    }
    this.#userAgent = isBrowser() ? null : (options.userAgent ?? `walkindb-js/${VERSION}`);
    this.#session = options.session || null;
  }

  /** The current `wkn_...` session token, or null before the first call. */
  get session(): string | null {
    return this.#session;
  }

  /** When the walk-in will be deleted (unix seconds); null if this client did not create it. */
  get expiresAt(): number | null {
    return this.#expiresAt;
  }

  /** Forgets the session: the next call creates a fresh, empty walk-in. */
  resetSession(): void {
    this.#session = null;
    this.#expiresAt = null;
    this.#creating = null;
    this.#generation++;
  }

  /**
   * Runs one or more `;`-separated statements as one atomic call.
   * Rejects with WalkinDBError on any HTTP error, network error or timeout, and with
   * TypeError for arguments that cannot be sent (see {@link Args}).
   *
   * A 404 `instance not found` (the walk-in expired) keeps the session: carrying on
   * silently in a fresh, empty database would hide that every table is gone. Call
   * resetSession() to start over deliberately.
   */
  async execute(sql: string, args?: Args | null): Promise<Result> {
    const body = requestBody(sql, args);
    return this.#sessionCall((session) => this.#call("/sql", "POST", session, "application/json", body), toResult);
  }

  /**
   * Runs 1 to 50 entries in one request and one transaction, and resolves to one Result
   * per entry, in order (an entry of several statements gives its last statement's
   * result). Once the answer's 10 000 rows / 1 MiB are spent, later entries still run but
   * come back with no rows and `truncated: true`. The 8 KB body cap applies to the whole
   * batch.
   *
   * If an entry fails, nothing the batch did is kept and the WalkinDBError names it:
   * `entry` (1-based) and `statement` within it. Rejects with TypeError, before sending,
   * for an entry or args that cannot be sent.
   */
  async batch(entries: readonly BatchEntry[]): Promise<Result[]> {
    const body = batchBody(entries);
    return this.#sessionCall((session) => this.#call("/sql", "POST", session, "application/json", body), toResults);
  }

  /**
   * Downloads the walk-in as a SQLite database file (its bytes start with
   * `SQLite format 3\0`): a consistent snapshot.
   *
   * A client with no session has no walk-in to export: the request goes out without one
   * and the server answers `400 missing session` (code `missing_session`). An export
   * started while the first call is still creating the walk-in waits for it.
   */
  async export(): Promise<Uint8Array> {
    while (this.#session === null && this.#creating !== null) await this.#creating;
    const { bytes } = await this.#call("/db", "GET", this.#session, null, null, true);
    return bytes;
  }

  /**
   * Downloads the walk-in as SQL text like the sqlite3 shell's `.dump`: `BEGIN TRANSACTION;`,
   * the schema, one `INSERT` per row, `COMMIT;`. `importSql()` takes it back unchanged.
   * Without a session: as `export()`.
   */
  async exportSql(): Promise<string> {
    while (this.#session === null && this.#creating !== null) await this.#creating;
    const { bytes, response } = await this.#call("/db?format=sql", "GET", this.#session, null, null, true);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (cause) {
      throw new WalkinDBError(response.status, "invalid response: the dump is not UTF-8", { cause });
    }
  }

  /**
   * Loads CSV rows (RFC 4180, UTF-8 with or without BOM) into `table`, a plain identifier.
   * A missing table is created with each column typed from all its values (INTEGER, else
   * REAL, else TEXT; an empty field is NULL); an existing one gets the rows appended by
   * column name. Without a session this creates the walk-in, as `execute()` does.
   * A refused import (codes `invalid_csv`, `invalid_table_name`, `import_too_large`,
   * `import_rate_limited`, `import_timeout`, ...) leaves the walk-in as it was.
   */
  async importCsv(table: string, data: CsvData, options: CsvImportOptions = {}): Promise<CsvImport> {
    if (typeof table !== "string") throw new TypeError("walkindb: table must be a string");
    const header = options.header ?? true;
    if (typeof header !== "boolean") throw new TypeError("walkindb: options.header must be a boolean");
    const body = csvBody(data);
    const path = `/import?${new URLSearchParams({ table, header: String(header) }).toString()}`;
    return this.#sessionCall((session) => this.#call(path, "POST", session, "text/csv", body), toCsvImport);
  }

  /**
   * Runs a SQL script (up to the import cap, 4 MB by default) as one transaction through
   * the same checks as `execute()`; one outer `BEGIN TRANSACTION;` ... `COMMIT;` is
   * allowed, so `exportSql()` text loads as it is. Resolves to the script's Result
   * (`statement` in an error counts from the script's start). Without a session this
   * creates the walk-in.
   */
  async importSql(script: string): Promise<Result> {
    if (typeof script !== "string") throw new TypeError("walkindb: script must be a string");
    return this.#sessionCall((session) => this.#call("/import", "POST", session, "application/sql", script), toResult);
  }

  /** True when the server answers GET /healthz with `{"status":"ok"}`. Never throws. */
  async healthz(): Promise<boolean> {
    try {
      const { response, text } = await this.#request("/healthz", { method: "GET", headers: this.#headers() });
      return response.ok && (JSON.parse(text) as { status?: unknown } | null)?.status === "ok";
    } catch {
      return false;
    }
  }

  // Concurrent first calls would each create a walk-in and all but one would be lost:
  // while one call is creating it, the others wait and then use its session.
  // The wait loop is written out wherever it is needed: awaiting a helper would yield even
  // when nothing is being created, and concurrent first calls would all slip past the check.
  async #sessionCall<T>(send: (session: string | null) => Promise<Answer>, read: (body: unknown) => T): Promise<T> {
    while (this.#session === null && this.#creating !== null) await this.#creating;
    const call = send(this.#session);
    if (this.#session === null) {
      const settled = call.then(
        () => undefined,
        () => undefined,
      );
      this.#creating = settled;
      void settled.then(() => {
        if (this.#creating === settled) this.#creating = null;
      });
    }
    const { response, text } = await call;
    try {
      return read(parseJson(text));
    } catch (cause) {
      throw new WalkinDBError(response.status, `invalid response: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * One call on the walk-in: takes up a session from the answer, rejects unless 2xx.
   * A 429 or 503 is sent again after its Retry-After (see `maxRetries`): the server gives
   * those before anything is committed. The whole loop is one call to #sessionCall, so a
   * retried first call stays the one that creates the walk-in.
   */
  async #call(
    path: string,
    method: "GET" | "POST",
    session: string | null,
    contentType: string | null,
    body: BodyInit | null,
    binary = false,
  ): Promise<Answer> {
    const generation = this.#generation;
    let waitedMs = 0;
    for (let retries = 0; ; retries++) {
      const headers = this.#headers();
      if (contentType !== null) headers["Content-Type"] = contentType;
      if (session !== null) headers["X-Walkin-Session"] = session;
      const answer = await this.#request(path, { method, headers, body }, binary);
      if (generation === this.#generation) this.#adoptSession(answer.response.headers);
      if (answer.response.ok) return answer;
      const error = httpError(answer.response, parseJson(answer.text), answer.text);
      const waitMs = this.#retryWaitMs(error, retries, waitedMs);
      if (waitMs === null) throw error;
      await new Promise((done) => setTimeout(done, waitMs));
      waitedMs += waitMs;
      // A 503 after the walk-in was created carries its session: the retry goes there.
      if (session === null && generation === this.#generation) session = this.#session;
    }
  }

  /** How long to wait before sending again after `error`, or null to reject with it. */
  #retryWaitMs(error: WalkinDBError, retries: number, waitedMs: number): number | null {
    if (error.status !== 429 && error.status !== 503) return null;
    if (retries >= this.maxRetries) return null;
    const waitMs = (error.retryAfter ?? 1) * 1000;
    return waitedMs + waitMs <= MAX_RETRY_WAIT_MS ? waitMs : null;
  }

  #headers(): Record<string, string> {
    return this.#userAgent === null ? {} : { "User-Agent": this.#userAgent };
  }

  // The session headers come only on the response that created the walk-in, whatever
  // its status: take them from any response.
  #adoptSession(headers: Headers): void {
    const token = headers.get("X-Walkin-Session");
    if (!token) return;
    this.#session = token;
    this.#expiresAt = parseUnixSeconds(headers.get("X-Walkin-Ttl"));
  }

  /**
   * One HTTP exchange, body read included, under the time limit. Status 0 on failure.
   * `binary`: keep the body's bytes (a 2xx export); an error body is still read as text.
   */
  async #request(path: string, init: RequestInit, binary = false): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const doFetch = this.#fetch;
    try {
      const response = await doFetch(this.baseUrl + path, { ...init, signal: controller.signal });
      if (binary && response.ok) {
        return { response, text: "", bytes: new Uint8Array(await response.arrayBuffer()) };
      }
      const text = await response.text();
      return { response, text, bytes: EMPTY };
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new NetworkError(0, `request timed out after ${this.timeoutMs} ms`, { code: NETWORK_ERROR, cause });
      }
      throw new NetworkError(0, `network error: ${describe(cause)}`, { code: NETWORK_ERROR, cause });
    } finally {
      clearTimeout(timer);
    }
  }
}

interface Answer {
  response: Response;
  /** The body as text; "" when `bytes` holds it. */
  text: string;
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const NETWORK_ERROR = "network_error"; // the client's own code: no server answer has it

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED...) is its cause.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = (error as { cause?: { message?: unknown; code?: unknown } }).cause;
  const detail = inner?.message || inner?.code;
  return typeof detail === "string" && detail !== "" ? `${error.message} (${detail})` : error.message;
}
