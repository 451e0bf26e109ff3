// Error classes and retries without a server: a fake fetch scripts the answers.
// (The same behaviours against a real server: retry.test.mjs, errors.test.mjs.)

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import * as walkindb from "../dist/index.js";

const { Client, WalkinDBError, NetworkError, RateLimitError, UnavailableError, SqlError, StorageError } = walkindb;

const OK_BODY = { columns: [], rows: [], rows_affected: 0, truncated: false };
const SESSION_HEADERS = { "X-Walkin-Session": "wkn_1", "X-Walkin-Ttl": "4102444800" };

function json(body, { status = 200, headers = {} } = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** A fetch answering the n-th request (from 0) with `answers[n]`, or the last one. */
function scripted(...answers) {
  const requests = [];
  const fetch = async (url, init) => {
    const n = requests.push({ url, ...init, headers: { ...init.headers } }) - 1;
    const answer = answers[Math.min(n, answers.length - 1)];
    return typeof answer === "function" ? answer(n) : answer();
  };
  return { fetch, requests };
}

const refusal = (status, code, retryAfter, extraHeaders = {}) => () =>
  json(
    { error: `${code} answer`, code },
    { status, headers: retryAfter === undefined ? extraHeaders : { "Retry-After": String(retryAfter), ...extraHeaders } },
  );
const ok = (headers = {}) => () => json(OK_BODY, { headers });

/** The codes of docs/API.md's error table, with their status. */
function documentedCodes() {
  const api = readFileSync(new URL("../../../docs/API.md", import.meta.url), "utf8");
  const rows = [...api.matchAll(/^\| (\d{3}) \| `[^`]*` \| `([a-z_]+)` \|/gm)].map((m) => [m[2], Number(m[1])]);
  assert.ok(rows.length > 30, `found only ${rows.length} rows in the error table`);
  return new Map(rows);
}

// PascalCase(code) + "Error", the "Error" of a code ending in _error not doubled; timeout is QueryTimeoutError.
const className = (code) =>
  code === "timeout"
    ? "QueryTimeoutError"
    : code.replace(/_error$/, "").split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("") + "Error";

const GROUPS = {
  RateLimitError: ["rate_limited", "new_instance_rate_limited", "too_many_live_instances", "instance_rate_limited", "import_rate_limited", "too_many_mcp_sessions"],
  UnavailableError: ["server_busy", "instance_busy", "server_draining"],
  SqlError: ["forbidden_sql_keyword", "forbidden_sql", "invalid_sql"],
  StorageError: ["storage_quota_exceeded", "server_storage_full"],
};

describe("error classes", () => {
  test("every code of the API's error table has its exported class, built from the body's code", async () => {
    for (const [code, status] of documentedCodes()) {
      const Class = walkindb[className(code)];
      assert.equal(typeof Class, "function", `${className(code)} is not exported (code ${code})`);
      const { fetch } = scripted(refusal(status, code));
      const error = await new Client({ fetch, maxRetries: 0 }).execute("SELECT 1").catch((e) => e);
      assert.ok(error instanceof Class, `${code} gave ${error.name}`);
      assert.ok(error instanceof WalkinDBError);
      assert.equal(error.name, className(code));
      assert.equal(error.code, code);
      assert.equal(error.status, status);
      assert.equal(error.error, `${code} answer`);
    }
  });

  test("the grouping bases hold exactly their codes", () => {
    const bases = { RateLimitError, UnavailableError, SqlError, StorageError };
    for (const [code] of documentedCodes()) {
      const Class = walkindb[className(code)];
      for (const [base, codes] of Object.entries(GROUPS)) {
        assert.equal(Class.prototype instanceof bases[base], codes.includes(code), `${code} and ${base}`);
      }
    }
  });

  test("the class comes from the code, never from the message", async () => {
    const { fetch } = scripted(() => json({ error: "rate limit exceeded", code: "invalid_sql" }, { status: 400 }));
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof walkindb.InvalidSqlError);
    assert.ok(!(error instanceof RateLimitError));
  });

  test("an unknown code, or none, is a plain WalkinDBError with what the server said", async () => {
    for (const [body, code] of [
      [{ error: "teapot", code: "brewing_tea" }, "brewing_tea"],
      [{ error: "request headers too large", code: "http_418" }, "http_418"],
      [{ error: "no code" }, undefined],
    ]) {
      const { fetch } = scripted(() => json(body, { status: 418 }));
      const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
      assert.equal(Object.getPrototypeOf(error), WalkinDBError.prototype, JSON.stringify(body));
      assert.equal(error.name, "WalkinDBError");
      assert.equal(error.code, code);
      assert.equal(error.status, 418);
    }
  });

  test("no answer at all is a NetworkError: status 0, code network_error, not retried", async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    };
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof NetworkError);
    assert.ok(error instanceof WalkinDBError);
    assert.equal(error.status, 0);
    assert.equal(error.code, "network_error");
    assert.equal(error.name, "NetworkError");
    assert.equal(calls, 1);
  });

  test("a client-side timeout is a NetworkError too", async () => {
    const fetch = (_url, init) =>
      new Promise((_done, fail) => init.signal.addEventListener("abort", () => fail(init.signal.reason)));
    const error = await new Client({ fetch, timeoutMs: 20 }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof NetworkError);
    assert.equal(error.error, "request timed out after 20 ms");
    assert.equal(error.code, "network_error");
  });
});

describe("retries", () => {
  test("a 503 is sent again after Retry-After, and the call resolves", async () => {
    const { fetch, requests } = scripted(refusal(503, "server_busy", 0), ok());
    const result = await new Client({ fetch }).execute("SELECT 1");
    assert.equal(result.rowsAffected, 0);
    assert.equal(requests.length, 2);
    assert.equal(requests[1].body, requests[0].body);
  });

  test("by default at most 2 retries; the error is the last answer's", async () => {
    const { fetch, requests } = scripted((n) => json({ error: `busy ${n}`, code: "instance_busy" }, { status: 503, headers: { "Retry-After": "0" } }));
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.equal(requests.length, 3);
    assert.ok(error instanceof walkindb.InstanceBusyError);
    assert.equal(error.error, "busy 2");
  });

  test("maxRetries sets the count; 0 turns retries off", async () => {
    for (const [maxRetries, sent] of [[0, 1], [1, 2], [5, 6]]) {
      const { fetch, requests } = scripted(refusal(429, "rate_limited", 0));
      const error = await new Client({ fetch, maxRetries }).execute("SELECT 1").catch((e) => e);
      assert.ok(error instanceof walkindb.RateLimitedError);
      assert.equal(requests.length, sent, `maxRetries ${maxRetries}`);
    }
    for (const bad of [-1, 1.5, NaN, "2"]) {
      assert.throws(() => new Client({ fetch: scripted(ok()).fetch, maxRetries: bad }), RangeError, String(bad));
    }
  });

  test("no wait that would take the total past 10 s: the error comes at once", async () => {
    // 9.9 s alone would fit; after the first 0.2 s it does not.
    const { fetch, requests } = scripted(refusal(429, "rate_limited", 0.2), refusal(429, "rate_limited", 9.9), ok());
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.equal(requests.length, 2);
    assert.equal(error.retryAfter, 9.9);

    const far = scripted(refusal(429, "too_many_live_instances", 11), ok());
    assert.ok((await new Client({ fetch: far.fetch }).execute("SELECT 1").catch((e) => e)) instanceof walkindb.TooManyLiveInstancesError);
    assert.equal(far.requests.length, 1);
  });

  test("without Retry-After the wait is 1 s", async () => {
    const { fetch, requests } = scripted(refusal(503, "server_busy", undefined), ok());
    const started = performance.now();
    await new Client({ fetch }).execute("SELECT 1");
    assert.equal(requests.length, 2);
    assert.ok(performance.now() - started >= 950, "waited at least about a second");
  });

  test("nothing but 429 and 503 is retried: 408, other 4xx, other 5xx", async () => {
    for (const [status, code] of [[408, "timeout"], [408, "request_body_timeout"], [400, "invalid_sql"], [404, "instance_not_found"], [500, "internal_error"], [507, "storage_quota_exceeded"], [502, "http_502"]]) {
      const { fetch, requests } = scripted(refusal(status, code, 0), ok());
      const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
      assert.equal(error.status, status);
      assert.equal(requests.length, 1, `${status} ${code} was sent again`);
    }
  });

  test("imports and exports are retried too, with the same body", async () => {
    const { fetch, requests } = scripted(refusal(429, "import_rate_limited", 0), () => json({ table: "t", columns: ["a"], rows_affected: 1 }));
    await new Client({ fetch }).importCsv("t", new Uint8Array([97, 10, 49, 10]));
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[1].body, requests[0].body);
  });
});

describe("first calls", () => {
  test("a retried first call is still the one creating call; the others wait and carry its token", async () => {
    const { fetch, requests } = scripted(refusal(429, "new_instance_rate_limited", 0), ok(SESSION_HEADERS), ok());
    const db = new Client({ fetch });
    await Promise.all([db.execute("SELECT 1"), db.execute("SELECT 2"), db.execute("SELECT 3")]);
    assert.deepEqual(
      requests.map((r) => [JSON.parse(r.body).sql, r.headers["X-Walkin-Session"] ?? null]),
      [["SELECT 1", null], ["SELECT 1", null], ["SELECT 2", "wkn_1"], ["SELECT 3", "wkn_1"]],
    );
  });

  test("a first call that fails hands creation to the next waiting call", async () => {
    const { fetch, requests } = scripted(refusal(400, "forbidden_sql_keyword"), ok(SESSION_HEADERS), ok());
    const db = new Client({ fetch });
    const outcomes = await Promise.allSettled([db.execute("ATTACH 'x' AS x"), db.execute("SELECT 2"), db.execute("SELECT 3")]);
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "fulfilled", "fulfilled"]);
    assert.ok(outcomes[0].reason instanceof walkindb.ForbiddenSqlKeywordError);
    assert.deepEqual(
      requests.map((r) => [JSON.parse(r.body).sql, r.headers["X-Walkin-Session"] ?? null]),
      [["ATTACH 'x' AS x", null], ["SELECT 2", null], ["SELECT 3", "wkn_1"]],
    );
  });

  test("a 503 that came after the walk-in was created is retried with its session", async () => {
    const { fetch, requests } = scripted(refusal(503, "server_busy", 0, SESSION_HEADERS), ok());
    const db = new Client({ fetch });
    await db.execute("SELECT 1");
    assert.deepEqual(requests.map((r) => r.headers["X-Walkin-Session"] ?? null), [null, "wkn_1"]);
    assert.equal(db.session, "wkn_1");
  });
});
