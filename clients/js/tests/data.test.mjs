// batch, export, exportSql, importCsv and importSql against a real walkindb server.
// Type-checked against dist/*.d.ts by `npm test` (tests/tsconfig.json), like compat.test.mjs.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { Client, WalkinDBError } from "walkindb";
import { startServer } from "./server.mjs";

/** @typedef {import("walkindb").BatchEntry} BatchEntry */
/** @typedef {import("walkindb").CsvData} CsvData */

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const TOKEN = /^wkn_[A-Za-z0-9_-]{107}$/;
const BAD_TOKEN = "wkn_" + "A".repeat(107);
const COUNT_TO = (/** @type {number} */ n) =>
  `WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${n}) SELECT n FROM c`;
const CSV = 'id,name,score\n1,ada,9.5\n2,"grace, rear admiral",\n3,"line\nbreak",7\n';
const CSV_ROWS = [
  [1, "ada", 9.5],
  [2, "grace, rear admiral", null],
  [3, "line\nbreak", 7],
];

/** @param {{ session?: string }} [options] */
const client = (options = {}) => new Client({ baseUrl: server.baseUrl, ...options });

/**
 * The WalkinDBError that `promise` rejects with (fails the test if it resolves).
 * @param {Promise<unknown>} promise
 * @returns {Promise<WalkinDBError>}
 */
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WalkinDBError, `expected a WalkinDBError, got ${error}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

describe("batch", () => {
  test("one result per entry, in every entry form", async () => {
    const db = client();
    const results = await db.batch([
      "CREATE TABLE t(a INTEGER, b)",
      ["INSERT INTO t VALUES (?, ?), (?, ?)", [1, "one", 2, new Uint8Array([0, 255])]],
      { sql: "INSERT INTO t VALUES (:a, :b)", args: { a: 3, b: 3.5 } },
      ["SELECT a, b FROM t ORDER BY a"],
    ]);
    assert.deepEqual(results, [
      { columns: [], rows: [], rowsAffected: 0, truncated: false },
      { columns: [], rows: [], rowsAffected: 2, truncated: false },
      { columns: [], rows: [], rowsAffected: 1, truncated: false },
      {
        columns: ["a", "b"],
        rows: [
          [1, "one"],
          [2, new Uint8Array([0, 255])],
          [3, 3.5],
        ],
        rowsAffected: 0,
        truncated: false,
      },
    ]);
  });

  test("a batch creates the walk-in and the client keeps it", async () => {
    const db = client();
    await db.batch(["CREATE TABLE kept(x)", "INSERT INTO kept VALUES (7)"]);
    assert.match(db.session ?? "", TOKEN);
    assert.equal(typeof db.expiresAt, "number");
    assert.deepEqual((await db.execute("SELECT x FROM kept")).rows, [[7]]);
  });

  test("an entry of several statements gives its last statement's result", async () => {
    const results = await client().batch(["SELECT 1; SELECT 2 AS two", "SELECT 3 AS three"]);
    assert.deepEqual(
      results.map((r) => [r.columns, r.rows]),
      [
        [["two"], [[2]]],
        [["three"], [[3]]],
      ],
    );
  });

  test("a failing entry undoes the whole batch and is named", async () => {
    const db = client();
    await db.execute("CREATE TABLE notes(body TEXT)");
    const error = await failure(db.batch(["INSERT INTO notes VALUES ('lost')", "SELECT 1; SELECT * FROM missing"]));
    assert.deepEqual(
      [error.status, error.code, error.error, error.entry, error.statement],
      [400, "invalid_sql", "invalid sql: no such table: missing", 2, 2],
    );
    assert.deepEqual((await db.execute("SELECT count(*) FROM notes")).rows, [[0]]);
  });

  test("bad args name their entry", async () => {
    const error = await failure(client().batch(["SELECT 1", ["SELECT ?", [1, 2]]]));
    assert.deepEqual([error.status, error.code, error.entry], [400, "invalid_args", 2]);
    assert.match(error.error, /^invalid args: /);
  });

  test("no entries, or more than 50, is invalid_batch and creates nothing", async () => {
    for (const entries of [[], Array(51).fill("SELECT 1")]) {
      const db = client();
      const error = await failure(db.batch(entries));
      assert.deepEqual(
        [error.status, error.code, error.error],
        [400, "invalid_batch", "invalid batch: must have 1 to 50 entries"],
      );
      assert.equal(db.session, null);
    }
  });

  test("50 entries are accepted", async () => {
    /** @type {BatchEntry[]} */
    const entries = Array.from({ length: 50 }, (_, n) => ["SELECT ?", [n]]);
    const results = await client().batch(entries);
    assert.deepEqual(
      results.map((r) => r.rows),
      Array.from({ length: 50 }, (_, n) => [[n]]),
    );
  });

  test("the row cap spans the batch; later entries still run", async () => {
    const db = client();
    await db.execute("CREATE TABLE after(x)");
    const [first, second] = await db.batch([COUNT_TO(10_000), "INSERT INTO after VALUES (1) RETURNING x"]);
    assert.equal(first?.rows.length, 10_000);
    assert.equal(first?.truncated, false);
    assert.deepEqual(second, { columns: ["x"], rows: [], rowsAffected: 1, truncated: true });
    assert.deepEqual((await db.execute("SELECT x FROM after")).rows, [[1]]);
  });
});

describe("export", () => {
  /** @type {Client} */
  let db;
  const blob = Uint8Array.from({ length: 256 }, (_, i) => i);
  before(async () => {
    db = client();
    await db.execute(
      "CREATE TABLE things(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB);" +
        " CREATE INDEX things_name ON things(name);" +
        " INSERT INTO things(name, price, data) VALUES (?, ?, ?), (?, ?, ?), ('it''s', NULL, NULL)",
      ["tëxt ☃\nline two", 0.1, blob, "third", 1 / 3, new Uint8Array(0)],
    );
  });

  test("export() resolves to a whole SQLite database file", async () => {
    const bytes = await db.export();
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 16)), "SQLite format 3\0");
    // The header's page size times its page count is the file's length: nothing torn off.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
    assert.equal(bytes.length, pageSize * view.getUint32(28));
  });

  test("exportSql() round-trips through importSql() into a fresh walk-in", async () => {
    const dump = await db.exportSql();
    assert.equal(typeof dump, "string");
    assert.ok(dump.startsWith("BEGIN TRANSACTION;"), dump.slice(0, 40));
    assert.ok(dump.trimEnd().endsWith("COMMIT;"), dump.slice(-40));
    const fresh = client();
    await fresh.importSql(dump);
    assert.match(fresh.session ?? "", TOKEN);
    assert.notEqual(fresh.session, db.session);
    for (const query of [
      "SELECT id, name, price, data, typeof(price), typeof(data) FROM things ORDER BY id",
      "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
    ]) {
      assert.deepEqual(await fresh.execute(query), await db.execute(query), query);
    }
    assert.deepEqual((await fresh.execute("SELECT price FROM things WHERE id = 2")).rows, [[1 / 3]]);
  });

  test("without a session: 400 missing_session, and still no session", async () => {
    const fresh = client();
    for (const call of [() => fresh.export(), () => fresh.exportSql()]) {
      const error = await failure(call());
      assert.deepEqual([error.status, error.code, error.error], [400, "missing_session", "missing session"]);
      assert.equal(fresh.session, null);
    }
  });

  test("an unknown walk-in is 404 instance_not_found", async () => {
    const gone = client({ session: BAD_TOKEN });
    for (const call of [() => gone.export(), () => gone.exportSql()]) {
      const error = await failure(call());
      assert.deepEqual([error.status, error.code, error.error], [404, "instance_not_found", "instance not found"]);
      assert.equal(gone.session, BAD_TOKEN);
    }
  });
});

describe("importCsv", () => {
  /**
   * @param {Client} db
   * @param {string} table
   * @param {import("walkindb").CsvImport} answer
   */
  async function assertImported(db, table, answer) {
    assert.deepEqual(answer, { table, columns: ["id", "name", "score"], rowsAffected: 3 });
    assert.deepEqual((await db.execute(`SELECT id, name, score FROM ${table} ORDER BY id`)).rows, CSV_ROWS);
    // The inferred column types: "7" is stored as REAL 7.0 in a REAL column.
    const types = await db.execute(`SELECT typeof(id), typeof(name), typeof(score) FROM ${table} WHERE id = 3`);
    assert.deepEqual(types.rows, [["integer", "text", "real"]]);
  }

  test("every kind of data", async () => {
    const db = client();
    const bytes = new TextEncoder().encode(CSV);
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    /** @type {[string, CsvData][]} */
    const kinds = [
      ["from_string", CSV],
      ["from_uint8array", bytes],
      ["from_subarray", padded.subarray(4, 4 + bytes.length)],
      ["from_arraybuffer", bytes.slice().buffer],
      ["from_dataview", new DataView(padded.buffer, 4, bytes.length)],
      ["from_blob", new Blob([CSV], { type: "text/plain" })],
      ["from_bom", new Uint8Array([0xef, 0xbb, 0xbf, ...bytes])],
    ];
    for (const [table, data] of kinds) await assertImported(db, table, await db.importCsv(table, data));
  });

  test("an import creates the walk-in and the client keeps it", async () => {
    const db = client();
    await db.importCsv("people", CSV);
    assert.match(db.session ?? "", TOKEN);
    assert.equal(typeof db.expiresAt, "number");
    assert.deepEqual((await db.execute("SELECT count(*) FROM people")).rows, [[3]]);
  });

  test("header: false numbers the columns", async () => {
    const db = client();
    assert.deepEqual(await db.importCsv("bare", "1,x\n2,y\n", { header: false }), {
      table: "bare",
      columns: ["c1", "c2"],
      rowsAffected: 2,
    });
    assert.deepEqual((await db.execute("SELECT c1, c2 FROM bare ORDER BY c1")).rows, [
      [1, "x"],
      [2, "y"],
    ]);
  });

  test("an existing table gets rows appended by column name", async () => {
    const db = client();
    await db.execute("CREATE TABLE kv(k TEXT, v INTEGER)");
    assert.deepEqual(await db.importCsv("kv", "v,k\n1,a\n2,b\n"), { table: "kv", columns: ["v", "k"], rowsAffected: 2 });
    assert.deepEqual((await db.execute("SELECT k, v FROM kv ORDER BY v")).rows, [
      ["a", 1],
      ["b", 2],
    ]);
  });

  test("refusals carry the server's code and change nothing", async () => {
    const db = client();
    await db.execute("CREATE TABLE kv(k TEXT, v INTEGER); INSERT INTO kv VALUES ('keep', 1)");
    /** @type {[string, CsvData, string][]} */
    const cases = [
      ["kv", "k,nope\na,1\n", "invalid_csv"],
      ["kv", 'k,v\n"unclosed,1\n', "invalid_csv"],
      ["kv", "k,v\na,1,extra\n", "invalid_csv"],
      ["kv", new Uint8Array([0x6b, 0x0a, 0xff, 0xfe, 0x0a]), "invalid_csv"],
      ["kv; DROP TABLE kv", "k,v\na,1\n", "invalid_table_name"],
      ["sqlite_master", "k\na\n", "invalid_table_name"],
    ];
    for (const [table, data, code] of cases) {
      const error = await failure(db.importCsv(table, data));
      assert.deepEqual([error.status, error.code], [400, code], error.error);
    }
    assert.deepEqual((await db.execute("SELECT k, v FROM kv")).rows, [["keep", 1]]);
  });

  test("an unknown walk-in is 404 instance_not_found", async () => {
    const error = await failure(client({ session: BAD_TOKEN }).importCsv("t", CSV));
    assert.deepEqual([error.status, error.code], [404, "instance_not_found"]);
  });
});

describe("importSql", () => {
  test("a script over 8 KB runs as one call and creates the walk-in", async () => {
    const db = client();
    let script = "CREATE TABLE n(x INTEGER);\n";
    for (let i = 0; i < 2000; i++) script += `INSERT INTO n VALUES (${i});\n`;
    script += "SELECT count(*) AS c, sum(x) AS s FROM n;";
    assert.ok(new TextEncoder().encode(script).length > 8192);
    assert.deepEqual(await db.importSql(script), {
      columns: ["c", "s"],
      rows: [[2000, 1999000]],
      rowsAffected: 2000,
      truncated: false,
    });
    assert.match(db.session ?? "", TOKEN);
    assert.equal(typeof db.expiresAt, "number");
  });

  test("a failing statement undoes the script and is named", async () => {
    const db = client();
    await db.execute("SELECT 1");
    const error = await failure(
      db.importSql("CREATE TABLE a(x);\nINSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (1);"),
    );
    assert.deepEqual([error.status, error.code, error.statement], [400, "invalid_sql", 3]);
    assert.deepEqual((await db.execute("SELECT count(*) FROM sqlite_schema")).rows, [[0]]);
  });

  test("what execute() refuses, importSql() refuses", async () => {
    const db = client();
    await db.execute("CREATE TABLE t(x)");
    for (const [script, code] of [
      ["INSERT INTO t VALUES (1); ATTACH DATABASE 'x.db' AS x;", "forbidden_sql_keyword"],
      ["INSERT INTO t VALUES (1); PRAGMA max_page_count = 100000;", "forbidden_sql"],
    ]) {
      const error = await failure(db.importSql(script));
      assert.deepEqual([error.status, error.code], [400, code], error.error);
    }
    assert.deepEqual((await db.execute("SELECT count(*) FROM t")).rows, [[0]]);
  });
});
