import { requestBody, type Args } from "./args.js";
import { WalkinDBError } from "./errors.js";
import { httpError, parseUnixSeconds } from "./response.js";
import { toResult, type Result } from "./result.js";
import { defaultBaseUrl, isBrowser } from "./runtime.js";
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
}

const MAX_TIMER_MS = 2_147_483_647; // setTimeout fires at once for anything longer

/**
 * A handle on one walk-in database. The first call creates the walk-in; the client keeps
 * the session token from the response and sends it on every later call.
 */
export class Client {
  readonly baseUrl: string;
  readonly timeoutMs: number;
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
    // Concurrent first calls would each create a walk-in and all but one would be lost:
    // while one call is creating it, the others wait and then use its session.
    while (this.#session === null && this.#creating !== null) await this.#creating;
    const call = this.#post(body);
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
    return call;
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

  async #post(body: string): Promise<Result> {
    const generation = this.#generation;
    const headers = this.#headers();
    headers["Content-Type"] = "application/json";
    if (this.#session !== null) headers["X-Walkin-Session"] = this.#session;

    const { response, text } = await this.#request("/sql", { method: "POST", headers, body });
    if (generation === this.#generation) this.#adoptSession(response.headers);

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw httpError(response, parsed, text);
    try {
      return toResult(parsed);
    } catch (cause) {
      throw new WalkinDBError(response.status, `invalid response: ${(cause as Error).message}`, { cause });
    }
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

  /** One HTTP exchange, body read included, under the time limit. Status 0 on failure. */
  async #request(path: string, init: RequestInit): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const doFetch = this.#fetch;
    try {
      const response = await doFetch(this.baseUrl + path, { ...init, signal: controller.signal });
      const text = await response.text();
      return { response, text };
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new WalkinDBError(0, `request timed out after ${this.timeoutMs} ms`, { cause });
      }
      throw new WalkinDBError(0, `network error: ${describe(cause)}`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }
}

// Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED...) is its cause.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = (error as { cause?: { message?: unknown; code?: unknown } }).cause;
  const detail = inner?.message || inner?.code;
  return typeof detail === "string" && detail !== "" ? `${error.message} (${detail})` : error.message;
}
