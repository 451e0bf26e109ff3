// Every error a caller can meet, as WalkinDBError, against a real walkindb server.
// (429 needs a server with a tiny budget: ratelimit.test.mjs.)

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  Client,
  ForbiddenSqlKeywordError,
  InstanceNotFoundError,
  InvalidSqlError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  QueryTimeoutError,
  SqlError,
  StorageError,
  StorageQuotaExceededError,
  UnsupportedMediaTypeError,
  WalkinDBError,
} from "../dist/index.js";
import { deadBaseUrl, startServer } from "./server.mjs";

// Runs until the server's 2 s deadline stops it.
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const client = (options = {}) => new Client({ baseUrl: server.baseUrl, ...options });

/** The WalkinDBError that `promise` rejects with (fails the test if it resolves). */
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WalkinDBError, `expected a WalkinDBError, got ${error}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

/** The same call as the SDK makes, by hand, to compare with what the SDK reports. */
async function rawSql(sql, session) {
  const headers = { "Content-Type": "application/json" };
  if (session) headers["X-Walkin-Session"] = session;
  const response = await fetch(`${server.baseUrl}/sql`, { method: "POST", headers, body: JSON.stringify({ sql }) });
  return { status: response.status, body: await response.json() };
}

describe("400", () => {
  test("no such table: the hint names the tables that exist", async () => {
    const db = client();
    await db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
    const error = await failure(db.execute("SELECT * FROM note"));
    assert.equal(error.status, 400);
    assert.equal(error.error, "invalid sql: no such table: note");
    assert.equal(typeof error.hint, "string");
    assert.match(error.hint, /notes/);
    assert.equal(error.message, "walkindb error 400: invalid sql: no such table: note");
    assert.ok(error instanceof InvalidSqlError && error instanceof SqlError);
    assert.equal(error.code, "invalid_sql");
  });

  test("a double-quoted word: the hint says to use single quotes", async () => {
    const db = client();
    await db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
    const error = await failure(db.execute('INSERT INTO notes(body) VALUES("hello")'));
    assert.equal(error.status, 400);
    assert.equal(error.error, "invalid sql: no such column: hello");
    assert.match(error.hint ?? "", /single quot|'hello'/i);
  });

  test("the failing statement of a multi-statement call is reported as the server says", async () => {
    const db = client();
    await db.execute("SELECT 1");
    const sql = "CREATE TABLE a(x); SELECT nope FROM a";
    const error = await failure(db.execute(sql));
    const raw = await rawSql(sql, db.session);
    assert.equal(raw.status, 400);
    assert.equal(error.status, 400);
    assert.equal(error.error, raw.body.error);
    assert.match(error.error, /^invalid sql: no such column: nope/);
    assert.equal(error.hint, raw.body.hint);
    assert.equal(error.statement, raw.body.statement);
    if (raw.body.statement !== undefined) assert.equal(error.statement, 2);
  });

  test("a forbidden keyword fails before any walk-in is created", async () => {
    const db = client();
    const error = await failure(db.execute("ATTACH DATABASE 'x.db' AS x"));
    assert.equal(error.status, 400);
    assert.equal(error.error, "forbidden sql keyword: ATTACH");
    assert.ok(error instanceof ForbiddenSqlKeywordError && error instanceof SqlError);
    assert.equal(db.session, null);
  });

  test("args that do not fit the statements", async () => {
    const error = await failure(client().execute("SELECT ?", [1, 2]));
    assert.equal(error.status, 400);
    assert.match(error.error, /^invalid args: /);
  });

  test("an error on the call that created the walk-in still hands over the session", async () => {
    const db = client();
    const error = await failure(db.execute("SELECT * FROM nothing_here"));
    assert.equal(error.status, 400);
    assert.match(db.session ?? "", /^wkn_/);
    assert.ok(db.expiresAt > Date.now() / 1000);
    const result = await db.execute("CREATE TABLE later(x); SELECT count(*) FROM later");
    assert.deepEqual(result.rows, [[0]]);
  });
});

describe("404", () => {
  test("an unknown session fails and is kept until resetSession()", async () => {
    const unknown = `wkn_${"A".repeat(107)}`;
    const db = client({ session: unknown });
    for (let i = 0; i < 2; i++) {
      const error = await failure(db.execute("SELECT 1"));
      assert.equal(error.status, 404);
      assert.equal(error.error, "instance not found");
      assert.ok(error instanceof InstanceNotFoundError);
      assert.equal(db.session, unknown, "no silent switch to a fresh, empty walk-in");
    }
    db.resetSession();
    await db.execute("SELECT 1");
    assert.notEqual(db.session, unknown);
    assert.match(db.session, /^wkn_/);
  });

  test("a wrong path", async () => {
    const error = await failure(client({ baseUrl: `${server.baseUrl}/nope` }).execute("SELECT 1"));
    assert.equal(error.status, 404);
    assert.equal(error.error, "not found");
    assert.ok(error instanceof NotFoundError);
  });
});

describe("408", () => {
  test("a query past the 2 s deadline, sent once: a 408 is never retried", async () => {
    const error = await failure(client({ userAgent: "deadline" }).execute(ENDLESS));
    assert.equal(error.status, 408);
    assert.equal(error.error, "query exceeded 2s timeout");
    assert.ok(error instanceof QueryTimeoutError);
    assert.equal(error.code, "timeout");
    // A call sent after it marks where the access log has caught up (it may trail the answers).
    await client({ userAgent: "deadline/marker" }).execute("SELECT 1");
    let agents = [];
    for (let i = 0; i < 100 && !agents.includes("deadline/marker"); i++) {
      if (i > 0) await new Promise((done) => setTimeout(done, 100));
      agents = server.accessLog().map((record) => record.user_agent);
    }
    assert.deepEqual(agents.filter((agent) => agent === "deadline"), ["deadline"]);
  });
});

describe("413", () => {
  test("a body over 8 KB", async () => {
    const error = await failure(client().execute(`SELECT '${"x".repeat(9000)}'`));
    assert.equal(error.status, 413);
    assert.equal(error.error, "sql payload exceeds 8 KB");
    assert.ok(error instanceof PayloadTooLargeError);
  });
});

describe("415", () => {
  test("another media type (the SDK never sends one: a fetch wrapper swaps it in)", async () => {
    const textPlain = (url, init) =>
      fetch(url, { ...init, headers: { ...init.headers, "Content-Type": "text/plain" } });
    const error = await failure(client({ fetch: textPlain }).execute("SELECT 1"));
    assert.equal(error.status, 415);
    assert.equal(error.error, "content-type must be application/json");
    assert.ok(error instanceof UnsupportedMediaTypeError);
  });
});

describe("507", () => {
  test("the 10 MB storage cap", async () => {
    const db = client({ timeoutMs: 30_000 });
    await db.execute("CREATE TABLE big(b BLOB)");
    // 4 x 900 kB per call; the cap is hit on the third call or so.
    const fill =
      "INSERT INTO big SELECT randomblob(900000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4) SELECT x FROM c)";
    let error;
    for (let call = 1; call <= 6 && !error; call++) {
      try {
        await db.execute(fill);
      } catch (caught) {
        error = caught;
      }
    }
    assert.ok(error instanceof WalkinDBError, "the cap was never hit");
    assert.equal(error.status, 507);
    assert.equal(error.error, "instance storage quota exceeded");
    assert.ok(error instanceof StorageQuotaExceededError && error instanceof StorageError);
  });
});

describe("status 0", () => {
  test("a timeout", async () => {
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 50 }).execute(ENDLESS));
    const elapsed = Date.now() - started;
    assert.equal(error.status, 0);
    assert.equal(error.error, "request timed out after 50 ms");
    assert.ok(error instanceof NetworkError);
    assert.equal(error.code, "network_error");
    assert.ok(elapsed < 1_500, `gave up after ${elapsed} ms`);
  });

  test("nothing listening", async () => {
    const db = client({ baseUrl: await deadBaseUrl() });
    const error = await failure(db.execute("SELECT 1"));
    assert.equal(error.status, 0);
    assert.match(error.error, /^network error: /);
    assert.ok(error instanceof NetworkError);
    assert.equal(error.code, "network_error");
    assert.ok(error.cause, "the underlying error is kept as cause");
    assert.equal(db.session, null);
  });
});
