// The packed tarball is what `npx walkindb-mcp` runs: pack it, install it into an empty
// directory, and drive its bin (directly and through npx) with the MCP client.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LIFTED_LIMITS, MCP_DIR, connectMcp, startServer, textOf } from "./helpers.mjs";

function npm(args, cwd) {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

describe("npm pack → install → walkindb-mcp", () => {
  let server;
  let work;
  let packed;
  let appDir;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "walkindb-mcp-pack-"));
    // dist/ was built by `npm run build`; pack exactly that.
    packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], MCP_DIR))[0];
    appDir = join(work, "app");
    mkdirSync(appDir);
    writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, packed.filename)], appDir);
    server = await startServer(LIFTED_LIMITS);
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("the tarball holds dist (with the bundled SDK), tools.json, README and LICENSE, and nothing else", () => {
    assert.equal(packed.name, "walkindb-mcp");
    assert.equal(packed.version, "0.2.0");
    const files = packed.files.map((f) => f.path).sort();
    for (const needed of ["package.json", "tools.json", "README.md", "LICENSE", "dist/cli.js", "dist/server.js", "dist/sdk-entry.js", "dist/sdk/index.js"]) {
      assert.ok(files.includes(needed), `${needed} missing from the tarball`);
    }
    const stray = files.filter((f) => !/^(package\.json|tools\.json|README\.md|LICENSE|dist\/.+)$/.test(f));
    assert.deepEqual(stray, []);
    assert.ok(!files.some((f) => f.startsWith("dist/") && f.endsWith(".ts") && !f.endsWith(".d.ts")));
  });

  test("the installed package depends on the MCP SDK and zod only, not on npm's 'walkindb'", () => {
    const pkg = JSON.parse(readFileSync(join(appDir, "node_modules", "walkindb-mcp", "package.json"), "utf8"));
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@modelcontextprotocol/sdk", "zod"]);
    assert.deepEqual(pkg.bin, { "walkindb-mcp": "dist/cli.js" });
    assert.ok(!existsSync(join(appDir, "node_modules", "walkindb")), "npm's 'walkindb' package must not be installed");
    const cli = readFileSync(join(appDir, "node_modules", "walkindb-mcp", "dist", "cli.js"), "utf8");
    assert.ok(cli.startsWith("#!/usr/bin/env node\n"));
  });

  for (const [how, command, args] of [
    ["its bin", () => join(appDir, "node_modules", ".bin", "walkindb-mcp"), []],
    ["npx walkindb-mcp", () => "npx", ["--no-install", "walkindb-mcp"]],
  ]) {
    test(`${how} serves the tools against the server`, async (t) => {
      const mcp = await connectMcp({ baseUrl: server.baseUrl, command: command(), args, cwd: appDir });
      t.after(() => mcp.close());
      assert.deepEqual(mcp.tools.map((x) => x.name).sort(), [
        "walkindb_batch", "walkindb_dump", "walkindb_execute", "walkindb_import_csv", "walkindb_reset", "walkindb_schema",
      ]);
      const r = await mcp.client.callTool({
        name: "walkindb_execute",
        arguments: { sql: "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('packed'); SELECT v FROM t" },
      });
      assert.ok(!r.isError, textOf(r));
      assert.deepEqual(r.structuredContent.rows, [["packed"]]);
      const s = await mcp.client.callTool({ name: "walkindb_schema", arguments: {} });
      assert.deepEqual(s.structuredContent.tables.map((x) => x.name), ["t"]);
    });
  }
});
