// What `npm pack` ships: only dist/, README.md, LICENSE and package.json, built by
// `prepack` even where dist/ is missing (a fresh clone), and a tarball that installs into a
// fresh project offline and loads by name with `import` and with `require`.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "walkindb-js-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("npm pack ships only dist/, README.md, LICENSE and package.json", () => {
  // dist/ as `npm run build` left it; --ignore-scripts: prepack would rebuild it under the
  // feet of test files running beside this one (prepack has its own test below).
  const [packed] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], PACKAGE_DIR));
  assert.equal(packed.filename, "walkindb-0.2.0.tgz");
  assert.ok(existsSync(join(work, packed.filename)));
  const paths = packed.files.map((file) => file.path).sort();
  for (const path of paths) {
    assert.ok(["package.json", "README.md", "LICENSE"].includes(path) || path.startsWith("dist/"), path);
  }
  // tsc never deletes: a dist/ file whose source is gone would ship by mistake.
  for (const path of paths.filter((p) => p.startsWith("dist/"))) {
    const source = path.replace(/^dist\//, "src/").replace(/(\.d)?\.js$|\.d\.ts$/, ".ts");
    assert.ok(existsSync(join(PACKAGE_DIR, source)), `${path} has no ${source}: run a clean build`);
  }
  for (const needed of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) {
    assert.ok(paths.includes(needed), `${needed} is missing from ${paths.join(", ")}`);
  }
});

test("npm pack where dist/ is missing builds it first (prepack)", () => {
  const fresh = join(work, "fresh");
  mkdirSync(fresh);
  for (const name of ["package.json", "tsconfig.json", "README.md", "LICENSE", "src"]) {
    cpSync(join(PACKAGE_DIR, name), join(fresh, name), { recursive: true });
  }
  symlinkSync(join(PACKAGE_DIR, "node_modules"), join(fresh, "node_modules")); // tsc, as after `npm ci`
  const out = join(work, "fresh-out");
  mkdirSync(out);
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", out], fresh));
  const paths = packed.files.map((file) => file.path);
  for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/errors.js"]) {
    assert.ok(paths.includes(needed), `${needed} is missing from ${paths.join(", ")}`);
  }
});

test("engines names the Node versions whose require() loads ES modules unflagged", () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"));
  assert.equal(pkg.type, "module");
  assert.equal(pkg.engines.node, "^20.19.0 || >=22.12.0");
});

test("the tarball installs into a fresh project and imports by name", () => {
  const tarball = join(work, "walkindb-0.2.0.tgz");
  assert.ok(existsSync(tarball), "runs after the pack test");
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", tarball], app);

  const installed = JSON.parse(readFileSync(join(app, "node_modules/walkindb/package.json"), "utf8"));
  assert.equal(installed.version, "0.2.0");
  assert.deepEqual(installed.dependencies, {});
  assert.ok(existsSync(join(app, "node_modules/walkindb/dist/index.d.ts")));

  const script = `
    import { Client, WalkinDBError, VERSION } from "walkindb";
    const db = new Client({ baseUrl: "http://127.0.0.1:9" });
    console.log(JSON.stringify({ client: typeof Client, error: typeof WalkinDBError, VERSION,
      session: db.session, isError: new WalkinDBError(0, "x") instanceof Error }));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: app, encoding: "utf8" });
  assert.deepEqual(JSON.parse(output), {
    client: "function",
    error: "function",
    VERSION: "0.2.0",
    session: null,
    isError: true,
  });

  // CommonJS code loads it with require() (Node 20.19+ / 22.12+, see engines).
  if (process.features.require_module) {
    const cjs = `const { Client, RateLimitError } = require("walkindb"); console.log(typeof Client, typeof RateLimitError);`;
    const loaded = execFileSync(process.execPath, ["--input-type=commonjs", "-e", cjs], { cwd: app, encoding: "utf8" });
    assert.equal(loaded.trim(), "function function");
  }
});
