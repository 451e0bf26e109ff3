#!/usr/bin/env node
// walkindb-mcp: stdio MCP server for walkindb. stdout carries the protocol only;
// everything meant for people goes to stderr.

import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Client } from "./sdk-entry.js";
import { createWalkinMcpServer, NAME, VERSION } from "./server.js";

const USAGE = `${NAME} ${VERSION}: MCP server (stdio) giving an agent a disposable walkindb SQLite database.

Usage: walkindb-mcp            (started by an MCP client; speaks JSON-RPC on stdin/stdout)
       walkindb-mcp --version
       walkindb-mcp --help

Environment:
  WALKINDB_BASE_URL    root URL of the walkindb server (default http://127.0.0.1:8080)
  WALKINDB_TIMEOUT_MS  how long one request may take, in milliseconds (default 10000)
`;

function fail(message) {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(2);
}

/** Reads the two environment variables; a bad value stops start-up naming the variable. */
function readConfig(env) {
  const config = {};
  const base = env.WALKINDB_BASE_URL;
  if (base !== undefined && base !== "") {
    let url;
    try {
      url = new URL(base);
    } catch {
      fail(`WALKINDB_BASE_URL is not a URL: ${JSON.stringify(base)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      fail(`WALKINDB_BASE_URL must start with http:// or https://, got ${JSON.stringify(base)}`);
    config.baseUrl = base.replace(/\/+$/, "");
  }
  const timeout = env.WALKINDB_TIMEOUT_MS;
  if (timeout !== undefined && timeout !== "") {
    if (!/^[0-9]+$/.test(timeout.trim()) || Number(timeout) < 1 || Number(timeout) > 600000)
      fail(`WALKINDB_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000, got ${JSON.stringify(timeout)}`);
    config.timeoutMs = Number(timeout);
  }
  return config;
}

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (argv.includes("--version") || argv.includes("-v")) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
if (argv.length > 0) fail(`unknown argument ${JSON.stringify(argv[0])}\n\n${USAGE}`);

const config = readConfig(process.env);
// One client for the life of this process, i.e. of this MCP session: it holds the walk-in's token.
const client = new Client({ ...config, userAgent: `${NAME}/${VERSION}` });
const server = createWalkinMcpServer({ client });

const shutdown = async () => {
  try {
    await server.close();
  } finally {
    process.exit(0);
  }
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
process.stdin.on("end", shutdown);

await server.connect(new StdioServerTransport());
process.stderr.write(
  `${NAME} ${VERSION} ready on stdio; walkindb server ${config.baseUrl ?? "http://127.0.0.1:8080 (default)"}\n`,
);
