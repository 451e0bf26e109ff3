// The walkindb server's own remote MCP (POST /mcp), driven by the official MCP client over the
// Streamable HTTP transport: the same tools as the stdio server, from the same tools.json.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LIFTED_LIMITS, MCP_DIR, connectMcp, startServer, textOf, untilPast } from "./helpers.mjs";

const TOOLS = JSON.parse(readFileSync(join(MCP_DIR, "tools.json"), "utf8"));
const TOKEN_PREFIX = /^wkn_[A-Za-z0-9_-]{8}…$/;

/** An official MCP client connected to `${baseUrl}/mcp`; closed (session deleted) at the test's end. */
async function remote(t, baseUrl) {
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`));
  const client = new Client({ name: "walkindb-remote-tests", version: "0.0.0" });
  await client.connect(transport);
  // Listing the tools makes the client check every later structuredContent against its outputSchema.
  const { tools } = await client.listTools();
  t.after(async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  });
  return { client, transport, tools };
}

async function call(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) {
    assert.ok(result.structuredContent, `${name}: structuredContent missing`);
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  }
  return result;
}

async function ok(client, name, args = {}) {
  const result = await call(client, name, args);
  assert.ok(!result.isError, `${name} failed: ${textOf(result)}`);
  return result;
}

describe("remote MCP: POST /mcp on the walkindb server", () => {
  let server;
  before(async () => {
    server = await startServer(LIFTED_LIMITS);
  });
  after(async () => {
    await server?.stop();
  });

  test("initialize and tools/list give exactly tools.json", async (t) => {
    const { client, transport, tools } = await remote(t, server.baseUrl);
    assert.deepEqual(tools, TOOLS.tools);
    assert.deepEqual(client.getServerVersion(), TOOLS.server);
    assert.equal(client.getInstructions(), TOOLS.instructions);
    assert.match(transport.sessionId ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(transport.protocolVersion, "2025-11-25");
  });

  test("each tool: execute, batch, import_csv, schema, dump, reset", async (t) => {
    const { client } = await remote(t, server.baseUrl);
    const empty = await ok(client, "walkindb_schema");
    assert.equal(empty.structuredContent.session_established, null);
    assert.match(textOf(empty), /no walk-in yet/);

    const created = (await ok(client, "walkindb_execute", {
      sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB); INSERT INTO t(name, data) VALUES (?, ?)",
      args: ["ada", { base64: "/0E=" }],
    })).structuredContent;
    assert.equal(created.new_walkin, true);
    assert.equal(created.rows_affected, 1);
    assert.match(created.session_established, TOKEN_PREFIX);
    assert.ok(created.expires_at > Date.now() / 1000);

    const read = (await ok(client, "walkindb_execute", { sql: "SELECT name, data FROM t WHERE name = :n", args: { n: "ada" } }))
      .structuredContent;
    assert.deepEqual(read.rows, [["ada", { base64: "/0E=" }]]);
    assert.equal(read.new_walkin, false);
    assert.equal(read.session_established, created.session_established);

    const batch = (await ok(client, "walkindb_batch", {
      entries: [{ sql: "INSERT INTO t(name) VALUES ('bob')" }, { sql: "SELECT count(*) FROM t" }],
    })).structuredContent;
    assert.deepEqual(batch.results.map((r) => r.rows), [[], [[2]]]);

    const imported = (await ok(client, "walkindb_import_csv", { table: "people", csv: "name,age\nada,36\nbob,41\n" }))
      .structuredContent;
    assert.deepEqual([imported.table, imported.columns, imported.rows_affected], ["people", ["name", "age"], 2]);

    const schema = (await ok(client, "walkindb_schema")).structuredContent;
    assert.deepEqual(schema.tables.map((x) => x.name), ["people", "t"]);
    assert.deepEqual(schema.tables[0].columns.map((c) => [c.name, c.type]), [["name", "TEXT"], ["age", "INTEGER"]]);

    const dump = (await ok(client, "walkindb_dump")).structuredContent;
    assert.match(dump.sql, /^BEGIN TRANSACTION;/);
    assert.match(dump.sql, /^INSERT INTO "people"\("name","age"\) VALUES\('ada',36\);$/m);
    assert.equal(dump.bytes, Buffer.byteLength(dump.sql));

    const reset = (await ok(client, "walkindb_reset")).structuredContent;
    assert.deepEqual(reset, { had_walkin: true, previous_session: created.session_established });
    const fresh = (await ok(client, "walkindb_execute", { sql: "SELECT count(*) FROM sqlite_schema" })).structuredContent;
    assert.equal(fresh.new_walkin, true);
    assert.notEqual(fresh.session_established, created.session_established);
    assert.deepEqual(fresh.rows, [[0]]);
  });

  test("errors come back as isError results with the stdio server's very words", async (t) => {
    const { client } = await remote(t, server.baseUrl);
    const stdio = await connectMcp({ baseUrl: server.baseUrl });
    t.after(() => stdio.close());
    for (const c of [client, stdio.client]) {
      await ok(c, "walkindb_execute", { sql: "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT)" });
    }
    for (const sql of ["SELECT nmae FROM people", "ATTACH DATABASE 'x.db' AS x", "SELECT 1; SELECT nope FROM people"]) {
      const there = await call(client, "walkindb_execute", { sql });
      const here = await call(stdio.client, "walkindb_execute", { sql });
      assert.equal(there.isError, true, sql);
      assert.equal(textOf(there), textOf(here), sql);
    }
    const wrong = textOf(await call(client, "walkindb_execute", { sql: "SELECT nmae FROM people" }));
    assert.match(wrong, /^walkindb error 400: invalid sql: no such column: nmae\nhint: .*\bname\b/);
    assert.match(wrong, /^next: fix the SQL and call again/m);
    const second = textOf(await call(client, "walkindb_execute", { sql: "SELECT 1; SELECT nope FROM people" }));
    assert.match(second, /^failing statement: #2 of this call/m);
    assert.match(second, /statement 1 must be sent again too/);
    const attach = textOf(await call(client, "walkindb_execute", { sql: "ATTACH DATABASE 'x.db' AS x" }));
    assert.match(attach, /^walkindb error 400: forbidden sql keyword: ATTACH\nnext: .*do not retry/);

    const noSql = await client.callTool({ name: "walkindb_execute", arguments: {} });
    assert.equal(noSql.isError, true);
    assert.match(textOf(noSql), /^Input validation error: Invalid arguments for tool walkindb_execute: sql/);
    const badTable = await client.callTool({ name: "walkindb_import_csv", arguments: { table: "SQLITE_x", csv: "a\n1\n" } });
    assert.equal(badTable.isError, true);
    assert.match(textOf(badTable), /table/);
  });

  test("two sessions hold two walk-ins that do not see each other", async (t) => {
    const a = await remote(t, server.baseUrl);
    const b = await remote(t, server.baseUrl);
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    const ra = (await ok(a.client, "walkindb_execute", { sql: "CREATE TABLE only_a(x)" })).structuredContent;
    const rb = (await ok(b.client, "walkindb_execute", { sql: "SELECT count(*) FROM sqlite_schema" })).structuredContent;
    assert.deepEqual(rb.rows, [[0]]);
    assert.notEqual(ra.session_established, rb.session_established);
    const missing = await call(b.client, "walkindb_execute", { sql: "SELECT * FROM only_a" });
    assert.match(textOf(missing), /no such table: only_a/);
  });

  test("a deleted session is gone: 404, as for an unknown one", async (t) => {
    const { client, transport } = await remote(t, server.baseUrl);
    const id = transport.sessionId;
    await transport.terminateSession();
    const answer = await fetch(`${server.baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": id },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    assert.equal(answer.status, 404);
    assert.equal((await answer.json()).code, "mcp_session_not_found");
    // The client forgot the id when it ended the session: it now sends none, and is told so.
    await assert.rejects(client.listTools(), /missing_mcp_session/);
  });
});

describe("remote MCP when the walk-in expires (server with WALKINDB_TTL=2)", () => {
  let server;
  before(async () => {
    server = await startServer({ ...LIFTED_LIMITS, WALKINDB_TTL: "2" });
  });
  after(async () => {
    await server?.stop();
  });

  test("the call after expiry says so; the next one starts a fresh, empty walk-in", async (t) => {
    const { client } = await remote(t, server.baseUrl);
    const created = (await ok(client, "walkindb_execute", { sql: "CREATE TABLE t(x); INSERT INTO t VALUES (1)" }))
      .structuredContent;
    // Not a race: the server decides expiry from the creation time in the walk-in id against its
    // clock, so once the wall clock is past expires_at every call sees it expired.
    await untilPast(created.expires_at);
    const expired = await call(client, "walkindb_execute", { sql: "SELECT x FROM t" });
    assert.equal(expired.isError, true);
    assert.match(textOf(expired), /^walkindb error 404: instance not found\n/);
    assert.match(textOf(expired), /^next: your walk-in has expired[^\n]*next call starts a fresh, empty walk-in/m);
    const fresh = (await ok(client, "walkindb_execute", { sql: "SELECT count(*) FROM sqlite_schema" })).structuredContent;
    assert.equal(fresh.new_walkin, true);
    assert.notEqual(fresh.session_established, created.session_established);
    assert.deepEqual(fresh.rows, [[0]]);
  });
});
