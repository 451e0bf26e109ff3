// Facts about the JavaScript runtime we are in, found out without importing anything
// runtime-specific (the package must load unchanged in Node, Bun, Deno, Workers, browsers).

export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

interface ProcessLike {
  env?: Record<string, string | undefined>;
}

/** `WALKINDB_BASE_URL` where the runtime has `process.env`, else the server's default address. */
export function defaultBaseUrl(): string {
  try {
    const proc = (globalThis as { process?: ProcessLike }).process;
    const fromEnv = proc?.env?.WALKINDB_BASE_URL;
    if (fromEnv) return fromEnv;
  } catch {
    // Deno without --allow-env throws on env access: fall back to the default.
  }
  return DEFAULT_BASE_URL;
}

/**
 * True in a web page or a browser worker. There, a `User-Agent` request header would
 * be a non-safelisted header that the server's CORS policy does not allow, and the
 * browser would refuse the whole call; so the client leaves it out.
 */
export function isBrowser(): boolean {
  const g = globalThis as { document?: unknown; navigator?: { userAgent?: unknown } };
  if (typeof g.document !== "undefined") return true;
  // Workers have no document. Browsers all say "Mozilla/..."; Node, Bun, Deno and
  // Cloudflare Workers name themselves instead.
  const ua = g.navigator?.userAgent;
  return typeof ua === "string" && ua.startsWith("Mozilla/");
}
