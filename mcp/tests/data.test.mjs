// walkindb_batch, walkindb_import_csv and walkindb_dump, driven by the official MCP client
// over stdio against the real walkindb server.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LIFTED_LIMITS, connectMcp, startServer, textOf, untilPast } from "./helpers.mjs";

const TOKEN_PREFIX = /^wkn_[A-Za-z0-9_-]{8}…$/;

/** Calls a tool; a success must carry the same JSON as text and as structuredContent. */
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
  return result.structuredContent;
}

async function failed(client, name, args = {}) {
  const result = await call(client, name, args);
  assert.equal(result.isError, true, `${name} should fail: ${textOf(result)}`);
  assert.equal(result.structuredContent, undefined);
  return textOf(result);
}

async function rowsOf(client, sql) {
  return (await ok(client, "walkindb_execute", { sql })).rows;
}

describe("walkindb-mcp data tools against the walkindb server", () => {
  let server;
  before(async () => {
    server = await startServer(LIFTED_LIMITS);
  });
  after(async () => {
    await server?.stop();
  });

  async function session(t) {
    const mcp = await connectMcp({ baseUrl: server.baseUrl });
    t.after(() => mcp.close());
    return mcp;
  }

  test("tools/list: batch, import_csv and dump with schemas, annotations and advice", async (t) => {
    const { tools } = await session(t);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));

    const batch = byName.walkindb_batch;
    for (const fact of ["ONE atomic transaction", "one result per entry", "1 to 50", "8 KB", "10 000-row", "truncated"])
      assert.ok(batch.description.includes(fact), `walkindb_batch description lacks ${JSON.stringify(fact)}`);
    assert.deepEqual(batch.inputSchema.required, ["entries"]);
    const entries = batch.inputSchema.properties.entries;
    assert.equal(entries.type, "array");
    assert.equal(entries.minItems, 1);
    assert.equal(entries.maxItems, 50);
    assert.deepEqual(entries.items.required, ["sql"]);
    assert.deepEqual(Object.keys(entries.items.properties).sort(), ["args", "sql"]);
    assert.deepEqual(Object.keys(batch.outputSchema.properties).sort(), [
      "expires_at", "new_walkin", "results", "session_established", "truncated",
    ]);
    assert.deepEqual(batch.annotations, {
      title: "Run several SQL entries in one transaction",
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: false,
    });

    const imp = byName.walkindb_import_csv;
    for (const fact of ["4 MB", "INTEGER", "REAL", "TEXT", "NULL", "appended", "c1, c2", "100 columns", "RFC 4180"])
      assert.ok(imp.description.includes(fact), `walkindb_import_csv description lacks ${JSON.stringify(fact)}`);
    assert.deepEqual([...imp.inputSchema.required].sort(), ["csv", "table"]);
    assert.equal(imp.inputSchema.properties.header.type, "boolean");
    assert.deepEqual(Object.keys(imp.outputSchema.properties).sort(), [
      "columns", "expires_at", "new_walkin", "rows_affected", "session_established", "table",
    ]);
    assert.equal(imp.annotations.readOnlyHint, false);
    assert.equal(imp.annotations.destructiveHint, false, "an import only adds rows");
    assert.equal(imp.annotations.idempotentHint, false, "an import twice appends twice");
    assert.equal(imp.annotations.openWorldHint, false);

    const dump = byName.walkindb_dump;
    assert.deepEqual(Object.keys(dump.inputSchema.properties ?? {}), []);
    assert.deepEqual(Object.keys(dump.outputSchema.properties).sort(), ["bytes", "expires_at", "session_established", "sql"]);
    assert.match(dump.description, /32 KB is refused/);
    assert.match(dump.description, /walkindb_schema/);
    assert.match(dump.description, /LIMIT n OFFSET m/);
    assert.match(dump.description, /does not create one/);
    assert.equal(dump.annotations.readOnlyHint, true);
    assert.equal(dump.annotations.destructiveHint, false);
    assert.equal(dump.annotations.idempotentHint, true);
  });

  test("batch: one result per entry, args per entry, the first call creates the walk-in", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const r = await ok(client, "walkindb_batch", {
      entries: [
        { sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, score REAL, raw BLOB)" },
        { sql: "INSERT INTO notes(body, score, raw) VALUES (?, ?, ?), ('two', NULL, NULL)", args: ["one", 2.5, { base64: "AAEC/w==" }] },
        { sql: "SELECT id, body, score, raw FROM notes WHERE id >= :min ORDER BY id", args: { min: 1 } },
        { sql: "UPDATE notes SET score = 1 WHERE score IS NULL; SELECT count(*) AS n FROM notes" },
      ],
    });
    assert.equal(server.instanceCount(), instancesBefore + 1);
    assert.equal(r.new_walkin, true);
    assert.match(r.session_established, TOKEN_PREFIX);
    assert.equal(typeof r.expires_at, "number");
    assert.equal(r.truncated, false);
    assert.deepEqual(r.results, [
      { columns: [], rows: [], rows_affected: 0, truncated: false },
      { columns: [], rows: [], rows_affected: 2, truncated: false },
      {
        columns: ["id", "body", "score", "raw"],
        rows: [[1, "one", 2.5, { base64: "AAEC/w==" }], [2, "two", null, null]],
        rows_affected: 0,
        truncated: false,
      },
      { columns: ["n"], rows: [[2]], rows_affected: 1, truncated: false },
    ]);

    const again = await ok(client, "walkindb_batch", { entries: [{ sql: "SELECT body FROM notes ORDER BY id" }] });
    assert.equal(again.new_walkin, false);
    assert.equal(again.session_established, r.session_established, "the same walk-in");
    assert.deepEqual(again.results[0].rows, [["one"], ["two"]]);
  });

  test("batch: an error names the entry and its statement; nothing of the batch is kept", async (t) => {
    const { client } = await session(t);
    await ok(client, "walkindb_execute", { sql: "CREATE TABLE t(x INTEGER)" });
    const text = await failed(client, "walkindb_batch", {
      entries: [
        { sql: "INSERT INTO t VALUES (1)" },
        { sql: "INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)" },
        { sql: "INSERT INTO t VALUES (4); SELECT nope FROM t" },
      ],
    });
    assert.match(text, /^walkindb error 400: invalid sql: no such column: nope\n/);
    assert.match(text, /^failing entry: #3 of this batch \(counting from 1\)$/m);
    assert.match(text, /^failing statement: #2 of that entry \(counting from 1\)$/m);
    assert.match(text, /^next: .*whole batch was rolled back: entries 1 to 2 must be sent again too/m);
    assert.deepEqual(await rowsOf(client, "SELECT count(*) FROM t"), [[0]], "the batch left nothing behind");

    const args = await failed(client, "walkindb_batch", {
      entries: [{ sql: "SELECT 1" }, { sql: "SELECT ?, ?", args: [1] }],
    });
    assert.match(args, /^walkindb error 400: invalid args: /);
    assert.match(args, /^failing entry: #2 of this batch/m);
  });

  test("batch: entries checked before anything is sent (count, empty sql)", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const none = await client.callTool({ name: "walkindb_batch", arguments: { entries: [] } });
    assert.equal(none.isError, true);
    assert.match(textOf(none), /entries/);
    const tooMany = await client.callTool({
      name: "walkindb_batch",
      arguments: { entries: Array.from({ length: 51 }, (_, i) => ({ sql: `SELECT ${i}` })) },
    });
    assert.equal(tooMany.isError, true);
    assert.match(textOf(tooMany), /50/);
    const empty = await client.callTool({ name: "walkindb_batch", arguments: { entries: [{ sql: "" }] } });
    assert.equal(empty.isError, true);
    assert.equal(server.instanceCount(), instancesBefore, "no walk-in was created by refused calls");

    const fifty = await ok(client, "walkindb_batch", {
      entries: Array.from({ length: 50 }, (_, i) => ({ sql: `SELECT ${i} AS i` })),
    });
    assert.equal(fifty.results.length, 50);
    assert.deepEqual(fifty.results.at(-1).rows, [[49]]);
  });

  test("batch: over 8 KB in all is refused with advice to split it", async (t) => {
    const { client } = await session(t);
    const text = await failed(client, "walkindb_batch", {
      entries: Array.from({ length: 3 }, () => ({ sql: `SELECT '${"x".repeat(3000)}'` })),
    });
    assert.match(text, /^walkindb error 413: /);
    assert.match(text, /^next: the batch is over 8 KB in all\. Split it/m);
  });

  test("batch: once the row cap is spent, later entries still run and come back empty, truncated", async (t) => {
    const { client } = await session(t);
    await ok(client, "walkindb_execute", { sql: "CREATE TABLE t(x INTEGER)" });
    const r = await call(client, "walkindb_batch", {
      entries: [
        { sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 10001) SELECT x FROM c" },
        { sql: "INSERT INTO t VALUES (7) RETURNING x" },
      ],
    });
    assert.ok(!r.isError, textOf(r));
    const s = r.structuredContent;
    assert.equal(s.truncated, true);
    assert.equal(s.results[0].truncated, true);
    assert.equal(s.results[0].rows.length, 10000);
    assert.deepEqual(s.results[1], { columns: ["x"], rows: [], rows_affected: 1, truncated: true });
    const note = r.content.slice(1).map((c) => c.text).join("\n");
    assert.match(note, /truncated from entry 1 on \(entries 1, 2/);
    assert.match(note, /still ran/);
    assert.deepEqual(await rowsOf(client, "SELECT x FROM t"), [[7]], "the write of the cut entry happened");
  });

  test("import_csv: creates the table with inferred types, RFC 4180 quoting, NULLs", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const csv =
      "\uFEFFid,name,price,note\r\n" +
      '1,"Smith, Ann",2.5,"said ""hi""\nthen left"\r\n' +
      "2,Bob,3,\r\n" +
      "3,Émile,,plain\r\n";
    const r = await ok(client, "walkindb_import_csv", { table: "people", csv });
    assert.equal(server.instanceCount(), instancesBefore + 1, "the import created the walk-in");
    assert.equal(r.new_walkin, true);
    assert.match(r.session_established, TOKEN_PREFIX);
    assert.equal(r.table, "people");
    assert.deepEqual(r.columns, ["id", "name", "price", "note"]);
    assert.equal(r.rows_affected, 3);

    const schema = await ok(client, "walkindb_schema");
    assert.deepEqual(
      schema.tables.map((x) => [x.name, x.columns.map((c) => [c.name, c.type])]),
      [["people", [["id", "INTEGER"], ["name", "TEXT"], ["price", "REAL"], ["note", "TEXT"]]]],
    );
    assert.deepEqual(await rowsOf(client, "SELECT id, name, price, note FROM people ORDER BY id"), [
      [1, "Smith, Ann", 2.5, 'said "hi"\nthen left'],
      [2, "Bob", 3, null],
      [3, "Émile", null, "plain"],
    ]);

    // A second import appends by column name, in any column order.
    const more = await ok(client, "walkindb_import_csv", { table: "people", csv: "note,id,name\nlate,4,Dee\n" });
    assert.equal(more.new_walkin, false);
    assert.equal(more.rows_affected, 1);
    assert.deepEqual(await rowsOf(client, "SELECT id, name, price, note FROM people WHERE id = 4"), [[4, "Dee", null, "late"]]);
  });

  test("import_csv: header false gives columns c1..cn", async (t) => {
    const { client } = await session(t);
    const r = await ok(client, "walkindb_import_csv", { table: "raw", csv: "a,1\nb,2\n", header: false });
    assert.deepEqual(r.columns, ["c1", "c2"]);
    assert.equal(r.rows_affected, 2);
    assert.deepEqual(await rowsOf(client, "SELECT c1, c2 FROM raw ORDER BY c2"), [["a", 1], ["b", 2]]);
  });

  test("import_csv: bad CSV and unknown columns are refused with advice; the table is unchanged", async (t) => {
    const { client } = await session(t);
    await ok(client, "walkindb_import_csv", { table: "t", csv: "a,b\n1,2\n" });

    const unknown = await failed(client, "walkindb_import_csv", { table: "t", csv: "a,zz\n3,4\n" });
    assert.match(unknown, /^walkindb error 400: invalid csv: unknown column "zz"\n/);
    assert.match(unknown, /^next: fix the CSV text .*Nothing was imported\.$/m);

    const unclosed = await failed(client, "walkindb_import_csv", { table: "t", csv: 'a,b\n5,"six\n' });
    assert.match(unclosed, /^walkindb error 400: invalid csv: /);

    const ragged = await failed(client, "walkindb_import_csv", { table: "t", csv: "a,b\n7,8\n9\n" });
    assert.match(ragged, /^walkindb error 400: invalid csv: /);
    assert.deepEqual(await rowsOf(client, "SELECT a, b FROM t"), [[1, 2]], "no refused row got in");
  });

  test("import_csv: a table name that is not a plain identifier is refused before anything is sent", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    for (const table of ["x; DROP TABLE y", "sqlite_master", "1abc", "a-b", ""]) {
      const r = await client.callTool({ name: "walkindb_import_csv", arguments: { table, csv: "a\n1\n" } });
      assert.equal(r.isError, true, `table ${JSON.stringify(table)} must be refused`);
      assert.match(textOf(r), /table/);
    }
    assert.equal(server.instanceCount(), instancesBefore, "no request reached the server");
  });

  test("dump: empty without a walk-in, and does not create one", async (t) => {
    const { client } = await session(t);
    const instancesBefore = server.instanceCount();
    const r = await call(client, "walkindb_dump");
    assert.ok(!r.isError, textOf(r));
    assert.deepEqual(r.structuredContent, { sql: "", bytes: 0, session_established: null, expires_at: null });
    assert.match(textOf(r), /no walk-in yet/);
    assert.equal(server.instanceCount(), instancesBefore);
  });

  test("dump: the walk-in as SQL, which recreates it exactly (BLOBs and REALs included)", async (t) => {
    const { client } = await session(t);
    const created = await ok(client, "walkindb_execute", {
      sql:
        "CREATE TABLE m(id INTEGER PRIMARY KEY, label TEXT, v REAL, b BLOB);" +
        "CREATE INDEX m_label ON m(label);" +
        "INSERT INTO m(label, v, b) VALUES ('it''s', 0.1, x'00ff10'), (NULL, 1e300, NULL), ('π', -2.5e-7, x'');" +
        "INSERT INTO m(label, v) VALUES ('third', 1.0/3)",
    });
    const check = "SELECT id, label, v, quote(v), hex(b), typeof(b) FROM m ORDER BY id";
    const want = await rowsOf(client, check);

    const d = await ok(client, "walkindb_dump");
    assert.equal(d.session_established, created.session_established);
    assert.equal(d.expires_at, created.expires_at);
    assert.equal(d.bytes, Buffer.byteLength(d.sql, "utf8"));
    assert.match(d.sql, /^BEGIN TRANSACTION;/);
    assert.match(d.sql, /CREATE TABLE m\(/);
    assert.match(d.sql, /CREATE INDEX m_label/);
    assert.match(d.sql, /INSERT INTO/);
    assert.match(d.sql, /X'00FF10'/i);
    assert.match(d.sql, /COMMIT;\s*$/);

    // The dump is small enough to send back through walkindb_execute into a new walk-in.
    await ok(client, "walkindb_reset");
    const replay = await ok(client, "walkindb_execute", { sql: d.sql });
    assert.equal(replay.new_walkin, true);
    assert.notEqual(replay.session_established, created.session_established);
    assert.deepEqual(await rowsOf(client, check), want);
  });

  test("dump: a walk-in bigger than an agent can read is refused, saying how big and what to do", async (t) => {
    const { client } = await session(t);
    // About 60 KB of rows: well over the tool's 32 KB, loaded in one import.
    const lines = ["id,body"];
    for (let i = 0; i < 600; i++) lines.push(`${i},${"row ".repeat(24)}${i}`);
    const imported = await ok(client, "walkindb_import_csv", { table: "big", csv: lines.join("\n") + "\n" });
    assert.equal(imported.rows_affected, 600);

    const text = await failed(client, "walkindb_dump");
    const m = /^walkindb_dump refused: the dump is ([\d,]+) KB, more than the 32 KB this tool returns\n/.exec(text);
    assert.ok(m, text);
    assert.ok(Number(m[1].replace(/,/g, "")) > 50, `size reported: ${m[1]} KB`);
    assert.match(text, /walkindb_schema/);
    assert.match(text, /LIMIT 100 OFFSET n/);
    assert.match(text, /GET http:\/\/127\.0\.0\.1:\d+\/db\?format=sql/);
    assert.doesNotMatch(text, /wkn_/, "the token is never shown");

    // Trimmed back under the limit, the same walk-in dumps again.
    await ok(client, "walkindb_execute", { sql: "DELETE FROM big WHERE id >= 100" });
    const d = await ok(client, "walkindb_dump");
    assert.ok(d.bytes <= 32 * 1024, `${d.bytes} bytes`);
    assert.equal((d.sql.match(/INSERT INTO/g) ?? []).length, 100);
  });
});

describe("walkindb-mcp data tools when the walk-in expires (WALKINDB_TTL=2)", () => {
  let server;
  before(async () => {
    server = await startServer({ ...LIFTED_LIMITS, WALKINDB_TTL: "2" });
  });
  after(async () => {
    await server?.stop();
  });

  test("batch, import and dump on an expired walk-in say it expired; the next call starts afresh", async (t) => {
    const mcp = await connectMcp({ baseUrl: server.baseUrl });
    t.after(() => mcp.close());
    const { client } = mcp;
    for (const [name, args] of [
      ["walkindb_dump", {}],
      ["walkindb_batch", { entries: [{ sql: "SELECT x FROM t" }] }],
      ["walkindb_import_csv", { table: "t", csv: "x\n2\n" }],
    ]) {
      const made = await ok(client, "walkindb_import_csv", { table: "t", csv: "x\n1\n" });
      assert.equal(made.new_walkin, true, name);
      // Not a race: the server decides expiry from the creation time in the walk-in id against
      // its clock, so once the wall clock is past expires_at every call sees it expired.
      await untilPast(made.expires_at);
      const text = await failed(client, name, args);
      assert.match(text, /^walkindb error 404: instance not found\n/, name);
      assert.match(text, /^next: your walk-in has expired[^\n]*next call starts a fresh, empty walk-in/m, name);
    }
    const fresh = await ok(client, "walkindb_batch", { entries: [{ sql: "SELECT count(*) FROM sqlite_schema" }] });
    assert.equal(fresh.new_walkin, true);
    assert.deepEqual(fresh.results[0].rows, [[0]]);
  });
});
