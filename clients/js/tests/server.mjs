// Starts and stops a real walkindb server for tests (other packages may copy this).
//
// The jar: env WALKINDB_SERVER_JAR, default <repo>/server/target/walkindb-server.jar.
// Java:    env WALKINDB_JAVA, default the output of <repo>/scripts/find-java.
// Each server listens on 127.0.0.1:<free port> with a fresh data directory.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const START_TIMEOUT_MS = 120_000; // generous: a loaded 2-core machine starts the JVMs slowly
const READY = /walkindb listening on (http:\/\/\S+)/;

// Limits lifted so a whole test file fits in one server's budgets; a test that needs a
// tight limit passes its own value in `env`.
export const RELAXED_LIMITS = {
  WALKINDB_RATE_LIMIT_REQS: "100000",
  WALKINDB_RATE_LIMIT_NEW_INSTANCES: "100000",
  WALKINDB_MAX_INSTANCES_PER_IP: "100000",
  WALKINDB_RATE_LIMIT_INSTANCE_REQS: "100000",
};

function serverJar() {
  const jar = process.env.WALKINDB_SERVER_JAR || join(REPO, "server/target/walkindb-server.jar");
  if (!existsSync(jar)) {
    throw new Error(`walkindb server jar not found at ${jar} (build it, or set WALKINDB_SERVER_JAR)`);
  }
  return jar;
}

function javaBinary() {
  if (process.env.WALKINDB_JAVA) return process.env.WALKINDB_JAVA;
  return execFileSync(join(REPO, "scripts/find-java"), { encoding: "utf8" }).trim();
}

/**
 * Starts a server and resolves once it is listening.
 * @param {{ env?: Record<string, string> }} [options] extra environment for the server
 * @returns {Promise<{ baseUrl: string, pid: number, dataDir: string, output: () => string,
 *   accessLog: () => object[], stop: () => Promise<void> }>}
 */
export async function startServer({ env = {} } = {}) {
  const jar = serverJar();
  const java = javaBinary();
  const dataDir = mkdtempSync(join(tmpdir(), "walkindb-js-test-"));
  const child = spawn(
    join(REPO, "scripts/run-jar"), // the production JVM flags, as ./walkindb uses them
    [jar],
    {
      env: {
        ...process.env,
        WALKINDB_JAVA: java,
        ...RELAXED_LIMITS,
        ...env,
        WALKINDB_ADDR: "127.0.0.1:0",
        WALKINDB_ADMIN_ADDR: "off", // its default port would clash with servers of suites run alongside
        WALKINDB_WORKER_WARMUP: "off", // a spare's warm-up only speeds answers after a worker kill
        WALKINDB_DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const pid = /** @type {number} */ (child.pid);
  // If this test process ends without stop() (a crash), take the server down with it.
  const killOnExit = () => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));

  const listening = new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      fail(new Error(`walkindb server not ready after ${START_TIMEOUT_MS} ms; its output:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        ready(match[1].replace(/\/+$/, ""));
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(new Error(`cannot start ${java}: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`walkindb server exited (${code ?? signal}) before listening; its output:\n${output}`));
    });
  });
  let baseUrl;
  try {
    baseUrl = await listening;
  } catch (error) {
    killOnExit();
    process.removeListener("exit", killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    baseUrl,
    pid,
    dataDir,
    output: () => output,
    accessLog: () => readAccessLog(dataDir),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, "SIGTERM");
        const killer = setTimeout(killOnExit, 10_000);
        await exited;
        clearTimeout(killer);
      }
      process.removeListener("exit", killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every access-log record the server has written so far (docs/SECURITY.md, access log), oldest first.
 * @param {string} dataDir
 * @returns {Record<string, unknown>[]}
 */
function readAccessLog(dataDir) {
  const logs = join(dataDir, "logs");
  if (!existsSync(logs)) return [];
  return readdirSync(logs)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .flatMap((name) => readFileSync(join(logs, name), "utf8").split("\n"))
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** A loopback URL where nothing listens (a port that was just free). */
export async function deadBaseUrl() {
  const server = createServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", () => done(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}`;
}
