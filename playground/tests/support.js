// Test support: starts the real walkindb server from its jar and a real Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const PLAYGROUND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(PLAYGROUND, '..');
export const ARTIFACTS = path.join(REPO, 'artifacts');

export const EXPECTED_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Parses a Content-Security-Policy header into {directive: [sources]}. */
export function parseCsp(header) {
  const out = {};
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

function javaBinary() {
  if (process.env.WALKINDB_JAVA) return process.env.WALKINDB_JAVA;
  return execFileSync(path.join(REPO, 'scripts', 'find-java'), { encoding: 'utf8' }).trim();
}

function serverJar() {
  const jar = process.env.WALKINDB_SERVER_JAR || path.join(REPO, 'server', 'target', 'walkindb-server.jar');
  if (!existsSync(jar)) {
    throw new Error(`no server jar at ${jar}: build the server first (or set WALKINDB_SERVER_JAR)`);
  }
  return jar;
}

/**
 * Starts the server on a free loopback port with a fresh data directory.
 * `env` adds variables (docs/CONFIGURATION.md), e.g. lifted rate limits or a short TTL.
 */
export async function startServer(env = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'walkindb-playground-'));
  const child = spawn(
    path.join(REPO, 'scripts', 'run-jar'), // the production JVM flags, as ./walkindb uses them
    [serverJar()],
    {
      env: { ...process.env, WALKINDB_JAVA: javaBinary(), WALKINDB_ADDR: '127.0.0.1:0', WALKINDB_DATA_DIR: dataDir,
        // no admin listener (its default port would clash with other suites' servers); cold spares
        WALKINDB_ADMIN_ADDR: 'off', WALKINDB_WORKER_WARMUP: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /walkindb listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  // Keep draining its output so the pipe never fills.
  child.stdout.on('data', () => {});
  child.stderr.on('data', () => {});
  return {
    url,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
        }, 10_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (installed when missing), in a persistent context on a fresh profile. */
export async function launchBrowser() {
  const executablePath =
    process.env.CHROMIUM_PATH ||
    execFileSync(path.join(REPO, 'scripts', 'ensure-chromium'), { encoding: 'utf8' }).trim().split('\n').pop();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'walkindb-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records what a page reports that a user would call broken: console errors, uncaught
 * exceptions and Content-Security-Policy violations. A failed /sql call (an error
 * answer the test provoked on purpose) is logged by Chromium as "Failed to load
 * resource" for that URL; those are kept apart in `sqlErrors`.
 */
export async function watchPage(page, origins) {
  const problems = [];
  const sqlErrors = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const where = msg.location()?.url ?? '';
    const text = msg.text();
    const isSql = origins().some((o) => where === `${o}/sql`);
    if (isSql && /^Failed to load resource: the server responded with a status of (400|404|408|413|429|503)/.test(text)) {
      sqlErrors.push(text);
      return;
    }
    if (msg.type() === 'warning' && !/Content Security Policy|CSP/i.test(text)) return;
    problems.push(`console ${msg.type()}: ${text} @ ${where}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    const url = res.url();
    if (res.status() >= 400 && !origins().some((o) => url === `${o}/sql`)) {
      problems.push(`HTTP ${res.status()} for ${url}`);
    }
  });
  return { problems, sqlErrors };
}
