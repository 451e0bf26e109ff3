// walkindb-mcp driven by the official MCP client over stdio, against the real walkindb server.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { BIN, LIFTED_LIMITS, childEnv, connectMcp, startServer, textOf, untilPast } from "./helpers.mjs";

const TOKEN_PREFIX = /^wkn_[A-Za-z0-9_-]{8}…$/;

/** Calls a tool and checks that a success carries the same JSON as text and as structuredContent. */
async function call(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) {
    assert.ok(result.structuredContent, `${name}: structuredContent missing`);
    assert.equal(result.content[0].type, "text");
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  }
  return result;
}

async function ok(client, name, args = {}) {
  const result = await call(client, name, args);
  assert.ok(!result.isError, `${name} failed: ${textOf(result)}`);
  return result.structuredContent;
}

describe("walkindb-mcp against the walkindb server", () => {
  let server;
  before(async () => {
    server = await startServer(LIFTED_LIMITS);
  });
  after(async () => {
    await server?.stop();
  });

  // One MCP session per test, closed at its end.
  async function session(t, env) {
    const mcp = await connectMcp({ baseUrl: server.baseUrl, env });
    t.after(() => mcp.close());
    return mcp;
  }

  test("initialize: server name, version, instructions, negotiated protocol", async (t) => {
    const { client } = await session(t);
    assert.deepEqual(client.getServerVersion(), { name: "walkindb-mcp", version: "0.2.0" });
    assert.match(client.getInstructions() ?? "", /10 minutes/);
    assert.ok(client.getServerCapabilities()?.tools, "tools capability missing");
    assert.equal(LATEST_PROTOCOL_VERSION, "2025-11-25");
  });

  test("each protocol version today's clients speak is accepted as asked", async () => {
    for (const version of ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]) {
      const answer = await rawInitialize(version);
      assert.equal(answer.result?.protocolVersion, version, JSON.stringify(answer));
      assert.equal(answer.result?.serverInfo?.name, "walkindb-mcp");
    }
  });

  test("tools/list: six tools; execute, schema and reset with their schemas and honest annotations", async (t) => {
    const { tools } = await session(t);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "walkindb_batch", "walkindb_dump", "walkindb_execute", "walkindb_import_csv", "walkindb_reset", "walkindb_schema",
    ]);

    const exec = byName.walkindb_execute;
    for (const fact of ["SQLite 3.50", "10 minutes", "10 MB", "2 seconds", "8 KB", "10 000 rows", "1 MiB",
      "single quotes", "atomic", "ATTACH", "PRAGMA", "TEMP", "load_extension", "LIMIT", "OFFSET"]) {
      assert.ok(exec.description.includes(fact), `walkindb_execute description lacks ${JSON.stringify(fact)}`);
    }
    assert.equal(exec.inputSchema.type, "object");
    assert.deepEqual(exec.inputSchema.required, ["sql"]);
    assert.equal(exec.inputSchema.properties.sql.type, "string");
    const argsKinds = exec.inputSchema.properties.args.anyOf.map((s) => s.type).sort();
    assert.deepEqual(argsKinds, ["array", "object"]);
    assert.deepEqual(Object.keys(exec.outputSchema.properties).sort(), [
      "columns", "expires_at", "new_walkin", "rows", "rows_affected", "session_established", "truncated",
    ]);
    assert.deepEqual([...exec.outputSchema.required].sort(), Object.keys(exec.outputSchema.properties).sort());
    assert.deepEqual(exec.annotations, {
      title: "Run SQL in the walk-in database",
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: false,
    });

    const schema = byName.walkindb_schema;
    assert.deepEqual(Object.keys(schema.inputSchema.properties ?? {}), []);
    assert.deepEqual(Object.keys(schema.outputSchema.properties).sort(), [
      "expires_at", "indexes", "session_established", "tables", "triggers", "truncated", "views",
    ]);
    assert.equal(schema.annotations.readOnlyHint, true);
    assert.equal(schema.annotations.idempotentHint, true);
    assert.equal(schema.annotations.openWorldHint, false);
    assert.match(schema.description, /does not create one/);

    const reset = byName.walkindb_reset;
    assert.deepEqual(Object.keys(reset.inputSchema.properties ?? {}), []);
    assert.deepEqual(Object.keys(reset.outputSchema.properties).sort(), ["had_walkin", "previous_session"]);
    assert.equal(reset.annotations.readOnlyHint, false);
    assert.equal(reset.annotations.destructiveHint, true);
    assert.equal(reset.annotations.idempotentHint, true);
    assert.match(reset.description, /expired/);
  });

  test("execute: create, insert with bound values, select back", async (t) => {
    const { client } = await session(t);
    const before = Math.floor(Date.now() / 1000);
    const created = await ok(client, "walkindb_execute", {
      sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, score REAL, raw BLOB)",
    });
    assert.deepEqual(created.columns, []);
    assert.deepEqual(created.rows, []);
    assert.equal(created.rows_affected, 0);
    assert.equal(created.truncated, false);
    assert.equal(created.new_walkin, true);
    assert.match(created.session_established, TOKEN_PREFIX);
    assert.ok(created.expires_at >= before + 590 && created.expires_at <= before + 610, `expires_at ${created.expires_at}`);

    const inserted = await ok(client, "walkindb_execute", {
      sql: "INSERT INTO notes(body, score, raw) VALUES (?, ?, ?), ('it''s two', NULL, NULL)",
      args: ["hello", 2.5, { base64: "AAEC/w==" }],
    });
    assert.equal(inserted.rows_affected, 2);
    assert.equal(inserted.new_walkin, false);
    assert.equal(inserted.session_established, created.session_established, "the walk-in must be the same");

    const named = await ok(client, "walkindb_execute", {
      sql: "SELECT id, body, score, raw FROM notes WHERE id >= :min ORDER BY id",
      args: { min: 1 },
    });
    assert.deepEqual(named.columns, ["id", "body", "score", "raw"]);
    assert.deepEqual(named.rows, [
      [1, "hello", 2.5, { base64: "AAEC/w==" }],
      [2, "it's two", null, null],
    ]);
    assert.equal(named.rows_affected, 0);
    assert.equal(named.truncated, false);
    assert.equal(named.expires_at, created.expires_at);
  });

  test("execute: a failing statement rolls the whole call back", async (t) => {
    const { client } = await session(t);
    await ok(client, "walkindb_execute", { sql: "CREATE TABLE t(x INTEGER)" });
    const failed = await call(client, "walkindb_execute", {
      sql: "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); SELECT nope FROM t",
    });
    assert.equal(failed.isError, true);
    const text = textOf(failed);
    assert.match(text, /^walkindb error 400: invalid sql: no such column: nope/);
    assert.match(text, /^failing statement: #3 /m);
    assert.match(text, /^next: .*statements 1 to 2 must be sent again/m);
    const count = await ok(client, "walkindb_execute", { sql: "SELECT count(*) AS n FROM t" });
    assert.deepEqual(count.rows, [[0]]);
  });

  test("schema: empty without provisioning, then tables, views, indexes with columns and types", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const empty = await call(client, "walkindb_schema");
    assert.ok(!empty.isError, textOf(empty));
    assert.deepEqual(empty.structuredContent, {
      tables: [], views: [], indexes: [], triggers: [], truncated: false, session_established: null, expires_at: null,
    });
    assert.match(textOf(empty), /no walk-in yet/);
    assert.equal(server.instanceCount(), instancesBefore, "walkindb_schema must not create a walk-in");

    await ok(client, "walkindb_execute", {
      sql:
        "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER DEFAULT 1970);" +
        "CREATE TABLE pets(pet_id INTEGER, owner INTEGER REFERENCES people(id), kind TEXT, PRIMARY KEY(pet_id, owner));" +
        "CREATE INDEX people_name ON people(name, born);" +
        "CREATE VIEW adults AS SELECT id, name FROM people WHERE born < 2008;" +
        "CREATE TRIGGER people_ai AFTER INSERT ON people BEGIN SELECT 1; END",
    });
    assert.equal(server.instanceCount(), instancesBefore + 1);
    const s = await ok(client, "walkindb_schema");
    assert.match(s.session_established, TOKEN_PREFIX);
    assert.equal(typeof s.expires_at, "number");
    assert.equal(s.truncated, false);
    assert.deepEqual(s.tables.map((x) => x.name), ["people", "pets"]);
    const people = s.tables[0];
    assert.deepEqual(people.columns, [
      { name: "id", type: "INTEGER", notnull: false, default: null, pk: 1 },
      { name: "name", type: "TEXT", notnull: true, default: null, pk: 0 },
      { name: "born", type: "INTEGER", notnull: false, default: "1970", pk: 0 },
    ]);
    assert.match(people.sql, /^CREATE TABLE people/);
    assert.deepEqual(s.tables[1].columns.map((c) => [c.name, c.type, c.pk]), [
      ["pet_id", "INTEGER", 1], ["owner", "INTEGER", 2], ["kind", "TEXT", 0],
    ]);
    assert.deepEqual(s.views.map((v) => [v.name, v.columns.map((c) => c.name)]), [["adults", ["id", "name"]]]);
    const named = s.indexes.filter((i) => i.name === "people_name");
    assert.deepEqual(named, [
      { name: "people_name", table: "people", columns: ["name", "born"], sql: "CREATE INDEX people_name ON people(name, born)" },
    ]);
    assert.ok(!s.indexes.some((i) => i.name.startsWith("sqlite_")), "internal indexes are not listed");
    assert.deepEqual(s.triggers.map((x) => [x.name, x.table]), [["people_ai", "people"]]);
  });

  test("schema: a view whose table was dropped is reported, the rest still listed", async (t) => {
    const { client } = await session(t);
    await ok(client, "walkindb_execute", {
      sql:
        "CREATE TABLE gone(x); CREATE TABLE kept(a, b); CREATE INDEX kept_sum ON kept(a + b);" +
        "CREATE VIEW stale AS SELECT x FROM gone; DROP TABLE gone",
    });
    const r = await call(client, "walkindb_schema");
    assert.ok(!r.isError, textOf(r));
    const s = r.structuredContent;
    assert.deepEqual(s.tables.map((x) => [x.name, x.columns.map((c) => c.name), x.error]), [["kept", ["a", "b"], undefined]]);
    assert.equal(s.views.length, 1);
    assert.equal(s.views[0].name, "stale");
    assert.deepEqual(s.views[0].columns, []);
    assert.match(s.views[0].error, /no such table/);
    assert.deepEqual(s.indexes.map((i) => [i.name, i.columns]), [["kept_sum", ["<expression>"]]]);
    assert.match(textOf(r), /columns of stale cannot be read/);
  });

  test("reset: the next execute gets a new, empty walk-in", async (t) => {
    const { client } = await session(t);
    const first = await ok(client, "walkindb_execute", { sql: "CREATE TABLE kept(x); INSERT INTO kept VALUES (1)" });
    const reset = await ok(client, "walkindb_reset");
    assert.deepEqual(reset, { had_walkin: true, previous_session: first.session_established });
    assert.match(textOf(await call(client, "walkindb_reset")), /no walk-in to drop/);

    const emptyAgain = await ok(client, "walkindb_schema");
    assert.equal(emptyAgain.session_established, null);

    const second = await ok(client, "walkindb_execute", { sql: "SELECT count(*) FROM sqlite_schema" });
    assert.equal(second.new_walkin, true);
    assert.match(second.session_established, TOKEN_PREFIX);
    assert.notEqual(second.session_established, first.session_established);
    assert.deepEqual(second.rows, [[0]], "the new walk-in must be empty");
    const gone = await call(client, "walkindb_execute", { sql: "SELECT x FROM kept" });
    assert.equal(gone.isError, true);
    assert.match(textOf(gone), /^walkindb error 400: invalid sql: no such table: kept/);
  });

  test("errors: bad SQL, a wrong column with the server's hint, a forbidden keyword", async (t) => {
    const { client } = await session(t);
    const bad = await call(client, "walkindb_execute", { sql: "SELEC 1" });
    assert.equal(bad.isError, true);
    assert.equal(bad.structuredContent, undefined);
    assert.ok(textOf(bad).startsWith("walkindb error 400: "), textOf(bad));
    assert.match(textOf(bad), /syntax error/);
    assert.match(textOf(bad), /^next: /m);

    await ok(client, "walkindb_execute", { sql: "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT)" });
    const wrong = await call(client, "walkindb_execute", { sql: "SELECT nmae FROM people" });
    assert.equal(wrong.isError, true);
    const text = textOf(wrong);
    assert.match(text, /^walkindb error 400: invalid sql: no such column: nmae\n/);
    assert.match(text, /^hint: .*\bname\b/m);

    const dq = await call(client, "walkindb_execute", { sql: 'INSERT INTO people(name) VALUES ("hello")' });
    assert.match(textOf(dq), /^walkindb error 400: invalid sql: no such column: hello/);
    assert.match(textOf(dq), /^hint: .*single quote/im);

    const attach = await call(client, "walkindb_execute", { sql: "ATTACH DATABASE 'x.db' AS x" });
    assert.equal(attach.isError, true);
    assert.match(textOf(attach), /^walkindb error 400: forbidden sql keyword: ATTACH\n/);
    assert.match(textOf(attach), /^next: .*do not retry/m);

    const pragma = await call(client, "walkindb_execute", { sql: "PRAGMA max_page_count = 100000" });
    assert.match(textOf(pragma), /^walkindb error 400: forbidden sql: PRAGMA/);
  });

  test("errors: arguments refused before anything is sent", async (t) => {
    const { client } = await session(t);
    const noSql = await client.callTool({ name: "walkindb_execute", arguments: {} });
    assert.equal(noSql.isError, true);
    assert.match(textOf(noSql), /sql/);
    const badBlob = await client.callTool({ name: "walkindb_execute", arguments: { sql: "SELECT ?", args: [{ base64: "not base64!" }] } });
    assert.equal(badBlob.isError, true);
    assert.match(textOf(badBlob), /base64/);
    const badArgs = await call(client, "walkindb_execute", { sql: "SELECT ?, ?", args: [1] });
    assert.match(textOf(badArgs), /^walkindb error 400: invalid args: /);
  });

  test("a truncated result says so and suggests aggregating or paging", async (t) => {
    const { client } = await session(t);
    const r = await call(client, "walkindb_execute", {
      sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 10001) SELECT x FROM c",
    });
    assert.ok(!r.isError, textOf(r));
    assert.equal(r.structuredContent.truncated, true);
    assert.equal(r.structuredContent.rows.length, 10000);
    assert.deepEqual(r.structuredContent.rows.at(-1), [10000]);
    const note = r.content.slice(1).map((c) => c.text).join("\n");
    assert.match(note, /truncated/);
    assert.match(note, /10 000 rows/);
    assert.match(note, /GROUP BY/);
    assert.match(note, /LIMIT n OFFSET m/);

    const whole = await call(client, "walkindb_execute", {
      sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 10000) SELECT x FROM c",
    });
    assert.equal(whole.structuredContent.truncated, false);
    assert.equal(whole.structuredContent.rows.length, 10000);
    assert.doesNotMatch(textOf(whole), /truncated:|is truncated/);
  });

  test("concurrent first calls share one walk-in", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => ok(client, "walkindb_execute", { sql: `SELECT ${i}` })),
    );
    const prefixes = new Set(results.map((r) => r.session_established));
    assert.equal(prefixes.size, 1);
    assert.equal(results.filter((r) => r.new_walkin).length, 1);
    assert.equal(server.instanceCount(), instancesBefore + 1);
  });

  test("an unreachable server is reported as walkindb error 0", async (t) => {
    // A loopback port nobody listens on: bind one, note it, let it go.
    const probe = createServer();
    await new Promise((res) => probe.listen(0, "127.0.0.1", res));
    const { port } = probe.address();
    await new Promise((res) => probe.close(res));
    const mcp = await connectMcp({ baseUrl: `http://127.0.0.1:${port}`, env: { WALKINDB_TIMEOUT_MS: "3000" } });
    t.after(() => mcp.close());
    const { client } = mcp;
    const r = await call(client, "walkindb_execute", { sql: "SELECT 1" });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^walkindb error 0: network error: .*ECONNREFUSED/);
    assert.match(textOf(r), /WALKINDB_BASE_URL/);
  });

  test("a bad WALKINDB_TIMEOUT_MS stops start-up naming the variable", async () => {
    const child = spawn(process.execPath, [BIN], {
      env: childEnv({ WALKINDB_TIMEOUT_MS: "soon" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((res) => child.on("exit", res));
    assert.equal(code, 2);
    assert.match(stderr, /WALKINDB_TIMEOUT_MS/);
  });
});

describe("walkindb-mcp when the walk-in expires (server with WALKINDB_TTL=2)", () => {
  let server;
  before(async () => {
    server = await startServer({ ...LIFTED_LIMITS, WALKINDB_TTL: "2" });
  });
  after(async () => {
    await server?.stop();
  });

  test("execute on an expired walk-in says it expired; the next call starts a fresh one", async (t) => {
    const mcp = await connectMcp({ baseUrl: server.baseUrl });
    t.after(() => mcp.close());
    const { client } = mcp;
    const created = await ok(client, "walkindb_execute", { sql: "CREATE TABLE t(x); INSERT INTO t VALUES (1)" });
    assert.ok(created.expires_at - Date.now() / 1000 <= 3, `expires_at ${created.expires_at}`);
    // Not a race: the server decides expiry from the creation time in the walk-in id against its
    // clock, so once the wall clock is past expires_at every call sees it expired.
    await untilPast(created.expires_at);

    const expired = await call(client, "walkindb_execute", { sql: "SELECT x FROM t" });
    assert.equal(expired.isError, true);
    const text = textOf(expired);
    assert.match(text, /^walkindb error 404: instance not found\n/);
    assert.match(text, /^next: your walk-in has expired[^\n]*next call starts a fresh, empty walk-in/m);

    // The expired walk-in was dropped with that answer: the schema is empty, no error.
    const schema = await ok(client, "walkindb_schema");
    assert.equal(schema.session_established, null);

    const fresh = await ok(client, "walkindb_execute", { sql: "SELECT 42 AS answer" });
    assert.equal(fresh.new_walkin, true);
    assert.notEqual(fresh.session_established, created.session_established);
    assert.deepEqual(fresh.rows, [[42]]);
  });
});

/** Sends one raw initialize request with the given protocol version; returns the JSON-RPC answer. */
async function rawInitialize(protocolVersion) {
  const child = spawn(process.execPath, [BIN], { env: childEnv({}), stdio: ["pipe", "pipe", "pipe"] });
  try {
    const answer = new Promise((res, rej) => {
      let buf = "";
      const timer = setTimeout(() => rej(new Error(`no initialize answer: ${buf}`)), 10_000);
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d) => {
        buf += d;
        const nl = buf.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(timer);
          res(JSON.parse(buf.slice(0, nl)));
        }
      });
    });
    child.stdin.write(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw-test", version: "0" } },
      }) + "\n",
    );
    return await answer;
  } finally {
    child.kill("SIGTERM");
  }
}
