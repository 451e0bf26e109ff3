// Client behaviour that needs no server: what goes on the wire, and how answers are read.
// A fake fetch records each request and replays a scripted response.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { Client, VERSION, WalkinDBError } from "../dist/index.js";
import { decodeBase64, encodeBase64 } from "../dist/base64.js";

const OK_BODY = { columns: [], rows: [], rows_affected: 0, truncated: false };

/** A fetch that records requests and answers each with `respond(request)` (default: 200 OK_BODY). */
function fakeFetch(respond = () => json(OK_BODY)) {
  const requests = [];
  const fetch = async (url, init) => {
    const request = { url, ...init, headers: { ...init.headers } };
    requests.push(request);
    return respond(request);
  };
  return { fetch, requests };
}

function json(body, { status = 200, headers = {} } = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

async function sentBody(sql, args) {
  const { fetch, requests } = fakeFetch();
  await new Client({ fetch }).execute(sql, args);
  return JSON.parse(requests[0].body);
}

describe("package facts", () => {
  test("VERSION matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    assert.equal(VERSION, pkg.version);
  });
});

describe("requests", () => {
  test("POSTs JSON to <baseUrl>/sql with the default User-Agent", async () => {
    const { fetch, requests } = fakeFetch();
    await new Client({ baseUrl: "http://db.test:9000///", fetch }).execute("SELECT 1");
    const [request] = requests;
    assert.equal(request.url, "http://db.test:9000/sql");
    assert.equal(request.method, "POST");
    assert.equal(request.headers["Content-Type"], "application/json");
    assert.equal(request.headers["User-Agent"], `walkindb-js/${VERSION}`);
    assert.equal(request.headers["X-Walkin-Session"], undefined);
    assert.deepEqual(JSON.parse(request.body), { sql: "SELECT 1" });
  });

  test("a custom userAgent replaces the default", async () => {
    const { fetch, requests } = fakeFetch();
    await new Client({ fetch, userAgent: "agent-x/1" }).execute("SELECT 1");
    assert.equal(requests[0].headers["User-Agent"], "agent-x/1");
  });

  test("no User-Agent in a browser (it would fail the CORS preflight)", async () => {
    globalThis.document = {};
    try {
      const { fetch, requests } = fakeFetch();
      await new Client({ fetch, userAgent: "agent-x/1" }).execute("SELECT 1");
      assert.deepEqual(Object.keys(requests[0].headers), ["Content-Type"]);
    } finally {
      delete globalThis.document;
    }
  });

  test("baseUrl defaults to WALKINDB_BASE_URL, then to 127.0.0.1:8080", () => {
    const saved = process.env.WALKINDB_BASE_URL;
    try {
      process.env.WALKINDB_BASE_URL = "http://from-env.test:1234/";
      assert.equal(new Client().baseUrl, "http://from-env.test:1234");
      delete process.env.WALKINDB_BASE_URL;
      assert.equal(new Client().baseUrl, "http://127.0.0.1:8080");
      assert.equal(new Client({ baseUrl: "http://given.test" }).baseUrl, "http://given.test");
    } finally {
      if (saved === undefined) delete process.env.WALKINDB_BASE_URL;
      else process.env.WALKINDB_BASE_URL = saved;
    }
  });

  test("timeoutMs must be a usable timer delay", () => {
    assert.equal(new Client().timeoutMs, 10_000);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      assert.throws(() => new Client({ timeoutMs: bad }), RangeError, String(bad));
    }
  });
});

describe("args", () => {
  test("an array binds positionally; every value type is encoded", async () => {
    const body = await sentBody("SELECT ?", [
      1,
      2.5,
      -0.125e-7,
      "tëxt \"quoted\"",
      true,
      false,
      null,
      undefined,
      9223372036854775807n,
      -9223372036854775808n,
      new Uint8Array([0, 1, 254, 255]),
      new Uint8Array([9, 8, 7, 6]).buffer,
      new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2),
      new Uint16Array([0x0102]),
    ]);
    assert.deepEqual(body.args, [
      1,
      2.5,
      -0.125e-7,
      "tëxt \"quoted\"",
      true,
      false,
      null,
      null,
      9223372036854775807, // JSON.parse here rounds; the raw text is checked below
      -9223372036854775808,
      { base64: "AAH+/w==" },
      { base64: "CQgHBg==" },
      { base64: "Bgc=" },
      { base64: Buffer.from(new Uint16Array([0x0102]).buffer).toString("base64") }, // its raw bytes
    ]);
  });

  test("bigints go out as exact integer literals", async () => {
    const { fetch, requests } = fakeFetch();
    await new Client({ fetch }).execute("SELECT ?, ?", [9007199254740993n, -9223372036854775808n]);
    assert.match(requests[0].body, /"args":\[9007199254740993,-9223372036854775808\]/);
  });

  test("holes in a sparse array become null", async () => {
    const body = await sentBody("SELECT ?, ?, ?", [1, , 3]); // eslint-disable-line no-sparse-arrays
    assert.deepEqual(body.args, [1, null, 3]);
  });

  test("a plain object binds by name, including one without a prototype", async () => {
    assert.deepEqual((await sentBody("SELECT :a", { a: 1, b: "x" })).args, { a: 1, b: "x" });
    const bare = Object.assign(Object.create(null), { n: new Uint8Array([1]) });
    assert.deepEqual((await sentBody("SELECT :n", bare)).args, { n: { base64: "AQ==" } });
  });

  test("null and undefined args leave `args` out", async () => {
    assert.deepEqual(await sentBody("SELECT 1", null), { sql: "SELECT 1" });
    assert.deepEqual(await sentBody("SELECT 1", undefined), { sql: "SELECT 1" });
  });

  test("values that cannot be sent are refused before any request", async () => {
    const cases = [
      ["SELECT ?", [Number.NaN]],
      ["SELECT ?", [Number.POSITIVE_INFINITY]],
      ["SELECT ?", [new Date(0)]],
      ["SELECT ?", [{ nested: true }]],
      ["SELECT ?", [[1, 2]]],
      ["SELECT ?", [Symbol("s")]],
      ["SELECT ?", [() => 1]],
      ["SELECT 1", new Map([["a", 1]])],
      ["SELECT 1", "not args"],
      [42, []],
    ];
    for (const [sql, args] of cases) {
      const { fetch, requests } = fakeFetch();
      await assert.rejects(new Client({ fetch }).execute(sql, args), TypeError);
      assert.equal(requests.length, 0);
    }
  });
});

describe("responses", () => {
  test("maps the body to a Result and BLOBs to Uint8Array", async () => {
    const { fetch } = fakeFetch(() =>
      json({
        columns: ["i", "r", "t", "n", "b", "e"],
        rows: [[1, 2.5, "x", null, { base64: "AAH+/w==" }, { base64: "" }]],
        rows_affected: 3,
        truncated: true,
      }),
    );
    const result = await new Client({ fetch }).execute("SELECT 1");
    assert.deepEqual(result.columns, ["i", "r", "t", "n", "b", "e"]);
    assert.deepEqual(result.rows, [[1, 2.5, "x", null, new Uint8Array([0, 1, 254, 255]), new Uint8Array(0)]]);
    assert.ok(result.rows[0][4] instanceof Uint8Array);
    assert.equal(result.rowsAffected, 3);
    assert.equal(result.truncated, true);
  });

  test("takes the session and its expiry from the creating response, then sends it", async () => {
    const { fetch, requests } = fakeFetch((req) =>
      req.headers["X-Walkin-Session"] ? json(OK_BODY) : json(OK_BODY, {
        headers: { "X-Walkin-Session": "wkn_abc", "X-Walkin-Ttl": "1775868670" },
      }),
    );
    const db = new Client({ fetch });
    assert.equal(db.session, null);
    assert.equal(db.expiresAt, null);
    await db.execute("SELECT 1");
    assert.equal(db.session, "wkn_abc");
    assert.equal(db.expiresAt, 1775868670);
    await db.execute("SELECT 2");
    assert.equal(requests[1].headers["X-Walkin-Session"], "wkn_abc");
    assert.equal(db.expiresAt, 1775868670, "later responses lack the headers; keep what we had");
  });

  test("takes the session from an error response too", async () => {
    const { fetch } = fakeFetch(() =>
      json({ error: "invalid sql: x" }, { status: 400, headers: { "X-Walkin-Session": "wkn_e", "X-Walkin-Ttl": "99" } }),
    );
    const db = new Client({ fetch });
    await assert.rejects(db.execute("SELEC 1"), WalkinDBError);
    assert.equal(db.session, "wkn_e");
    assert.equal(db.expiresAt, 99);
  });

  test("a session given to the constructor is sent, with no known expiry", async () => {
    const { fetch, requests } = fakeFetch();
    const db = new Client({ fetch, session: "wkn_given" });
    assert.equal(db.session, "wkn_given");
    assert.equal(db.expiresAt, null);
    await db.execute("SELECT 1");
    assert.equal(requests[0].headers["X-Walkin-Session"], "wkn_given");
  });

  test("resetSession() forgets the session, and a late answer cannot bring it back", async () => {
    let release;
    const gate = new Promise((done) => (release = done));
    const { fetch, requests } = fakeFetch(async () => {
      await gate;
      return json(OK_BODY, { headers: { "X-Walkin-Session": "wkn_old", "X-Walkin-Ttl": "1" } });
    });
    const db = new Client({ fetch });
    const pending = db.execute("SELECT 1");
    db.resetSession();
    release();
    await pending;
    assert.equal(db.session, null);
    assert.equal(db.expiresAt, null);
    assert.equal(requests.length, 1);
  });

  test("concurrent first calls create one walk-in, not one each", async () => {
    let created = 0;
    const { fetch, requests } = fakeFetch(async (req) => {
      await new Promise((done) => setTimeout(done, 20));
      if (req.headers["X-Walkin-Session"]) return json(OK_BODY);
      created++;
      return json(OK_BODY, { headers: { "X-Walkin-Session": `wkn_${created}`, "X-Walkin-Ttl": "5" } });
    });
    const db = new Client({ fetch });
    await Promise.all([db.execute("SELECT 1"), db.execute("SELECT 2"), db.execute("SELECT 3")]);
    assert.equal(created, 1);
    assert.deepEqual(
      requests.map((r) => r.headers["X-Walkin-Session"] ?? null),
      [null, "wkn_1", "wkn_1"],
    );
  });

  test("errors carry status, message, hint, statement and Retry-After seconds", async () => {
    const { fetch } = fakeFetch(() =>
      json(
        { error: "invalid sql: no such table: nope", hint: "tables: notes", statement: 2 },
        { status: 400, headers: { "Retry-After": "7" } },
      ),
    );
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "WalkinDBError");
    assert.equal(error.status, 400);
    assert.equal(error.error, "invalid sql: no such table: nope");
    assert.equal(error.message, "walkindb error 400: invalid sql: no such table: nope");
    assert.equal(error.hint, "tables: notes");
    assert.equal(error.statement, 2);
    assert.equal(error.retryAfter, 7);
  });

  test("absent details stay absent", async () => {
    const { fetch } = fakeFetch(() => json({ error: "not found" }, { status: 404 }));
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.equal(error.status, 404);
    assert.equal("hint" in error, false);
    assert.equal("statement" in error, false);
    assert.equal("retryAfter" in error, false);
  });

  test("Retry-After as an HTTP date becomes seconds from now", async () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    const { fetch } = fakeFetch(() => json({ error: "server busy" }, { status: 503, headers: { "Retry-After": when } }));
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.ok(error.retryAfter >= 28 && error.retryAfter <= 31, String(error.retryAfter));
  });

  test("a non-JSON error body still gives a readable error", async () => {
    const plain = fakeFetch(() => new Response("Bad Message 400", { status: 400 }));
    const e1 = await new Client({ fetch: plain.fetch }).execute("SELECT 1").catch((e) => e);
    assert.equal(e1.status, 400);
    assert.equal(e1.error, "Bad Message 400");
    const empty = fakeFetch(() => new Response("", { status: 502 }));
    const e2 = await new Client({ fetch: empty.fetch }).execute("SELECT 1").catch((e) => e);
    assert.equal(e2.error, "HTTP 502");
  });

  test("a 200 that is not a result is an error, not a crash", async () => {
    const { fetch } = fakeFetch(() => new Response("<html>", { status: 200 }));
    const error = await new Client({ fetch }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.equal(error.status, 200);
    assert.match(error.error, /^invalid response/);
  });

  test("a throwing fetch becomes status 0 with the cause attached", async () => {
    const boom = new TypeError("fetch failed", { cause: Object.assign(new Error(""), { code: "ECONNRESET" }) });
    const error = await new Client({ fetch: async () => { throw boom; } }).execute("SELECT 1").catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.equal(error.status, 0);
    assert.equal(error.error, "network error: fetch failed (ECONNRESET)");
    assert.equal(error.cause, boom);
  });

  test("the time limit also covers a body that never finishes", async () => {
    const fetch = async (_url, init) =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("{"));
            init.signal.addEventListener("abort", () => controller.error(init.signal.reason));
          },
        }),
      );
    const started = Date.now();
    const error = await new Client({ fetch, timeoutMs: 50 }).execute("SELECT 1").catch((e) => e);
    assert.equal(error.status, 0);
    assert.equal(error.error, "request timed out after 50 ms");
    assert.ok(Date.now() - started < 2_000);
  });

  test("healthz() is false on any failure and never throws", async () => {
    const cases = [
      () => json({ status: "ok" }),
      () => json({ status: "down" }),
      () => json({ error: "internal error" }, { status: 500 }),
      () => new Response("not json"),
      () => { throw new TypeError("fetch failed"); },
    ];
    const seen = [];
    for (const respond of cases) {
      const { fetch, requests } = fakeFetch(respond);
      seen.push(await new Client({ fetch }).healthz());
      assert.equal(requests[0].method, "GET");
      assert.match(requests[0].url, /\/healthz$/);
    }
    assert.deepEqual(seen, [true, false, false, false, false]);
  });
});

describe("base64", () => {
  test("matches the standard encoding for every length and byte value", () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 89 + n) & 0xff);
      const expected = Buffer.from(bytes).toString("base64");
      assert.equal(encodeBase64(bytes), expected, `encode n=${n}`);
      assert.deepEqual(decodeBase64(expected), bytes, `decode n=${n}`);
    }
  });

  test("round-trips a large buffer", () => {
    const bytes = Uint8Array.from({ length: 1_000_003 }, (_, i) => (i * 7919) & 0xff);
    assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
  });

  test("rejects text that is not base64", () => {
    assert.throws(() => decodeBase64("ab$d"), TypeError);
    assert.throws(() => decodeBase64("abcde"), TypeError);
  });
});
