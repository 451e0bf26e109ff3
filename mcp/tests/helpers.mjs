// Shared test plumbing: start the real walkindb server (the Java jar), and connect the
// official MCP client to walkindb-mcp over stdio.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

export const MCP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_DIR = resolve(MCP_DIR, "..");
export const BIN = join(MCP_DIR, "dist", "cli.js");

// Limits lifted through the server's own configuration, as production can be configured.
export const LIFTED_LIMITS = {
  WALKINDB_RATE_LIMIT_REQS: "100000",
  WALKINDB_RATE_LIMIT_NEW_INSTANCES: "100000",
  WALKINDB_RATE_LIMIT_INSTANCE_REQS: "100000",
  WALKINDB_MAX_INSTANCES_PER_IP: "10000",
};

function javaPath() {
  if (process.env.WALKINDB_JAVA) return process.env.WALKINDB_JAVA;
  return execFileSync(join(REPO_DIR, "scripts", "find-java"), { encoding: "utf8" }).trim();
}

function serverJar() {
  return process.env.WALKINDB_SERVER_JAR || join(REPO_DIR, "server", "target", "walkindb-server.jar");
}

/**
 * Starts the walkindb server on a free loopback port with a fresh data directory.
 * Resolves to { baseUrl, dataDir, instanceCount(), stop() } once it prints its address.
 */
export async function startServer(extraEnv = {}) {
  const jar = serverJar();
  if (!existsSync(jar)) throw new Error(`walkindb server jar not found at ${jar} (set WALKINDB_SERVER_JAR)`);
  const dataDir = mkdtempSync(join(tmpdir(), "walkindb-mcp-test-"));
  const child = spawn(
    join(REPO_DIR, "scripts", "run-jar"), // the production JVM flags, as ./walkindb uses them
    [jar],
    {
      env: { ...process.env, WALKINDB_JAVA: javaPath(), WALKINDB_ADDR: "127.0.0.1:0", WALKINDB_DATA_DIR: dataDir,
        // no admin listener (its default port would clash with other suites' servers); cold spares
        WALKINDB_ADMIN_ADDR: "off", WALKINDB_WORKER_WARMUP: "off", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));

  const baseUrl = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`walkindb server did not start in 120 s:\n${output}`)), 120_000);
    let buf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      buf += d;
      output += d;
      const m = /walkindb listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`walkindb server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });

  return {
    baseUrl,
    dataDir,
    /** How many walk-in directories exist in the data directory. */
    instanceCount() {
      const dir = join(dataDir, "instances");
      return existsSync(dir) ? readdirSync(dir).length : 0;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, "SIGTERM");
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment for a walkindb-mcp child: PATH and HOME, plus what the test gives. */
export function childEnv(extra) {
  const env = {};
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[k]) env[k] = process.env[k];
  return { ...env, ...extra };
}

/**
 * Starts walkindb-mcp (by default `node dist/cli.js`) as the official MCP client would,
 * and connects to it. Returns { client, stderr(), close() }.
 */
export async function connectMcp({ baseUrl, command = process.execPath, args = [BIN], env = {}, cwd } = {}) {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: childEnv({ ...(baseUrl ? { WALKINDB_BASE_URL: baseUrl } : {}), ...env }),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d) => {
    stderr += d;
  });
  const client = new Client({ name: "walkindb-mcp-tests", version: "0.0.0" });
  await client.connect(transport);
  // Listing the tools makes the client check every later structuredContent against
  // the tool's outputSchema (it throws on a mismatch).
  const { tools } = await client.listTools();
  return {
    tools,
    client,
    transport,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

/** All text content of a tool result, joined by newlines. */
export function textOf(result) {
  return result.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/**
 * Resolves once the wall clock is past `unixSeconds` (a walk-in's expires_at) by a margin:
 * the server decides expiry from that time against its own clock, the same clock.
 */
export async function untilPast(unixSeconds, marginMs = 1000) {
  const deadline = unixSeconds * 1000 + marginMs;
  while (Date.now() < deadline) await sleep(Math.min(250, deadline - Date.now()));
}
