// Retries against a real server with a tiny per-IP budget: 12 requests a minute, refilled
// smoothly (one every 5 s), so a 429 says `Retry-After` of at most 5 s and a retry after it
// gets through. What reached the server is read from its access log.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client, RateLimitError, RateLimitedError, WalkinDBError } from "../dist/index.js";
import { startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer({ env: { WALKINDB_RATE_LIMIT_REQS: "12" } });
});
after(async () => {
  await server?.stop();
});

/** Calls with retries off until the budget is spent; resolves to the 429 error. */
async function spendBudget(userAgent) {
  const db = new Client({ baseUrl: server.baseUrl, maxRetries: 0, userAgent });
  for (let call = 1; call <= 40; call++) {
    try {
      await db.execute("SELECT 1");
    } catch (error) {
      return error;
    }
  }
  assert.fail("the budget of 12 a minute was never spent");
}

/**
 * The http_status of every access-log record with `userAgent`, once the record of a call
 * sent after them has been written (the log may trail the answers).
 */
async function loggedCalls(userAgent) {
  const marker = `${userAgent}/marker`;
  await new Client({ baseUrl: server.baseUrl, maxRetries: 0, userAgent: marker }).execute("SELECT 1").catch(() => {});
  for (let i = 0; i < 100; i++) {
    const records = server.accessLog();
    if (records.some((r) => r.user_agent === marker)) return records.filter((r) => r.user_agent === userAgent);
    await new Promise((done) => setTimeout(done, 100));
  }
  assert.fail(`the access log never showed ${marker}`);
}

test("maxRetries 0: the 429 rejects at once as RateLimitedError", async () => {
  const error = await spendBudget("no-retries");
  assert.ok(error instanceof RateLimitedError, String(error));
  assert.ok(error instanceof RateLimitError);
  assert.ok(error instanceof WalkinDBError);
  assert.equal(error.status, 429);
  assert.equal(error.code, "rate_limited");
  assert.ok(error.retryAfter >= 1 && error.retryAfter <= 5, `retryAfter ${error.retryAfter}`);
  const statuses = (await loggedCalls("no-retries")).map((r) => r.http_status);
  assert.equal(statuses.filter((s) => s === 429).length, 1, JSON.stringify(statuses));
  assert.equal(statuses.at(-1), 429);
});

test("by default a 429 is sent again after Retry-After, and the call succeeds", async () => {
  await spendBudget("spender-1");
  const db = new Client({ baseUrl: server.baseUrl, userAgent: "retrying" });
  const result = await db.execute("SELECT 42");
  assert.deepEqual(result.rows, [[42]]);
  assert.match(db.session ?? "", /^wkn_/);
  const calls = await loggedCalls("retrying");
  assert.deepEqual(
    calls.map((r) => r.http_status),
    [429, 200],
  );
  assert.equal(calls[0].instance_id, undefined, "the refused first call created nothing");
});

test("concurrent first calls, the first one retried, land in one walk-in", async () => {
  await spendBudget("spender-2");
  const db = new Client({ baseUrl: server.baseUrl, userAgent: "first-calls" });
  await Promise.all([
    db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)"),
    db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (2)"),
  ]);
  const calls = await loggedCalls("first-calls");
  const ok = calls.filter((r) => r.http_status === 200);
  assert.equal(ok.length, 2, JSON.stringify(calls));
  assert.equal(new Set(ok.map((r) => r.instance_id)).size, 1, "one walk-in");
  assert.ok(calls.every((r) => r.http_status === 200 || r.http_status === 429), JSON.stringify(calls));
});
