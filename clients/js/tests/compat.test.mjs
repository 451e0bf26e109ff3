// The surface that code written for the original SDK uses, exactly as it uses it.
// If this file needs editing, published code breaks: change the SDK, not this test.
// It imports the package by its name (the package's `exports` self-reference), and
// `npm test` type-checks it against dist/*.d.ts first (tests/tsconfig.json).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client, WalkinDBError } from "walkindb";
import { startServer } from "./server.mjs";

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("code written for the original SDK runs unchanged", async () => {
  const db = new Client({ baseUrl: server.baseUrl, timeoutMs: 10_000, userAgent: "legacy-app/1.0" });

  /** @type {string | null} */
  const before = db.session;
  /** @type {number | null} */
  const noExpiry = db.expiresAt;
  assert.equal(before, null);
  assert.equal(noExpiry, null);

  await db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
  await db.execute("INSERT INTO notes(body) VALUES('hello')");
  const result = await db.execute("SELECT * FROM notes");

  /** @type {string[]} */
  const columns = result.columns;
  /** @type {unknown[][]} */
  const rows = result.rows;
  /** @type {number} */
  const rowsAffected = result.rowsAffected;
  /** @type {boolean} */
  const truncated = result.truncated;
  assert.deepEqual(columns, ["id", "body"]);
  assert.deepEqual(rows, [[1, "hello"]]);
  assert.equal(rowsAffected, 0);
  assert.equal(truncated, false);

  /** @type {string | null} */
  const session = db.session;
  /** @type {number | null} */
  const expiresAt = db.expiresAt;
  assert.ok(session?.startsWith("wkn_"));
  assert.equal(typeof expiresAt, "number");

  try {
    await db.execute("SELECT * FROM missing");
    assert.fail("expected a WalkinDBError");
  } catch (e) {
    if (!(e instanceof WalkinDBError)) throw e;
    /** @type {number} */
    const status = e.status;
    /** @type {string} */
    const message = e.error;
    assert.equal(status, 400);
    assert.match(message, /no such table: missing/);
  }

  db.resetSession();
  assert.equal(db.session, null);
  assert.equal(db.expiresAt, null);
});
