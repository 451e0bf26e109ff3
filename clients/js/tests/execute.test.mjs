// Every Client method against a real walkindb server: results, sessions, args, BLOBs.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { Client, VERSION } from "../dist/index.js";
import { deadBaseUrl, startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const client = (options = {}) => new Client({ baseUrl: server.baseUrl, ...options });

describe("execute", () => {
  test("the first call creates a walk-in; later calls reach the same one", async () => {
    const db = client();
    assert.equal(db.session, null);
    const created = await db.execute(
      "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES('hello'), ('world')",
    );
    assert.match(db.session, /^wkn_[A-Za-z0-9_-]{107}$/);
    const now = Date.now() / 1000;
    assert.ok(Number.isInteger(db.expiresAt));
    assert.ok(Math.abs(db.expiresAt - (now + 600)) < 60, `expiresAt ${db.expiresAt}, now ${now}`);
    assert.deepEqual(created, { columns: [], rows: [], rowsAffected: 2, truncated: false });

    const session = db.session;
    const expiresAt = db.expiresAt;
    const result = await db.execute("SELECT id, body FROM notes ORDER BY id");
    assert.deepEqual(result, {
      columns: ["id", "body"],
      rows: [
        [1, "hello"],
        [2, "world"],
      ],
      rowsAffected: 0,
      truncated: false,
    });
    assert.equal(db.session, session);
    assert.equal(db.expiresAt, expiresAt);
  });

  test("a SELECT with no rows still names its columns", async () => {
    const result = await client().execute("CREATE TABLE t(a, b); SELECT a, b FROM t");
    assert.deepEqual(result.columns, ["a", "b"]);
    assert.deepEqual(result.rows, []);
  });

  test("rowsAffected adds up the call's INSERT, UPDATE and DELETE statements", async () => {
    const db = client();
    await db.execute("CREATE TABLE t(x)");
    const result = await db.execute(
      "INSERT INTO t VALUES (1), (2), (3); UPDATE t SET x = x + 10 WHERE x > 1; DELETE FROM t WHERE x = 1",
    );
    assert.equal(result.rowsAffected, 3 + 2 + 1);
  });

  test("truncated is true past 10 000 rows", async () => {
    const result = await client().execute(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10500) SELECT x FROM c",
    );
    assert.equal(result.truncated, true);
    assert.equal(result.rows.length, 10_000);
    assert.deepEqual(result.rows.at(-1), [10_000]);
  });

  test("a session given to the constructor reaches the same walk-in", async () => {
    const first = client();
    await first.execute("CREATE TABLE shared(v); INSERT INTO shared VALUES ('from first')");
    const second = client({ session: first.session });
    assert.equal(second.expiresAt, null);
    const result = await second.execute("SELECT v FROM shared");
    assert.deepEqual(result.rows, [["from first"]]);
    assert.equal(second.session, first.session);
  });

  test("resetSession() starts over in a fresh, empty walk-in", async () => {
    const db = client();
    await db.execute("CREATE TABLE mine(x)");
    const old = db.session;
    db.resetSession();
    assert.equal(db.session, null);
    assert.equal(db.expiresAt, null);
    const result = await db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'mine'");
    assert.deepEqual(result.rows, [[0]]);
    assert.notEqual(db.session, null);
    assert.notEqual(db.session, old);
  });

  test("concurrent first calls share one walk-in", async () => {
    const db = client();
    await Promise.all([
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)"),
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (2)"),
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (3)"),
    ]);
    const result = await db.execute("SELECT x FROM t ORDER BY x");
    assert.deepEqual(result.rows, [[1], [2], [3]]);
  });

  test("concurrent first calls create one walk-in; a first call that fails hands creation on", async () => {
    const db = client({ userAgent: "first-calls" });
    const outcomes = await Promise.allSettled([
      db.execute("ATTACH DATABASE 'x.db' AS x"), // refused before any walk-in is created
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)"),
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (2)"),
      db.execute("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (3)"),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "fulfilled", "fulfilled", "fulfilled"]);
    assert.equal(outcomes[0].reason.code, "forbidden_sql_keyword");
    // The server's side: one walk-in holds the three calls (a marker call shows the log has caught up).
    await client({ userAgent: "first-calls/marker" }).execute("SELECT 1");
    let records = [];
    for (let i = 0; i < 100 && !records.some((r) => r.user_agent === "first-calls/marker"); i++) {
      if (i > 0) await new Promise((done) => setTimeout(done, 100));
      records = server.accessLog();
    }
    const calls = records.filter((r) => r.user_agent === "first-calls");
    assert.deepEqual(calls.map((r) => r.http_status).sort(), [200, 200, 200, 400]);
    assert.equal(new Set(calls.filter((r) => r.http_status === 200).map((r) => r.instance_id)).size, 1);
    assert.equal(calls.find((r) => r.http_status === 400).instance_id, undefined);
  });
});

describe("args", () => {
  test("each JS type binds as the SQLite type it stands for", async () => {
    const result = await client().execute(
      "SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), typeof(?5), typeof(?6), typeof(?7), ?1, ?2, ?3, ?4, ?5",
      [42, 2.5, "héllo ✓", true, null, 7n, new Uint8Array([1, 2])],
    );
    assert.deepEqual(result.rows, [
      ["integer", "real", "text", "integer", "null", "integer", "blob", 42, 2.5, "héllo ✓", 1, null],
    ]);
  });

  test("positional args run across statements in order", async () => {
    const db = client();
    const result = await db.execute(
      "CREATE TABLE kv(k TEXT, v INTEGER); INSERT INTO kv VALUES (?, ?); INSERT INTO kv VALUES (?, ?); SELECT k, v FROM kv ORDER BY v",
      ["a", 1, "b", 2],
    );
    assert.deepEqual(result.rows, [
      ["a", 1],
      ["b", 2],
    ]);
    assert.equal(result.rowsAffected, 2);
  });

  test("named args bind :name, @name and $name", async () => {
    const result = await client().execute("SELECT :word, @num, $word || '!'", { word: "hi", num: 3 });
    assert.deepEqual(result.rows, [["hi", 3, "hi!"]]);
  });

  test("bigint args are exact over the whole int64 range", async () => {
    const result = await client().execute(
      "SELECT CAST(? AS TEXT), CAST(? AS TEXT), ? = 9007199254740993",
      [9223372036854775807n, -9223372036854775808n, 9007199254740993n],
    );
    assert.deepEqual(result.rows, [["9223372036854775807", "-9223372036854775808", 1]]);
  });

  test("integers beyond 2^53 come back rounded, as JSON numbers do (documented)", async () => {
    const result = await client().execute("SELECT 9007199254740993, CAST(9007199254740993 AS TEXT)");
    assert.deepEqual(result.rows, [[9007199254740992, "9007199254740993"]]);
  });
});

describe("BLOBs", () => {
  test("Uint8Array args come back as equal Uint8Arrays", async () => {
    const db = client();
    await db.execute("CREATE TABLE files(id INTEGER PRIMARY KEY, data BLOB)");
    const samples = [
      new Uint8Array(0),
      new Uint8Array([0]),
      new Uint8Array([0xff, 0xfe]),
      Uint8Array.from({ length: 256 }, (_, i) => i),
      Uint8Array.from({ length: 4001 }, (_, i) => (i * 31 + 7) & 0xff),
    ];
    for (const data of samples) await db.execute("INSERT INTO files(data) VALUES (?)", [data]);
    const result = await db.execute("SELECT data, length(data), typeof(data) FROM files ORDER BY id");
    assert.equal(result.rows.length, samples.length);
    result.rows.forEach(([data, length, type], i) => {
      assert.ok(data instanceof Uint8Array, `row ${i} is a Uint8Array`);
      assert.deepEqual(data, samples[i]);
      assert.equal(length, samples[i].length);
      assert.equal(type, "blob");
    });
  });

  test("ArrayBuffer args are BLOBs too, and SQL-made BLOBs decode", async () => {
    const buffer = new Uint8Array([10, 20, 30]).buffer;
    const result = await client().execute("SELECT ?, hex(?), x'DEADBEEF', zeroblob(3)", [buffer, buffer]);
    const [fromArg, hex, literal, zeros] = result.rows[0];
    assert.deepEqual(fromArg, new Uint8Array([10, 20, 30]));
    assert.equal(hex, "0A141E");
    assert.deepEqual(literal, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    assert.deepEqual(zeros, new Uint8Array(3));
  });

  test("a large BLOB made by the server decodes byte for byte", async () => {
    // The server's own hex of the same BLOB is the reference (a body over 8 KB cannot
    // carry it back as an argument).
    const result = await client().execute(
      "CREATE TABLE b(v BLOB); INSERT INTO b VALUES (randomblob(200000)); SELECT v, hex(v) FROM b",
    );
    const [blob, hex] = result.rows[0];
    assert.equal(result.truncated, false);
    assert.ok(blob instanceof Uint8Array);
    assert.equal(blob.length, 200_000);
    assert.equal(Buffer.from(blob).toString("hex").toUpperCase(), hex);
  });
});

describe("healthz", () => {
  test("true when the server is up", async () => {
    assert.equal(await client().healthz(), true);
  });

  test("false, not an exception, when nothing listens", async () => {
    assert.equal(await client({ baseUrl: await deadBaseUrl() }).healthz(), false);
  });
});

describe("User-Agent", () => {
  test("the server logs walkindb-js/<version>, or the one given", async () => {
    await client().execute("SELECT 'default agent'");
    await client({ userAgent: "my-agent/9.9" }).execute("SELECT 'custom agent'");
    // The access log may be written a moment after the response.
    let agents = [];
    for (let i = 0; i < 50; i++) {
      agents = server.accessLog().map((record) => record.user_agent);
      if (agents.includes("my-agent/9.9")) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.ok(agents.includes(`walkindb-js/${VERSION}`), JSON.stringify([...new Set(agents)]));
    assert.ok(agents.includes("my-agent/9.9"), JSON.stringify([...new Set(agents)]));
  });
});
