// Browser tests of the playground: Debian's Chromium, driven by playwright-core, against
// the real server started from its jar. They run in order and share one walk-in where
// the story needs it (create a table, reload, see it again, start over).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  startServer,
  launchBrowser,
  watchPage,
  parseCsp,
  EXPECTED_CSP,
  PLAYGROUND,
  ARTIFACTS,
} from './support.js';
import { EXAMPLES } from '../src/examples.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The limits are lifted through the variables of docs/CONFIGURATION.md: the suite makes more calls per
// minute than one person would.
const LIFTED = {
  WALKINDB_RATE_LIMIT_REQS: '100000',
  WALKINDB_RATE_LIMIT_NEW_INSTANCES: '1000',
  WALKINDB_RATE_LIMIT_INSTANCE_REQS: '100000',
};

let server;
let shortServer; // TTL of a few seconds, for the countdown's end
let browser;
let page;
let watch;
const origins = [];
const watched = [];

before(async () => {
  server = await startServer(LIFTED);
  origins.push(server.url);
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await newPage();
  watch = watched[0];
});

after(async () => {
  await browser?.close();
  await shortServer?.stop();
  await server?.stop();
});

async function newPage() {
  const p = await browser.context.newPage();
  watched.push(await watchPage(p, () => origins));
  return p;
}

// ---- page helpers ----

async function open(p = page, url = server.url) {
  await p.goto(`${url}/`);
  await p.waitForSelector('html[data-ready="true"]');
}

async function calls(p) {
  return Number((await p.getAttribute('html', 'data-calls')) ?? '0');
}

/** Runs the editor's SQL by the button or by the keyboard, and waits for the answer. */
async function runSql(p, sql, how = 'button') {
  if (sql !== undefined) await p.fill('#sql', sql);
  const before = await calls(p);
  if (how === 'button') await p.click('#run');
  else {
    await p.focus('#sql');
    await p.keyboard.press(how);
  }
  await p.waitForFunction((n) => Number(document.documentElement.dataset.calls ?? '0') > n, before);
}

async function readTable(p) {
  if (await p.isHidden('#table-wrap')) return null;
  return p.evaluate(() => {
    const table = document.getElementById('result');
    const columns = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => {
        const cell = { kind: [...td.classList].find((c) => c.startsWith('v-')) ?? td.className, text: td.textContent };
        if (td.classList.contains('empty')) cell.empty = true;
        return cell;
      }),
    );
    return { columns, rows };
  });
}

async function readError(p) {
  return p.evaluate(() => {
    const box = document.querySelector('#error .error-box');
    if (!box) return null;
    const text = (sel) => box.querySelector(sel)?.textContent ?? null;
    return {
      title: text('.error-title'),
      message: text('.error-message'),
      hint: text('.error-hint'),
      where: text('.error-where'),
    };
  });
}

async function readSession(p) {
  return p.evaluate(() => ({
    state: document.getElementById('session-line').dataset.state,
    shown: document.getElementById('session-token').textContent,
    full: document.getElementById('session-token').title,
    countdown: document.getElementById('countdown').textContent,
  }));
}

function seconds(countdown) {
  const m = /^(\d+):(\d\d)$/.exec(countdown);
  assert.ok(m, `countdown ${JSON.stringify(countdown)} is m:ss`);
  return Number(m[1]) * 60 + Number(m[2]);
}

async function axe(p, label) {
  const result = await p.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, AXE_SOURCE);
  assert.deepEqual(result, [], `accessibility violations (${label})`);
}

function assertClean(w = watch) {
  assert.deepEqual(w.problems, [], 'console errors, page errors or CSP violations');
}

// ---- the tests ----

test('GET / is the playground, sent with the strict CSP; its assets are this checkout', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, 'GET / carries a Content-Security-Policy header');
  assert.deepEqual(parseCsp(csp), EXPECTED_CSP);
  const html = await res.text();
  assert.equal(html, readFileSync(path.join(PLAYGROUND, 'src', 'index.html'), 'utf8'), 'the jar serves this index.html (rebuild the jar?)');

  const assets = {
    'app.js': /javascript/,
    'format.js': /javascript/,
    'examples.js': /javascript/,
    'style.css': /^text\/css/,
    'favicon.svg': /^image\/svg\+xml/,
  };
  for (const [name, type] of Object.entries(assets)) {
    const r = await fetch(`${server.url}/playground/${name}`);
    assert.equal(r.status, 200, name);
    assert.match(r.headers.get('content-type') ?? '', type, `${name} content type`);
    assert.equal(await r.text(), readFileSync(path.join(PLAYGROUND, 'src', name), 'utf8'), `the jar serves this ${name}`);
  }
  const sdk = await fetch(`${server.url}/playground/sdk/index.js`);
  assert.equal(sdk.status, 200, 'the SDK is served under /playground/sdk/');
  assert.match(sdk.headers.get('content-type') ?? '', /javascript/);
  assert.match(await sdk.text(), /export/);
});

test('first visit: no walk-in yet; Run creates one and shows the table', async () => {
  await open();
  assert.equal((await readSession(page)).state, 'none');
  assert.match(await page.textContent('#session-line'), /No walk-in yet/);

  await runSql(
    page,
    `CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO t(name) VALUES ('alpha'), ('beta');
SELECT id, name FROM t ORDER BY id;`,
  );
  assert.equal(await readError(page), null);
  const table = await readTable(page);
  assert.deepEqual(table.columns, ['id', 'name']);
  assert.deepEqual(
    table.rows.map((r) => r.map((c) => c.text)),
    [
      ['1', 'alpha'],
      ['2', 'beta'],
    ],
  );
  assert.match(await page.textContent('#status'), /2 rows · 2 rows affected/);

  const s = await readSession(page);
  assert.equal(s.state, 'live');
  assert.match(s.full, /^wkn_[A-Za-z0-9_-]{107}$/);
  assert.ok(s.shown.startsWith('wkn_') && s.shown.includes('…') && s.shown.length < 24, `shortened: ${s.shown}`);
  const first = seconds(s.countdown);
  assert.ok(first > 540 && first <= 600, `countdown starts near 10:00, saw ${s.countdown}`);
  await page.waitForFunction(
    (start) => {
      const [m, sec] = document.getElementById('countdown').textContent.split(':').map(Number);
      return m * 60 + sec < start;
    },
    first,
    { timeout: 5000 },
  );
  assertClean();
});

test('Ctrl+Enter and Cmd+Enter run the query', async () => {
  await runSql(page, `INSERT INTO t(name) VALUES ('gamma'); SELECT count(*) AS n FROM t;`, 'Control+Enter');
  assert.deepEqual((await readTable(page)).rows[0].map((c) => c.text), ['3']);
  await runSql(page, `SELECT max(id) AS top FROM t;`, 'Meta+Enter');
  assert.deepEqual((await readTable(page)).columns, ['top']);
  assert.deepEqual((await readTable(page)).rows[0].map((c) => c.text), ['3']);
  assertClean();
});

test('NULL, numbers, text and BLOBs are shown distinctly', async () => {
  await runSql(page, `SELECT NULL AS n, 42 AS i, 2.5 AS r, 'NULL' AS t, x'CAFE' AS b, '' AS e;`);
  const { columns, rows } = await readTable(page);
  assert.deepEqual(columns, ['n', 'i', 'r', 't', 'b', 'e']);
  const [n, i, r, t, b, e] = rows[0];
  assert.deepEqual(n, { kind: 'v-null', text: 'NULL' });
  assert.deepEqual(i, { kind: 'v-number', text: '42' });
  assert.deepEqual(r, { kind: 'v-number', text: '2.5' });
  assert.deepEqual(t, { kind: 'v-text', text: 'NULL' }, 'the text NULL is not the value NULL');
  assert.deepEqual(b, { kind: 'v-blob', text: "x'CAFE' (2 bytes)" });
  assert.deepEqual(e, { kind: 'v-text', text: 'empty text', empty: true }, 'empty text is marked (and named for screen readers)');
  // The look differs too, not only the class: NULL is italic, numbers align right.
  const styles = await page.evaluate(() => {
    const cells = document.querySelectorAll('#result tbody td');
    const st = (el) => getComputedStyle(el);
    return {
      nullStyle: st(cells[0].firstElementChild).fontStyle,
      numberAlign: st(cells[1]).textAlign,
      numberHeadAlign: st(document.querySelectorAll('#result thead th')[1]).textAlign,
      textAlign: st(cells[3]).textAlign,
      blobBg: st(cells[4].firstElementChild).backgroundColor,
      textBg: st(cells[3]).backgroundColor,
    };
  });
  assert.equal(styles.nullStyle, 'italic');
  assert.equal(styles.numberAlign, 'right');
  assert.equal(styles.numberHeadAlign, 'right', 'a column of numbers is headed on the right too');
  assert.equal(styles.textAlign, 'left');
  assert.notEqual(styles.blobBg, styles.textBg);
  assertClean();
});

test('an error shows the server message, its hint and the statement index', async () => {
  await runSql(page, `SELECT 1;\nSELECT * FROM tt;`);
  let err = await readError(page);
  assert.ok(err, 'an error is shown');
  assert.equal(err.title, 'Error 400 in statement 2');
  assert.equal(err.message, 'invalid sql: no such table: tt');
  assert.ok(err.hint?.startsWith('Hint: '), 'a hint is shown');
  assert.match(err.hint, /\bt\b/, 'the hint names the table that exists');
  assert.match(err.where, /Statement 2/);
  assert.equal(await readTable(page), null, 'no stale table under an error');
  assert.equal(await page.getAttribute('#error', 'role'), 'alert');

  await runSql(page, `SELECT * FROM t WHERE name = "alpha";`);
  err = await readError(page);
  assert.equal(err.message, 'invalid sql: no such column: alpha');
  assert.match(err.hint, /single quote/i);

  // Too big for the server: the page warns before, and shows the server's 413 after.
  await page.fill('#sql', `SELECT '${'x'.repeat(8200)}';`);
  assert.match(await page.textContent('#sql-size'), /over the server's 8 KB limit/);
  await runSql(page);
  err = await readError(page);
  assert.equal(err.title, 'Error 413');
  assert.equal(err.message, 'sql payload exceeds 8 KB');

  await runSql(page, `SELECT 1 AS fine;`);
  assert.equal(await readError(page), null, 'a good call clears the error');
  assert.match(await page.textContent('#sql-size'), /^Request size: \d+ of 8,192 bytes\.$/);
  assertClean();
});

test('a truncated result says so', async () => {
  await runSql(
    page,
    `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 8)
SELECT x, zeroblob(200000) AS b FROM c;`,
  );
  assert.equal(await readError(page), null);
  assert.ok(await page.isVisible('#truncated'), 'the truncation notice is visible');
  assert.match(await page.textContent('#status'), /truncated by the server/);
  const { rows } = await readTable(page);
  assert.ok(rows.length > 0 && rows.length < 8, `some rows, not all: ${rows.length}`);

  await runSql(page, `SELECT 1 AS whole;`);
  assert.ok(await page.isHidden('#truncated'), 'the notice goes with the next result');
  assertClean();
});

test('a reload keeps the walk-in, its countdown and the last result', async () => {
  await runSql(page, `SELECT id, name FROM t ORDER BY id;`);
  const before = await readSession(page);
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  const after = await readSession(page);
  assert.equal(after.state, 'live');
  assert.equal(after.full, before.full, 'same session after reload');
  assert.equal(after.shown, before.shown);
  assert.ok(Math.abs(seconds(after.countdown) - seconds(before.countdown)) <= 3, 'the countdown goes on');
  assert.equal(await page.inputValue('#sql'), `SELECT id, name FROM t ORDER BY id;`, 'the editor keeps its text');
  const restored = await readTable(page);
  assert.deepEqual(restored.columns, ['id', 'name'], 'the last result is still on screen');
  assert.match(await page.textContent('#status'), /after reload/);

  await runSql(page); // the same query, now against the server again
  assert.deepEqual(
    (await readTable(page)).rows.map((r) => r[1].text),
    ['alpha', 'beta', 'gamma'],
    'the table is still in the walk-in',
  );
  assertClean();
});

test('the curl command is copyable and runs the same query in the same walk-in', async () => {
  const sql = `SELECT name, 'it''s' AS quoted FROM t WHERE id = 1;`;
  await page.fill('#sql', sql);
  await page.click('#copy-curl');
  await page.waitForFunction(() => document.getElementById('copy-status').textContent === 'Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.textContent('#curl-command'));
  const session = (await readSession(page)).full;
  assert.ok(copied.includes(`X-Walkin-Session: ${session}`), 'the command carries the session');
  assert.ok(copied.startsWith(`curl -sS -X POST '${server.url}/sql'`));

  const { stdout } = await run('bash', ['-c', copied], { timeout: 10_000 });
  assert.deepEqual(JSON.parse(stdout), {
    columns: ['name', 'quoted'],
    rows: [['alpha', "it's"]],
    rows_affected: 0,
    truncated: false,
  });
  assertClean();
});

test('New walk-in: a different session, and the old table is gone', async () => {
  const old = await readSession(page);
  const before = await calls(page);
  await page.click('#new-walkin');
  await page.waitForFunction((n) => Number(document.documentElement.dataset.calls) > n, before);
  const fresh = await readSession(page);
  assert.equal(fresh.state, 'live');
  assert.notEqual(fresh.full, old.full, 'a new session');
  assert.notEqual(fresh.shown, old.shown, 'shown differently too');
  assert.match(await page.textContent('#status'), /New walk-in ready \(SQLite 3\.\d+/);
  assert.ok(seconds(fresh.countdown) > 590, `a full ten minutes: ${fresh.countdown}`);
  assert.equal(await readTable(page), null, 'the old result is cleared');

  await runSql(page, `SELECT * FROM t;`);
  const err = await readError(page);
  assert.equal(err?.message, 'invalid sql: no such table: t');
  assert.ok((await page.textContent('#curl-command')).includes(fresh.full), 'curl follows the new session');
  assertClean();
});

test('every example query runs', async (t) => {
  for (const example of EXAMPLES) {
    await t.test(example.title, () => runExample(example));
  }
  // Examples are safe to run twice in the same walk-in.
  await t.test('examples run again in the same walk-in', async () => {
    for (const id of ['fts5', 'basics']) {
      await page.click(`button[data-example="${id}"]`);
      await runSql(page);
      assert.equal(await readError(page), null, `the ${id} example runs again`);
    }
  });
  assertClean();
});

async function runExample(example) {
  await page.click(`button[data-example="${example.id}"]`);
  assert.equal(await page.inputValue('#sql'), example.sql, `${example.id} is loaded`);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sql', 'focus moves to the editor');
  await runSql(page);
  const err = await readError(page);
  const table = await readTable(page);
  if (example.expect === 'error') {
    assert.ok(err, `${example.id} fails on purpose`);
    assert.ok(err.hint, `${example.id} shows a hint`);
    assert.match(err.title, /in statement \d+/);
    return;
  }
  assert.equal(err, null, `${example.id}: ${JSON.stringify(err)}`);
  assert.ok(table && table.rows.length > 0, `${example.id} shows rows`);
  const text = table.rows.flat().map((c) => c.text).join(' ');
  if (example.id === 'basics') {
    assert.deepEqual(table.columns, ['id', 'body', 'stars', 'thumb', 'chars']);
    const kinds = new Set(table.rows.flat().map((c) => c.kind));
    for (const k of ['v-null', 'v-number', 'v-text', 'v-blob']) assert.ok(kinds.has(k), `basics shows a ${k}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png'), fullPage: true });
  }
  if (example.id === 'window') assert.ok(table.columns.includes('rank_in_region') && text.includes('Ed'));
  if (example.id === 'fts5') assert.match(text, /\[[A-Za-z]+\]/, 'matches are marked');
  if (example.id === 'json') assert.ok(text.includes('Ada') && text.includes('"skus"'), text);
  if (example.id === 'recursive') assert.equal(table.rows.at(-1)[1].text, '89');
}

test('a walk-in the server does not know (404) is said plainly, with a way on', async () => {
  const p = await newPage();
  await open(p);
  const bogus = `wkn_${'A'.repeat(107)}`;
  await p.evaluate((token) => {
    sessionStorage.setItem(
      'walkindb.playground.session',
      JSON.stringify({ session: token, expiresAt: Math.floor(Date.now() / 1000) + 300 }),
    );
  }, bogus);
  await p.reload();
  await p.waitForSelector('html[data-ready="true"]');
  assert.equal((await readSession(p)).full, bogus);

  await runSql(p, 'SELECT 1;');
  const err = await readError(p);
  assert.equal(err?.title, 'Error 404');
  assert.equal(err?.message, 'instance not found');
  assert.ok(await p.isVisible('#expired'), 'the walk-in-gone notice is shown');
  assert.match(await p.textContent('#expired-text'), /no longer exists/);
  assert.equal(await p.textContent('#status'), 'The walk-in no longer exists on the server.');
  assert.equal((await readSession(p)).state, 'gone');
  assert.match(await p.textContent('#session-line'), /has expired/);
  assert.equal(await p.evaluate(() => sessionStorage.getItem('walkindb.playground.session')), null);

  const before = await calls(p);
  await p.click('#expired-new');
  await p.waitForFunction((n) => Number(document.documentElement.dataset.calls) > n, before);
  const s = await readSession(p);
  assert.equal(s.state, 'live');
  assert.notEqual(s.full, bogus);
  assert.ok(await p.isHidden('#expired'));
  await runSql(p, 'SELECT 7 AS seven;');
  assert.deepEqual((await readTable(p)).rows[0].map((c) => c.text), ['7']);
  assertClean(watched.at(-1));
  await p.close();
});

test('when the countdown reaches zero the page says the walk-in expired', async () => {
  // Two new walk-ins a minute here, so the third shows how a 429 looks.
  shortServer = await startServer({ ...LIFTED, WALKINDB_TTL: '4', WALKINDB_RATE_LIMIT_NEW_INSTANCES: '2' });
  origins.push(shortServer.url);
  const p = await newPage();
  await open(p, shortServer.url);
  await runSql(p, `CREATE TABLE x(a); SELECT 1 AS one;`);
  const s = await readSession(p);
  assert.equal(s.state, 'live');
  assert.ok(seconds(s.countdown) <= 4, `a short TTL: ${s.countdown}`);

  await p.waitForSelector('#expired:not([hidden])', { timeout: 10_000 });
  assert.match(await p.textContent('#expired-text'), /has expired/);
  assert.equal(await p.textContent('#status'), 'The walk-in has expired and its database is deleted.');
  assert.equal((await readSession(p)).state, 'gone');
  assert.match(await p.textContent('#session-line'), /has expired: its database is deleted/);
  // The server agrees: the old token is refused. X-Walkin-Ttl is in whole seconds, so
  // the page may call time up to a second before the server's exact millisecond.
  await new Promise((r) => setTimeout(r, 1200));
  const res = await fetch(`${shortServer.url}/sql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Walkin-Session': s.full },
    body: JSON.stringify({ sql: 'SELECT 1' }),
  });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: 'instance not found', code: 'instance_not_found' });

  // Running again makes a fresh, empty walk-in.
  await runSql(p, `SELECT count(*) AS tables FROM sqlite_schema;`);
  assert.equal(await readError(p), null);
  assert.deepEqual((await readTable(p)).rows[0].map((c) => c.text), ['0']);
  const again = await readSession(p);
  assert.equal(again.state, 'live');
  assert.notEqual(again.full, s.full);
  assert.ok(await p.isHidden('#expired'));

  // A third walk-in within the minute is refused: the page shows the 429 and when to retry.
  const n = await calls(p);
  await p.click('#new-walkin');
  await p.waitForFunction((k) => Number(document.documentElement.dataset.calls) > k, n);
  const err = await readError(p);
  assert.equal(err?.title, 'Error 429');
  assert.equal(err?.message, 'new-instance rate limit exceeded');
  assert.match(await p.textContent('#error .error-retry'), /wait \d+ seconds? before trying again/);
  assert.equal((await readSession(p)).state, 'none', 'no walk-in now');
  assertClean(watched.at(-1));
  await p.close();
});

test('keyboard use, visible focus, labels, live regions and contrast (axe, light and dark)', async () => {
  const p = await newPage();
  await open(p);
  // Live regions and labels.
  assert.equal(await p.getAttribute('#status', 'aria-live'), 'polite');
  assert.equal(await p.getAttribute('#error', 'role'), 'alert');
  assert.equal(await p.evaluate(() => document.getElementById('sql').labels[0]?.textContent), 'SQL');

  // Keyboard only: Tab reaches the skip link, then the editor through it; focus is visible.
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement?.className), 'skip-link');
  const ring = async () =>
    p.evaluate(() => {
      const st = getComputedStyle(document.activeElement);
      return { style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
    });
  let outline = await ring();
  assert.ok(outline.style !== 'none' && outline.width >= 2, `focus ring on the skip link: ${JSON.stringify(outline)}`);
  await p.keyboard.press('Enter');
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'run', 'Tab goes from the editor to Run');
  outline = await ring();
  assert.ok(outline.style !== 'none' && outline.width >= 2, `focus ring on Run: ${JSON.stringify(outline)}`);
  await p.fill('#sql', 'SELECT 1 AS one;');
  await p.focus('#run');
  const before = await calls(p);
  await p.keyboard.press('Enter');
  await p.waitForFunction((n) => Number(document.documentElement.dataset.calls) > n, before);
  assert.deepEqual((await readTable(p)).columns, ['one'], 'Enter on Run runs');

  // Automated WCAG A/AA checks (contrast included) in the states a user sees.
  await runSql(p, `SELECT NULL AS n, 1 AS i, 'x' AS t, x'00' AS b;`);
  await axe(p, 'light, with a result');
  await runSql(p, `SELECT * FROM nowhere;`);
  await axe(p, 'light, with an error');
  await p.emulateMedia({ colorScheme: 'dark' });
  await axe(p, 'dark, with an error');
  await runSql(p, `SELECT NULL AS n, 1 AS i, 'x' AS t, x'00' AS b;`);
  await axe(p, 'dark, with a result');
  await p.emulateMedia({ colorScheme: 'light' });
  assertClean(watched.at(-1));
  await p.close();
});

test('a phone-sized screen: no sideways page scroll, big enough buttons', async () => {
  const p = await newPage();
  await p.setViewportSize({ width: 390, height: 844 });
  await open(p);
  await p.click('button[data-example="basics"]');
  await runSql(p);
  assert.equal(await readError(p), null);
  const m = await p.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: window.innerWidth,
    run: document.getElementById('run').getBoundingClientRect(),
    fresh: document.getElementById('new-walkin').getBoundingClientRect(),
    table: document.getElementById('table-wrap').getBoundingClientRect(),
  }));
  assert.ok(m.page <= m.view, `the page fits the width: ${m.page} > ${m.view}`);
  assert.ok(m.run.height >= 44 && m.fresh.height >= 44, 'touch targets of 44 px');
  assert.ok(m.table.right <= m.view, 'the table scrolls inside its box');
  await axe(p, 'phone');
  mkdirSync(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: path.join(ARTIFACTS, 'playground-mobile.png'), fullPage: true });
  assertClean(watched.at(-1));
  await p.close();
});

// ---- batch, CSV import, downloads ----

async function readTabs(p) {
  return p.evaluate(() =>
    [...document.querySelectorAll('#result-tabs [role="tab"]')].map((tab) => ({
      number: tab.querySelector('.tab-number').textContent,
      label: tab.querySelector('.tab-label').textContent,
      selected: tab.getAttribute('aria-selected') === 'true',
      tabIndex: tab.tabIndex,
    })),
  );
}

async function selectedTab(p) {
  return (await readTabs(p)).findIndex((t) => t.selected) + 1;
}

const BATCH = `CREATE TABLE b(x INTEGER, s TEXT);
INSERT INTO b VALUES (1, 'a;b'), (2, 'c');
-- a comment stays with the statement after it
SELECT x, s FROM b ORDER BY x;
SELECT count(*) AS n FROM b;`;

test('Run as batch: one result tab per statement, keyboard between tabs, kept over a reload', async () => {
  const p = await newPage();
  await open(p);
  assert.equal(await p.isHidden('#result-tabs'), true, 'no tabs before a batch');
  await p.check('#batch-mode');
  await p.fill('#sql', BATCH);
  assert.match(await p.textContent('#sql-size'), /Batch of 4 statements\.$/);
  const curl = await p.textContent('#curl-command');
  assert.ok(curl.includes(`'{"batch":[{"sql":"CREATE TABLE b(x INTEGER, s TEXT)"},`), curl);

  await runSql(p);
  assert.equal(await readError(p), null);
  const tabs = await readTabs(p);
  assert.deepEqual(
    tabs.map((t) => [t.number, t.label]),
    [
      ['1', 'CREATE TABLE b(x INTEGER, s…'],
      ['2', "INSERT INTO b VALUES (1, 'a…"],
      ['3', 'SELECT x, s FROM b ORDER BY…'],
      ['4', 'SELECT count(*) AS n FROM b'],
    ],
  );
  assert.equal(await selectedTab(p), 4, 'the last statement is shown first, as a plain run would show it');
  assert.deepEqual(tabs.map((t) => t.tabIndex), [-1, -1, -1, 0], 'one tab stop for the tab list');
  assert.match(await p.textContent('#status'), /^Batch of 4 statements · 2 rows affected · \d+ ms$/);
  assert.deepEqual((await readTable(p)).rows, [[{ kind: 'v-number', text: '2' }]]);
  assert.equal(await p.getAttribute('#result-panel', 'role'), 'tabpanel');
  assert.equal(await p.getAttribute('#result-panel', 'aria-labelledby'), 'result-tab-4');

  await p.click('#result-tab-3');
  assert.equal(await selectedTab(p), 3);
  assert.match(await p.textContent('#entry-caption'), /^Statement 3 of 4: 2 rows · 0 rows affected$/);
  assert.deepEqual((await readTable(p)).rows.map((r) => r.map((c) => c.text)), [['1', 'a;b'], ['2', 'c']]);

  // Keyboard: arrows move and wrap, Home and End jump; focus follows the selection.
  await p.keyboard.press('ArrowRight');
  assert.equal(await selectedTab(p), 4);
  await p.keyboard.press('ArrowRight');
  assert.equal(await selectedTab(p), 1, 'wraps to the first');
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'result-tab-1');
  assert.match(await p.textContent('#entry-caption'), /^Statement 1 of 4: no result set · 0 rows affected$/);
  assert.equal(await readTable(p), null, 'a statement without columns shows no table');
  await p.keyboard.press('End');
  assert.equal(await selectedTab(p), 4);
  await p.keyboard.press('ArrowLeft');
  assert.equal(await selectedTab(p), 3);
  await axe(p, 'light, batch tabs');

  // A reload keeps the mode and the tabs.
  await p.reload();
  await p.waitForSelector('html[data-ready="true"]');
  assert.equal(await p.isChecked('#batch-mode'), true);
  assert.equal((await readTabs(p)).length, 4);
  assert.match(await p.textContent('#status'), /after reload/);

  // The curl command of a batch runs as is and answers one result per entry.
  await p.fill('#sql', `SELECT 'it''s' AS a; SELECT count(*) AS n FROM b`);
  const { stdout } = await run('bash', ['-c', await p.textContent('#curl-command')], { timeout: 10_000 });
  assert.deepEqual(JSON.parse(stdout), {
    results: [
      { columns: ['a'], rows: [["it's"]], rows_affected: 0, truncated: false },
      { columns: ['n'], rows: [[2]], rows_affected: 0, truncated: false },
    ],
  });

  // Plain runs still show one result without tabs.
  await p.uncheck('#batch-mode');
  await runSql(p, 'SELECT 5 AS five; SELECT 6 AS six');
  assert.equal(await p.isHidden('#result-tabs'), true);
  assert.deepEqual((await readTable(p)).columns, ['six']);
  assert.equal(await p.getAttribute('#result-panel', 'role'), null);
  assertClean(watched.at(-1));
  await p.close();
});

test('a failing batch names the statement, and nothing of it is kept; over 50 is refused at once', async () => {
  const p = await newPage();
  await open(p);
  await p.check('#batch-mode');
  await runSql(p, `CREATE TABLE k(v); INSERT INTO k VALUES (1)`);
  await runSql(p, `INSERT INTO k VALUES (2);\nSELECT nope FROM k;\nINSERT INTO k VALUES (3)`);
  const err = await readError(p);
  assert.equal(err.title, 'Error 400 in statement 2 of the batch');
  assert.equal(err.message, 'invalid sql: no such column: nope');
  assert.equal(err.where, 'Statement 2 of the batch failed (SELECT nope FROM k), so the whole batch was rolled back.');
  assert.equal(await p.isHidden('#result-tabs'), true, 'no tabs for a failed batch');
  await runSql(p, `SELECT count(*) AS n FROM k`);
  assert.deepEqual((await readTable(p)).rows[0].map((c) => c.text), ['1'], 'the failed batch left nothing');

  const before = await calls(p);
  await p.fill('#sql', Array.from({ length: 51 }, (_, i) => `SELECT ${i}`).join(';\n'));
  assert.match(await p.textContent('#sql-size'), /Batch of 51 statements: over the limit of 50\./);
  await p.click('#run');
  await p.waitForFunction(() => document.querySelector('#error .error-title')?.textContent === 'Too many statements for one batch');
  assert.match((await readError(p)).message, /has 51 statements; a batch takes at most 50/);
  assert.equal(await calls(p), before, 'nothing was sent');
  assertClean(watched.at(-1));
  await p.close();
});

const SALES_CSV = [
  'region,rep,amount,note',
  'north,Ana,120.5,',
  'north,"Bo, Jr.",340,"said ""yes"""',
  'south,Di,90,"two',
  'lines"',
  'south,Ed,410,',
  'east,Flo,160,x',
  'east,Gus,75.25,y',
  'west,Hal,10,z',
].join('\r\n') + '\r\n';

async function importWith(p, table) {
  if (table !== undefined) await p.fill('#csv-table', table);
  const before = await calls(p);
  await p.click('#csv-import');
  await p.waitForFunction((n) => Number(document.documentElement.dataset.calls ?? '0') > n, before);
}

async function readPreview(p) {
  return p.evaluate(() => ({
    columns: [...document.querySelectorAll('#csv-preview thead th')].map((th) => th.textContent),
    rows: [...document.querySelectorAll('#csv-preview tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    caption: document.getElementById('csv-preview-caption').textContent,
  }));
}

async function dropFile(p, name, text) {
  const dataTransfer = await p.evaluateHandle(
    ([fileName, content]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], fileName, { type: 'text/csv' }));
      return dt;
    },
    [name, text],
  );
  await p.dispatchEvent('#csv-drop', 'dragover', { dataTransfer });
  assert.ok(await p.evaluate(() => document.getElementById('csv-drop').classList.contains('dragging')), 'the zone shows the drag');
  await p.dispatchEvent('#csv-drop', 'drop', { dataTransfer });
  await p.waitForSelector('#csv-form:not([hidden])');
  await p.waitForFunction((n) => document.getElementById('csv-file-line').textContent.startsWith(n), name);
}

test('CSV import: pick a file, see a preview, name the table, import; drop a second one to append', async () => {
  const p = await newPage();
  await open(p);
  assert.equal((await readSession(p)).state, 'none');
  assert.equal(await p.isHidden('#csv-form'), true);

  await p.setInputFiles('#csv-file', { name: 'Sales 2024.csv', mimeType: 'text/csv', buffer: Buffer.from(SALES_CSV) });
  await p.waitForSelector('#csv-form:not([hidden])');
  assert.equal(await p.inputValue('#csv-table'), 'sales_2024', 'a table name from the file name');
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'csv-table', 'focus goes to the table name');
  assert.match(await p.textContent('#csv-file-line'), /^Sales 2024\.csv · \d+ bytes$/);
  let preview = await readPreview(p);
  assert.deepEqual(preview.columns, ['region', 'rep', 'amount', 'note']);
  assert.deepEqual(preview.rows, [
    ['north', 'Ana', '120.5', 'NULL'],
    ['north', 'Bo, Jr.', '340', 'said "yes"'],
    ['south', 'Di', '90', 'two\r\nlines'],
    ['south', 'Ed', '410', 'NULL'],
    ['east', 'Flo', '160', 'x'],
  ]);
  assert.equal(preview.caption, 'Preview of Sales 2024.csv: the first 5 rows, 4 columns.');
  await axe(p, 'light, CSV preview');

  // Without a header the first line is data and the columns are c1..c4.
  await p.uncheck('#csv-header');
  preview = await readPreview(p);
  assert.deepEqual(preview.columns, ['c1', 'c2', 'c3', 'c4']);
  assert.deepEqual(preview.rows[0], ['region', 'rep', 'amount', 'note']);
  await p.check('#csv-header');

  // A name the server would refuse is caught here, before any request.
  const before = await calls(p);
  await p.fill('#csv-table', '1 bad;name');
  assert.equal(await p.getAttribute('#csv-table', 'aria-invalid'), 'true');
  await p.click('#csv-import');
  assert.equal(await calls(p), before, 'nothing sent');
  assert.match(await p.textContent('#status'), /table name can hold only letters/);

  await importWith(p, 'sales');
  assert.equal(await readError(p), null);
  assert.match(await p.textContent('#status'), /^Imported 7 rows into sales \(columns region, rep, amount, note\) · \d+ ms\. Query it: SELECT \* FROM sales;$/);
  assert.equal(await p.isHidden('#csv-form'), true, 'the form closes');
  const s = await readSession(p);
  assert.equal(s.state, 'live', 'the import created the walk-in');

  await runSql(p, `SELECT typeof(amount), count(*), sum(amount), count(note) FROM sales GROUP BY 1 ORDER BY 1`);
  assert.deepEqual((await readTable(p)).rows.map((r) => r.map((c) => c.text)), [['real', '7', '1205.75', '5']]);
  await runSql(p, `SELECT rep, note FROM sales WHERE region = 'south' ORDER BY rep`);
  assert.deepEqual((await readTable(p)).rows.map((r) => r.map((c) => c.text)), [['Di', 'two\r\nlines'], ['Ed', 'NULL']]);

  // Dropped on the zone: the same preview; into the same table it appends.
  await dropFile(p, 'more.csv', 'rep,region,amount\nIda,north,1\nJo,west,2\n');
  assert.equal(await p.inputValue('#csv-table'), 'more');
  assert.deepEqual((await readPreview(p)).caption, 'Preview of more.csv: the first 2 rows (all of them), 3 columns.');
  await importWith(p, 'sales');
  assert.match(await p.textContent('#status'), /^Imported 2 rows into sales/);
  await runSql(p, `SELECT count(*) FROM sales`);
  assert.deepEqual((await readTable(p)).rows[0].map((c) => c.text), ['9']);
  assert.equal((await readSession(p)).full, s.full, 'the same walk-in');

  // The server's refusal is shown like any error; the form stays to fix it, Cancel closes it.
  await dropFile(p, 'bad.csv', 'rep,zz\nKim,1\n');
  await importWith(p, 'sales');
  const err = await readError(p);
  assert.equal(err.title, 'Error 400');
  assert.equal(err.message, 'invalid csv: unknown column "zz"');
  assert.equal(await p.isVisible('#csv-form'), true);
  await p.click('#csv-cancel');
  assert.equal(await p.isHidden('#csv-form'), true);
  await runSql(p, `SELECT count(*) FROM sales`);
  assert.deepEqual((await readTable(p)).rows[0].map((c) => c.text), ['9'], 'the refused file added nothing');
  assertClean(watched.at(-1));
  await p.close();
});

/** Clicks a download button; resolves to { name, bytes } of the file the browser saved. */
async function downloadVia(p, button) {
  const [download] = await Promise.all([p.waitForEvent('download', { timeout: 15_000 }), p.click(button)]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(file), file };
}

test('Download .sqlite and .sql: the current walk-in, named as the server names it', async () => {
  const p = await newPage();
  await open(p);
  // No walk-in yet: the buttons say so and download nothing.
  assert.equal(await p.getAttribute('#download-sqlite', 'aria-disabled'), 'true');
  let downloads = 0;
  p.on('download', () => downloads++);
  await p.focus('#download-sql'); // aria-disabled: still focusable, and Enter says why nothing happens
  await p.keyboard.press('Enter');
  assert.match(await p.textContent('#status'), /^No walk-in yet: run a query or import a CSV file first/);

  await runSql(p, `CREATE TABLE d(id INTEGER PRIMARY KEY, label TEXT, v REAL, b BLOB);
INSERT INTO d(label, v, b) VALUES ('it''s', 0.1, x'00ff10'), ('π', 1e300, NULL), (NULL, -2.5e-7, x'');
SELECT count(*) FROM d;`);
  assert.equal(await p.getAttribute('#download-sqlite', 'aria-disabled'), 'false');
  const session = (await readSession(p)).full;
  assert.equal(downloads, 0);

  // The name the server gives the same export, for comparison.
  const head = await fetch(`${server.url}/db`, { headers: { 'X-Walkin-Session': session } });
  assert.equal(head.status, 200);
  const serverName = /filename="([^"]+)"/.exec(head.headers.get('content-disposition') ?? '')?.[1];
  await head.arrayBuffer();

  const sqlite = await downloadVia(p, '#download-sqlite');
  assert.match(sqlite.name, /^walkin-[0-9a-f]{8}\.sqlite$/);
  assert.equal(sqlite.name, serverName, 'the same name as the server gives');
  assert.equal(sqlite.bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  assert.match(await p.textContent('#status'), new RegExp(`^Downloaded ${sqlite.name.replace('.', '\\.')} \\(\\d`));
  // The file is a database with the walk-in's rows (read by Python's sqlite3, not by us).
  const { stdout } = await run('python3', [
    '-c',
    'import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); ' +
      'print(json.dumps(c.execute("SELECT id, label, v, hex(b), typeof(b) FROM d ORDER BY id").fetchall()))',
    sqlite.file,
  ]);
  assert.deepEqual(JSON.parse(stdout), [
    [1, "it's", 0.1, '00FF10', 'blob'],
    [2, 'π', 1e300, '', 'null'],
    [3, null, -2.5e-7, '', 'blob'],
  ]);

  const sql = await downloadVia(p, '#download-sql');
  assert.equal(sql.name, serverName.replace(/\.sqlite$/, '.sql'));
  const text = sql.bytes.toString('utf8');
  assert.match(text, /^BEGIN TRANSACTION;/);
  assert.match(text, /CREATE TABLE d\(/);
  assert.equal((text.match(/INSERT INTO/g) ?? []).length, 3);
  assert.match(text, /COMMIT;\s*$/);

  // The .sql runs as one call in a new walk-in and gives the same rows back.
  const check = `SELECT id, label, quote(v), hex(b), typeof(b) FROM d ORDER BY id;`;
  await runSql(p, check);
  const want = await readTable(p);
  await p.click('#new-walkin');
  await p.waitForFunction(() => document.getElementById('status').textContent.startsWith('New walk-in ready'));
  await runSql(p, `${text}\n${check}`);
  assert.equal(await readError(p), null);
  assert.deepEqual(await readTable(p), want);
  assert.notEqual((await readSession(p)).full, session);
  assertClean(watched.at(-1));
  await p.close();
});

test('a download from a walk-in the server no longer knows says it is gone', async () => {
  const p = await newPage();
  await open(p);
  await p.evaluate((token) => {
    sessionStorage.setItem('walkindb.playground.session', JSON.stringify({ session: token, expiresAt: Math.floor(Date.now() / 1000) + 300 }));
  }, `wkn_${'B'.repeat(107)}`);
  await p.reload();
  await p.waitForSelector('html[data-ready="true"]');
  const before = await calls(p);
  await p.click('#download-sqlite');
  await p.waitForFunction((n) => Number(document.documentElement.dataset.calls) > n, before);
  assert.equal((await readError(p))?.title, 'Error 404');
  assert.ok(await p.isVisible('#expired'), 'the walk-in-gone notice is shown');
  assert.equal(await p.getAttribute('#download-sqlite', 'aria-disabled'), 'true');
  assertClean(watched.at(-1));
  await p.close();
});

test('no console errors or CSP violations anywhere in the run; the watcher would see one', async () => {
  for (const w of watched) assertClean(w);
  assert.ok(watch.sqlErrors.length > 0, 'the provoked errors were seen as failed /sql loads, nothing else');

  // Self-check: the same watcher reports a violation of the served policy.
  const p = await newPage();
  await open(p);
  await p.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red }';
    document.head.append(style);
  });
  const w = watched.at(-1);
  for (let waited = 0; waited < 3000 && w.problems.length === 0; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(
    w.problems.some((x) => /Content Security Policy|CSP violation/.test(x)),
    `an inline <style> is refused and reported: ${JSON.stringify(w.problems)}`,
  );
  assert.notEqual(await p.evaluate(() => getComputedStyle(document.body).color), 'rgb(255, 0, 0)', 'and not applied');
  await p.close();
});
