// 429 and Retry-After, from a server whose per-IP budget is 3 requests a minute.
// (Retries that get through: retry.test.mjs.)

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client, WalkinDBError } from "../dist/index.js";
import { startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer({ env: { WALKINDB_RATE_LIMIT_REQS: "3" } });
});
after(async () => {
  await server?.stop();
});

test("the fourth call in a minute gets 429 with retryAfter in seconds", async () => {
  const db = new Client({ baseUrl: server.baseUrl });
  let succeeded = 0;
  let error;
  for (let call = 1; call <= 6 && !error; call++) {
    try {
      await db.execute("SELECT 1");
      succeeded++;
    } catch (caught) {
      error = caught;
    }
  }
  assert.equal(succeeded, 3);
  assert.ok(error instanceof WalkinDBError, String(error));
  assert.equal(error.status, 429);
  assert.equal(error.error, "rate limit exceeded");
  assert.equal(typeof error.retryAfter, "number");
  // One request every 20 s: a wait longer than the 10 s a call may spend on retries, so the
  // default client rejects at once instead of waiting.
  assert.ok(error.retryAfter > 10 && error.retryAfter <= 60, `retryAfter ${error.retryAfter}`);
  assert.match(db.session, /^wkn_/, "the walk-in made by the first call is kept");
  assert.equal(await db.healthz(), true, "/healthz is not rate limited");
});
