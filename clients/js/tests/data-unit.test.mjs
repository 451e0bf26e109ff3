// batch, export, exportSql, importCsv and importSql without a server: what goes on the
// wire and how answers are read. A fake fetch records each request and replays a response.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Client, WalkinDBError } from "../dist/index.js";

const OK_BODY = { columns: [], rows: [], rows_affected: 0, truncated: false };
const SESSION_HEADERS = { "X-Walkin-Session": "wkn_new", "X-Walkin-Ttl": "1775868670" };

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
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** The bytes a fetch body would send (string, Blob or buffer). */
async function bodyBytes(body) {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe("batch", () => {
  test("every entry form goes out as {sql, args}, args encoded as for execute", async () => {
    const { fetch, requests } = fakeFetch(() => json({ results: [OK_BODY, OK_BODY, OK_BODY, OK_BODY] }));
    await new Client({ fetch }).batch([
      "SELECT 1",
      ["SELECT ?", [new Uint8Array([0, 255]), 9007199254740993n]],
      { sql: "SELECT :a", args: { a: 1 } },
      ["SELECT 2"],
      { sql: "SELECT 3", args: null },
    ]);
    assert.equal(requests[0].url, "http://127.0.0.1:8080/sql");
    assert.equal(requests[0].method, "POST");
    assert.equal(requests[0].headers["Content-Type"], "application/json");
    assert.equal(
      requests[0].body,
      '{"batch":[{"sql":"SELECT 1"},{"sql":"SELECT ?","args":[{"base64":"AP8="},9007199254740993]},' +
        '{"sql":"SELECT :a","args":{"a":1}},{"sql":"SELECT 2"},{"sql":"SELECT 3"}]}',
    );
  });

  test("resolves to one Result per entry", async () => {
    const { fetch } = fakeFetch(() =>
      json({
        results: [
          { columns: ["b"], rows: [[{ base64: "AQI=" }]], rows_affected: 0, truncated: false },
          { columns: ["x"], rows: [], rows_affected: 1, truncated: true },
        ],
      }),
    );
    const results = await new Client({ fetch }).batch(["SELECT x'0102'", "INSERT INTO t VALUES (1) RETURNING x"]);
    assert.deepEqual(results, [
      { columns: ["b"], rows: [[new Uint8Array([1, 2])]], rowsAffected: 0, truncated: false },
      { columns: ["x"], rows: [], rowsAffected: 1, truncated: true },
    ]);
  });

  test("an answer without results is an invalid response", async () => {
    const { fetch } = fakeFetch(() => json(OK_BODY));
    const error = await new Client({ fetch }).batch(["SELECT 1"]).catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.equal(error.status, 200);
    assert.match(error.error, /^invalid response: /);
  });

  test("errors carry code and entry beside statement", async () => {
    const { fetch } = fakeFetch(() =>
      json(
        { error: "invalid sql: no such table: nope", code: "invalid_sql", entry: 3, statement: 1 },
        { status: 400 },
      ),
    );
    const error = await new Client({ fetch }).batch(["SELECT 1", "SELECT 2", "SELECT * FROM nope"]).catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.deepEqual([error.status, error.code, error.entry, error.statement], [400, "invalid_sql", 3, 1]);
  });

  test("an error without entry or code leaves them absent", async () => {
    const { fetch } = fakeFetch(() => json({ error: "not found" }, { status: 404 }));
    const error = await new Client({ fetch }).batch(["SELECT 1"]).catch((e) => e);
    assert.equal("entry" in error, false);
    assert.equal("code" in error, false);
  });

  test("entries that cannot be sent are refused before any request", async () => {
    const { fetch, requests } = fakeFetch();
    const db = new Client({ fetch });
    for (const entries of ["SELECT 1", { sql: "SELECT 1" }, [42], [["SELECT 1", [], "extra"]], [{ sql: "x", extra: 1 }], [[1]]]) {
      await assert.rejects(db.batch(entries), TypeError, JSON.stringify(entries));
    }
    await assert.rejects(db.batch(["SELECT 1", ["SELECT ?", [NaN]]]), /entry 2 args\[0\]/);
    assert.equal(requests.length, 0);
  });

  test("a batch on a fresh client creates the walk-in once, even with calls beside it", async () => {
    let created = 0;
    const { fetch, requests } = fakeFetch(async (req) => {
      await new Promise((done) => setTimeout(done, 20));
      const body = JSON.parse(req.body);
      const answer = body.batch ? { results: body.batch.map(() => OK_BODY) } : OK_BODY;
      if (req.headers["X-Walkin-Session"]) return json(answer);
      created++;
      return json(answer, { headers: SESSION_HEADERS });
    });
    const db = new Client({ fetch });
    await Promise.all([db.batch(["SELECT 1"]), db.execute("SELECT 2"), db.batch(["SELECT 3"])]);
    assert.equal(created, 1);
    assert.deepEqual(
      requests.map((r) => r.headers["X-Walkin-Session"] ?? null),
      [null, "wkn_new", "wkn_new"],
    );
  });
});

describe("export", () => {
  test("export() GETs /db with the session and resolves to the bytes", async () => {
    const file = new Uint8Array([83, 81, 76, 105, 116, 101, 0, 1, 255]);
    const { fetch, requests } = fakeFetch(
      () => new Response(file, { headers: { "Content-Type": "application/vnd.sqlite3" } }),
    );
    const bytes = await new Client({ fetch, session: "wkn_s" }).export();
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(bytes, file);
    assert.equal(requests[0].url, "http://127.0.0.1:8080/db");
    assert.equal(requests[0].method, "GET");
    assert.equal(requests[0].headers["X-Walkin-Session"], "wkn_s");
    assert.equal(requests[0].headers["Content-Type"], undefined);
    assert.equal(requests[0].body, null);
  });

  test("exportSql() GETs /db?format=sql and decodes UTF-8", async () => {
    const dump = "BEGIN TRANSACTION;\nINSERT INTO t VALUES('tëxt ☃');\nCOMMIT;\n";
    const { fetch, requests } = fakeFetch(() => new Response(dump, { headers: { "Content-Type": "application/sql" } }));
    assert.equal(await new Client({ fetch, session: "wkn_s" }).exportSql(), dump);
    assert.equal(requests[0].url, "http://127.0.0.1:8080/db?format=sql");
  });

  test("a dump that is not UTF-8 is an invalid response", async () => {
    const { fetch } = fakeFetch(() => new Response(new Uint8Array([0x41, 0xff])));
    const error = await new Client({ fetch, session: "wkn_s" }).exportSql().catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.match(error.error, /not UTF-8/);
  });

  test("without a session the request goes out bare and the server's error surfaces", async () => {
    const { fetch, requests } = fakeFetch(() =>
      json({ error: "missing session", code: "missing_session" }, { status: 400 }),
    );
    const db = new Client({ fetch });
    const error = await db.export().catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.deepEqual([error.status, error.code, error.error], [400, "missing_session", "missing session"]);
    assert.equal(requests[0].headers["X-Walkin-Session"], undefined);
    assert.equal(db.session, null);
  });

  test("an export started while the walk-in is being created waits and uses its session", async () => {
    const { fetch, requests } = fakeFetch(async (req) => {
      if (req.method === "GET") return new Response(new Uint8Array([1]));
      await new Promise((done) => setTimeout(done, 20));
      return json(OK_BODY, { headers: SESSION_HEADERS });
    });
    const db = new Client({ fetch });
    const [, bytes] = await Promise.all([db.execute("CREATE TABLE t(x)"), db.export()]);
    assert.deepEqual(bytes, new Uint8Array([1]));
    assert.deepEqual(
      requests.map((r) => [r.method, r.headers["X-Walkin-Session"] ?? null]),
      [
        ["POST", null],
        ["GET", "wkn_new"],
      ],
    );
  });

  test("an export error body is read as JSON", async () => {
    const { fetch } = fakeFetch(() => json({ error: "instance not found", code: "instance_not_found" }, { status: 404 }));
    const error = await new Client({ fetch, session: "wkn_gone" }).export().catch((e) => e);
    assert.deepEqual([error.status, error.code, error.error], [404, "instance_not_found", "instance not found"]);
  });
});

describe("import", () => {
  const CSV = "a,b\n1,tëxt\n";
  const CSV_BYTES = new TextEncoder().encode(CSV);
  const CSV_ANSWER = { table: "t", columns: ["a", "b"], rows_affected: 1 };

  test("importCsv() sends every kind of data as text/csv to /import?table=&header=", async () => {
    const padded = new Uint8Array(CSV_BYTES.length + 4);
    padded.set(CSV_BYTES, 2);
    const kinds = {
      string: CSV,
      Uint8Array: CSV_BYTES,
      "Uint8Array at an offset": padded.subarray(2, 2 + CSV_BYTES.length),
      ArrayBuffer: CSV_BYTES.slice().buffer,
      DataView: new DataView(padded.buffer, 2, CSV_BYTES.length),
      Blob: new Blob([CSV_BYTES], { type: "application/octet-stream" }),
    };
    for (const [kind, data] of Object.entries(kinds)) {
      const { fetch, requests } = fakeFetch(() => json(CSV_ANSWER));
      const answer = await new Client({ fetch }).importCsv("t", data);
      assert.deepEqual(answer, { table: "t", columns: ["a", "b"], rowsAffected: 1 }, kind);
      assert.equal(requests[0].url, "http://127.0.0.1:8080/import?table=t&header=true", kind);
      assert.equal(requests[0].method, "POST", kind);
      assert.equal(requests[0].headers["Content-Type"], "text/csv", kind);
      assert.deepEqual(await bodyBytes(requests[0].body), CSV_BYTES, kind);
    }
  });

  test("header: false, and a table name that needs escaping in the query", async () => {
    const { fetch, requests } = fakeFetch(() => json(CSV_ANSWER));
    await new Client({ fetch }).importCsv("a b&c=d", "1,2\n", { header: false });
    assert.equal(requests[0].url, "http://127.0.0.1:8080/import?table=a+b%26c%3Dd&header=false");
  });

  test("an import on a fresh client takes the session it created", async () => {
    const { fetch, requests } = fakeFetch(() => json(CSV_ANSWER, { headers: SESSION_HEADERS }));
    const db = new Client({ fetch });
    await db.importCsv("t", CSV);
    assert.equal(db.session, "wkn_new");
    assert.equal(db.expiresAt, 1775868670);
    assert.equal(requests[0].headers["X-Walkin-Session"], undefined);
  });

  test("importSql() posts the script as application/sql and resolves to a Result", async () => {
    const { fetch, requests } = fakeFetch(() =>
      json({ columns: ["n"], rows: [[2]], rows_affected: 2, truncated: false }, { headers: SESSION_HEADERS }),
    );
    const db = new Client({ fetch });
    const script = "BEGIN TRANSACTION;\nCREATE TABLE t(n);\nINSERT INTO t VALUES(1),(2);\nCOMMIT;\nSELECT count(*) AS n FROM t;";
    assert.deepEqual(await db.importSql(script), { columns: ["n"], rows: [[2]], rowsAffected: 2, truncated: false });
    assert.equal(requests[0].url, "http://127.0.0.1:8080/import");
    assert.equal(requests[0].headers["Content-Type"], "application/sql");
    assert.equal(requests[0].body, script);
    assert.equal(db.session, "wkn_new");
  });

  test("import errors carry the server's code", async () => {
    const { fetch } = fakeFetch(() =>
      json({ error: "invalid csv: unknown column \"x\"", code: "invalid_csv" }, { status: 400 }),
    );
    const error = await new Client({ fetch, session: "wkn_s" }).importCsv("t", "x\n1\n").catch((e) => e);
    assert.deepEqual([error.status, error.code, error.error], [400, "invalid_csv", 'invalid csv: unknown column "x"']);
  });

  test("a CSV answer without table or columns is an invalid response", async () => {
    const { fetch } = fakeFetch(() => json(OK_BODY));
    const error = await new Client({ fetch }).importCsv("t", CSV).catch((e) => e);
    assert.ok(error instanceof WalkinDBError);
    assert.match(error.error, /^invalid response: /);
  });

  test("arguments that cannot be sent are refused before any request", async () => {
    const { fetch, requests } = fakeFetch();
    const db = new Client({ fetch });
    await assert.rejects(db.importCsv(1, CSV), TypeError);
    await assert.rejects(db.importCsv("t", 42), TypeError);
    await assert.rejects(db.importCsv("t", ["a,b"]), TypeError);
    await assert.rejects(db.importCsv("t", CSV, { header: "false" }), TypeError);
    await assert.rejects(db.importSql(CSV_BYTES), TypeError);
    assert.equal(requests.length, 0);
  });
});
