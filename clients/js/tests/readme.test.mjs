// The README's "Data in and out" example, run as a user would run it, against a real server.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";

import { startServer } from "./server.mjs";

const README = fileURLToPath(new URL("../README.md", import.meta.url));
// Inside the package, so that `import ... from "walkindb"` resolves to this build.
const SCRIPT = fileURLToPath(new URL("./readme-example.tmp.mjs", import.meta.url));

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  rmSync(SCRIPT, { force: true });
  await server?.stop();
});

/** The README's js block holding `containing`. */
function jsBlock(containing) {
  const blocks = [...readFileSync(README, "utf8").matchAll(/```js\n(.*?)```/gs)].filter((m) => m[1].includes(containing));
  assert.equal(blocks.length, 1, `one README js block containing ${containing}`);
  return blocks[0][1];
}

test("Data in and out prints what its comments say", async () => {
  const code = jsBlock("await db.exportSql()");
  writeFileSync(
    SCRIPT,
    code +
      '\nconsole.log(new TextDecoder().decode(file.subarray(0, 15)), dump.includes("INSERT INTO"));' +
      '\nconsole.log((await copy.execute("SELECT count(*) FROM visits")).rows, copy.session !== db.session);\n',
  );
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], {
    env: { ...process.env, WALKINDB_BASE_URL: server.baseUrl },
  });
  assert.deepEqual(stdout.trimEnd().split("\n"), [
    "{ table: 'cities', columns: [ 'name', 'population' ], rowsAffected: 2 }",
    "[ [ 'Oslo' ] ]",
    "SQLite format 3 true",
    "[ [ 2 ] ] true",
  ]);
});
