// The SDK in a real browser: Debian's Chromium loads dist/index.js as an ES module from
// a page on another origin than the walkindb server, so CORS is exercised for real.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";
import { REPO, startServer } from "./server.mjs";

const DIST = resolve(fileURLToPath(new URL("../dist/", import.meta.url)));

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The page imports the SDK exactly as a site would, and exposes one function to run.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>walkindb in a browser</title>
<script type="module">
  import { Client, WalkinDBError } from "/dist/index.js";

  window.runWalkin = async (baseUrl) => {
    const db = new Client({ baseUrl });
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 255);
    await db.execute("CREATE TABLE files(id INTEGER PRIMARY KEY, data BLOB)");
    const inserted = await db.execute("INSERT INTO files(data) VALUES (?)", [bytes]);
    const selected = await db.execute("SELECT id, data, length(data), hex(data) FROM files");
    const [id, back, length, hex] = selected.rows[0];
    let failure = null;
    try {
      await db.execute("SELECT * FROM nope");
    } catch (e) {
      failure = { isWalkinDBError: e instanceof WalkinDBError, status: e.status, error: e.error, hint: e.hint };
    }
    return {
      session: db.session,
      expiresAt: db.expiresAt,
      rowsAffected: inserted.rowsAffected,
      columns: selected.columns,
      id,
      isUint8Array: back instanceof Uint8Array,
      back: Array.from(back),
      length,
      hex,
      failure,
      healthz: await db.healthz(),
      userAgent: navigator.userAgent,
    };
  };

  // A CSV File in, a batch, both exports, and the dump into a second walk-in: every
  // request of these needs a CORS preflight (text/csv, application/sql, the session header).
  window.runDataIo = async (baseUrl) => {
    const db = new Client({ baseUrl });
    const file = new File(["name,n\\nada,1\\nbob,2.5\\n"], "people.csv", { type: "text/csv" });
    const imported = await db.importCsv("people", file);
    const results = await db.batch(["INSERT INTO people VALUES ('cy', 3)", ["SELECT name, n FROM people WHERE n > ?", [1]]]);
    const bytes = await db.export();
    const dump = await db.exportSql();
    const copy = new Client({ baseUrl });
    await copy.importSql(dump);
    const copied = await copy.execute("SELECT name, n FROM people ORDER BY name");
    return {
      imported,
      batchRows: results.map((r) => r.rows),
      isUint8Array: bytes instanceof Uint8Array,
      magic: new TextDecoder().decode(bytes.subarray(0, 15)),
      copied: copied.rows,
      twoWalkins: typeof copy.session === "string" && copy.session !== db.session,
    };
  };
</script>
`;

let walkindb;
let site;
let siteUrl;
let userDataDir;
let context;

/** Serves the page at / and the built SDK under /dist/, nothing else. */
function startSite() {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path === "/") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(PAGE);
      return;
    }
    const file = normalize(join(DIST, path.replace(/^\/dist\//, "")));
    if (path.startsWith("/dist/") && file.startsWith(DIST + sep) && file.endsWith(".js")) {
      try {
        const body = readFileSync(file);
        response.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
        response.end(body);
        return;
      } catch {
        // fall through to 404
      }
    }
    response.writeHead(404).end();
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

before(async () => {
  walkindb = await startServer();
  site = await startSite();
  siteUrl = `http://127.0.0.1:${site.address().port}/`;
  // Installs Debian's chromium when missing; prints its path last.
  const executablePath = execFileSync(join(REPO, "scripts/ensure-chromium"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1);
  userDataDir = mkdtempSync(join(tmpdir(), "walkindb-js-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await new Promise((done) => (site ? site.close(done) : done()));
  await walkindb?.stop();
});

test("Chromium: create a walk-in, round-trip a BLOB, read an error", async () => {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Chromium logs every non-2xx fetch; the 400 below is on purpose.
    const expected = /^Failed to load resource: the server responded with a status of 400/;
    if (message.type() === "error" && !expected.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });

  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.runWalkin === "function", null, { timeout: 10_000 });
  const got = await page.evaluate((baseUrl) => window.runWalkin(baseUrl), walkindb.baseUrl);

  const sent = Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 255);
  assert.match(got.session ?? "", /^wkn_/, "the session header is exposed to the page");
  assert.ok(got.expiresAt > Date.now() / 1000, "the TTL header is exposed to the page");
  assert.equal(got.rowsAffected, 1);
  assert.deepEqual(got.columns, ["id", "data", "length(data)", "hex(data)"]);
  assert.equal(got.id, 1);
  assert.equal(got.isUint8Array, true);
  assert.deepEqual(got.back, sent);
  assert.equal(got.length, 300);
  assert.equal(got.hex, Buffer.from(sent).toString("hex").toUpperCase());
  assert.deepEqual(
    { ...got.failure, hint: typeof got.failure?.hint },
    { isWalkinDBError: true, status: 400, error: "invalid sql: no such table: nope", hint: "string" },
  );
  assert.equal(got.healthz, true);
  assert.match(got.userAgent, /Chrome\//);
  assert.deepEqual(problems, [], "the page logged no errors");

  // The browser's own User-Agent reached the server: the SDK added none of its own.
  let agents = new Set();
  for (let i = 0; i < 50 && ![...agents].some((a) => /Chrome\//.test(a)); i++) {
    if (i > 0) await new Promise((done) => setTimeout(done, 100));
    agents = new Set(walkindb.accessLog().map((record) => String(record.user_agent)));
  }
  assert.ok([...agents].some((a) => /Chrome\//.test(a)), JSON.stringify([...agents]));
  assert.ok(![...agents].some((a) => a.startsWith("walkindb-js")), JSON.stringify([...agents]));
});

test("Chromium: import a CSV File, batch, export, and load the dump elsewhere", async () => {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.runDataIo === "function", null, { timeout: 10_000 });
  const got = await page.evaluate((baseUrl) => window.runDataIo(baseUrl), walkindb.baseUrl);
  assert.deepEqual(got, {
    imported: { table: "people", columns: ["name", "n"], rowsAffected: 2 },
    batchRows: [[], [["bob", 2.5], ["cy", 3]]],
    isUint8Array: true,
    magic: "SQLite format 3",
    copied: [["ada", 1], ["bob", 2.5], ["cy", 3]],
    twoWalkins: true,
  });
  assert.deepEqual(problems, [], "the page logged no errors");
});
