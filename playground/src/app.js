// The walkindb playground: an editor, a Run button and a result table over the JS SDK.
// Served under a strict Content-Security-Policy: no inline script or style, no eval, and
// every value from the server reaches the page through textContent only.
import { Client, WalkinDBError } from './sdk/index.js';
import { EXAMPLES } from './examples.js';
import {
  describeValue,
  shortSession,
  secondsLeft,
  formatCountdown,
  countdownWords,
  curlCommand,
  requestBytes,
  MAX_BODY_BYTES,
  resultSummary,
  encodeResult,
  decodeResult,
  plural,
} from './format.js';

const MAX_SHOWN_ROWS = 1000;
const MAX_STORED_RESULT_CHARS = 256 * 1024;
const KEY_SESSION = 'walkindb.playground.session';
const KEY_SQL = 'walkindb.playground.sql';
const KEY_RESULT = 'walkindb.playground.result';
const NEW_WALKIN_SQL = 'SELECT sqlite_version() AS sqlite_version';

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: missing #${id}`);
  return el;
};

const ui = {
  sessionLine: $('session-line'),
  sessionNone: $('session-none'),
  sessionLive: $('session-live'),
  sessionGone: $('session-gone'),
  sessionToken: $('session-token'),
  goneToken: $('gone-token'),
  sessionExpiry: $('session-expiry'),
  countdown: $('countdown'),
  newWalkin: $('new-walkin'),
  sql: $('sql'),
  run: $('run'),
  sqlSize: $('sql-size'),
  examples: $('example-list'),
  status: $('status'),
  error: $('error'),
  expired: $('expired'),
  expiredText: $('expired-text'),
  expiredNew: $('expired-new'),
  truncated: $('truncated'),
  tableWrap: $('table-wrap'),
  table: $('result'),
  curl: $('curl-command'),
  curlNote: $('curl-session-note'),
  copyCurl: $('copy-curl'),
  copyStatus: $('copy-status'),
};

// ---- storage (sessionStorage may be unavailable or full: the page works without it) ----

const store = {
  get(key) {
    try {
      const text = sessionStorage.getItem(key);
      return text === null ? null : JSON.parse(text);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* private mode or quota: nothing to keep */
    }
  },
  remove(key) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      /* ignore */
    }
  },
};

// ---- state ----

const state = {
  client: null,
  session: null, // current token, or null before the first call
  expiresAt: null, // unix seconds, or null when unknown
  goneSession: null, // the token that expired, while the page says so
  running: false,
  calls: 0, // finished calls, published on <html data-calls> for the browser tests
  warnedMinute: false,
  timer: 0,
};

function nowMs() {
  return Date.now();
}

function makeClient(session) {
  state.client = new Client({ baseUrl: location.origin, ...(session ? { session } : {}) });
}

function saveSession() {
  if (state.session) store.set(KEY_SESSION, { session: state.session, expiresAt: state.expiresAt });
  else store.remove(KEY_SESSION);
}

/** Takes the session the client holds now (a call may have created one). */
function adoptSession() {
  const token = state.client.session ?? null;
  if (token && token !== state.session) {
    state.session = token;
    const exp = state.client.expiresAt;
    state.expiresAt = typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
    state.goneSession = null;
    state.warnedMinute = false;
    saveSession();
    hideExpired();
  }
  renderSession();
}

/** The walk-in is gone (its time ran out, or the server no longer knows it). */
function walkinGone(reason) {
  if (!state.session && !state.goneSession) return;
  const token = state.session ?? state.goneSession;
  state.goneSession = token;
  state.session = null;
  state.expiresAt = null;
  state.client.resetSession();
  store.remove(KEY_SESSION);
  store.remove(KEY_RESULT);
  ui.expiredText.textContent =
    reason === 'expired'
      ? 'This walk-in has expired: its ten minutes are up and its database has been deleted. ' +
        'Start a new walk-in, or just run a query: the next call creates a fresh, empty one.'
      : 'This walk-in no longer exists on the server (it expired or was deleted), so the query did not run. ' +
        'Start a new walk-in, or run the query again: the next call creates a fresh, empty one.';
  ui.expired.hidden = false;
  announce(
    reason === 'expired'
      ? 'The walk-in has expired and its database is deleted.'
      : 'The walk-in no longer exists on the server.',
  );
  renderSession();
  updateCurl();
}

function hideExpired() {
  ui.expired.hidden = true;
  ui.expiredText.textContent = '';
}

// ---- session bar and countdown ----

function renderSession() {
  const live = Boolean(state.session);
  const gone = !live && Boolean(state.goneSession);
  ui.sessionNone.hidden = live || gone;
  ui.sessionLive.hidden = !live;
  ui.sessionGone.hidden = !gone;
  ui.sessionLine.dataset.state = live ? 'live' : gone ? 'gone' : 'none';
  if (live) {
    ui.sessionToken.textContent = shortSession(state.session);
    ui.sessionToken.title = state.session;
  }
  if (gone) ui.goneToken.textContent = shortSession(state.goneSession);
  tick();
}

function tick() {
  if (!state.session) {
    ui.sessionExpiry.hidden = true;
    return;
  }
  ui.sessionExpiry.hidden = false;
  if (state.expiresAt === null) {
    ui.countdown.textContent = 'an unknown time';
    ui.countdown.removeAttribute('datetime');
    return;
  }
  const left = secondsLeft(state.expiresAt, nowMs());
  ui.countdown.textContent = formatCountdown(left);
  ui.countdown.dateTime = new Date(state.expiresAt * 1000).toISOString();
  ui.countdown.title = `${countdownWords(left)} left (at ${new Date(state.expiresAt * 1000).toLocaleTimeString()})`;
  ui.countdown.classList.toggle('soon', left <= 60);
  if (left <= 60 && left > 0 && !state.warnedMinute) {
    state.warnedMinute = true;
    announce(`This walk-in will be deleted in ${countdownWords(left)}.`);
  }
  if (left <= 0) walkinGone('expired');
}

function startTimer() {
  clearInterval(state.timer);
  state.timer = setInterval(tick, 1000);
}

// ---- editor ----

function updateSize() {
  const bytes = requestBytes(ui.sql.value);
  const over = bytes > MAX_BODY_BYTES;
  ui.sqlSize.textContent = over
    ? `Request is ${bytes.toLocaleString('en-US')} bytes: over the server's 8 KB limit. Split it into several calls.`
    : `Request size: ${bytes.toLocaleString('en-US')} of ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes.`;
  ui.sqlSize.classList.toggle('over', over);
}

function updateCurl() {
  ui.curl.textContent = curlCommand(location.origin, ui.sql.value, state.session);
  ui.curlNote.textContent = state.session
    ? ', in your current walk-in'
    : '; with no walk-in yet it creates one (its token is in the X-Walkin-Session response header)';
  ui.copyStatus.textContent = '';
}

function onEdit() {
  store.set(KEY_SQL, ui.sql.value);
  updateSize();
  updateCurl();
}

function buildExamples() {
  for (const example of EXAMPLES) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button example';
    button.dataset.example = example.id;
    button.textContent = example.title;
    button.addEventListener('click', () => {
      ui.sql.value = example.sql;
      onEdit();
      ui.sql.focus();
      ui.sql.setSelectionRange(0, 0);
      ui.sql.scrollTop = 0;
      ui.sql.scrollLeft = 0;
      announce(`Loaded the example “${example.title}”. Press Run or Control+Enter to run it.`);
    });
    li.append(button);
    ui.examples.append(li);
  }
}

// ---- output ----

function announce(text) {
  ui.status.textContent = text;
}

function clearError() {
  ui.error.replaceChildren();
  ui.error.classList.remove('shown');
}

function clearTable() {
  ui.table.replaceChildren();
  ui.tableWrap.hidden = true;
  ui.truncated.hidden = true;
}

function setBusy(busy) {
  state.running = busy;
  if (!busy) document.documentElement.dataset.calls = String(++state.calls);
  ui.run.setAttribute('aria-disabled', String(busy));
  ui.newWalkin.setAttribute('aria-disabled', String(busy));
  ui.run.textContent = busy ? 'Running…' : 'Run';
  ui.status.closest('section')?.setAttribute('aria-busy', String(busy));
}

function renderResult(result, { ms, restored = false } = {}) {
  clearError();
  clearTable();
  const shown = Math.min(result.rows.length, MAX_SHOWN_ROWS);
  let summary = resultSummary(result, shown);
  if (result.truncated) summary += ' · truncated by the server';
  if (typeof ms === 'number') summary += ` · ${Math.round(ms)} ms`;
  if (restored) summary += ' · shown again after reload';
  announce(summary);
  ui.truncated.hidden = !result.truncated;
  if (result.columns.length === 0) return;

  const thead = document.createElement('thead');
  const headRow = document.createElement('tr');
  const numeric = result.columns.map((_, c) => isNumberColumn(result.rows, c, shown));
  for (const [c, name] of result.columns.entries()) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name;
    if (numeric[c]) th.className = 'num';
    headRow.append(th);
  }
  thead.append(headRow);

  const tbody = document.createElement('tbody');
  for (let r = 0; r < shown; r++) {
    const tr = document.createElement('tr');
    const row = result.rows[r];
    for (let c = 0; c < result.columns.length; c++) {
      const td = document.createElement('td');
      const value = describeValue(row[c]);
      td.className = `v-${value.kind}`;
      if (numeric[c]) td.classList.add('num');
      if (value.kind === 'text' && value.text === '') {
        td.classList.add('empty');
        td.title = 'empty text';
        const mark = document.createElement('span');
        mark.className = 'visually-hidden';
        mark.textContent = 'empty text';
        td.append(mark);
      } else if (value.kind === 'null' || value.kind === 'blob') {
        const badge = document.createElement('span');
        badge.className = 'cell';
        badge.textContent = value.text;
        td.append(badge);
      } else {
        td.textContent = value.text;
      }
      tr.append(td);
    }
    tbody.append(tr);
  }
  if (result.rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = result.columns.length;
    td.className = 'no-rows';
    td.textContent = 'No rows.';
    tr.append(td);
    tbody.append(tr);
  }
  ui.table.append(thead, tbody);
  ui.tableWrap.hidden = false;
}

/** A column whose shown values are all numbers (or NULL, with at least one number). */
function isNumberColumn(rows, c, shown) {
  let numbers = 0;
  for (let r = 0; r < shown; r++) {
    const v = rows[r][c];
    if (typeof v === 'number') numbers++;
    else if (v !== null && v !== undefined) return false;
  }
  return numbers > 0;
}

function renderError(err) {
  clearTable();
  clearError();
  const box = document.createElement('div');
  box.className = 'error-box';

  const title = document.createElement('p');
  title.className = 'error-title';
  let message;
  if (err instanceof WalkinDBError) {
    title.textContent =
      err.status === 0
        ? 'Could not reach the server'
        : `Error ${err.status}${typeof err.statement === 'number' ? ` in statement ${err.statement}` : ''}`;
    message = err.error || err.message;
  } else {
    title.textContent = 'Something went wrong in the page';
    message = err instanceof Error ? err.message : String(err);
  }
  const msg = document.createElement('p');
  msg.className = 'error-message';
  const code = document.createElement('code');
  code.textContent = message;
  msg.append(code);
  box.append(title, msg);

  if (err instanceof WalkinDBError && err.hint) {
    const hint = document.createElement('p');
    hint.className = 'error-hint';
    const label = document.createElement('strong');
    label.textContent = 'Hint: ';
    hint.append(label, document.createTextNode(err.hint));
    box.append(hint);
  }
  if (err instanceof WalkinDBError && typeof err.statement === 'number') {
    const where = document.createElement('p');
    where.className = 'error-where';
    where.textContent = `Statement ${err.statement} of the call failed, so the whole call was rolled back.`;
    box.append(where);
  }
  if (err instanceof WalkinDBError && typeof err.retryAfter === 'number') {
    const retry = document.createElement('p');
    retry.className = 'error-retry';
    retry.textContent = `The server asks to wait ${plural(Math.ceil(err.retryAfter), 'second')} before trying again.`;
    box.append(retry);
  }
  ui.error.append(box);
  ui.error.classList.add('shown');
  if (!ui.expired.hidden) return; // walkinGone() has said it plainly already
  announce(
    err instanceof WalkinDBError && err.status !== 0
      ? `The call failed with status ${err.status}.`
      : 'The call failed.',
  );
}

// ---- actions ----

async function call(sql) {
  const started = performance.now();
  try {
    const result = await state.client.execute(sql);
    adoptSession();
    return { result, ms: performance.now() - started };
  } catch (err) {
    adoptSession();
    if (err instanceof WalkinDBError && err.status === 404 && err.error === 'instance not found') {
      walkinGone('not-found');
    }
    return { err };
  }
}

async function run() {
  if (state.running) return;
  const sql = ui.sql.value;
  if (sql.trim() === '') {
    clearTable();
    clearError();
    announce('Write some SQL first.');
    ui.sql.focus();
    return;
  }
  setBusy(true);
  announce('Running…');
  const hadSession = Boolean(state.session);
  if (!hadSession) hideExpired();
  try {
    const { result, ms, err } = await call(sql);
    if (err) {
      renderError(err);
      store.remove(KEY_RESULT);
      return;
    }
    renderResult(result, { ms });
    const encoded = encodeResult(result);
    const text = JSON.stringify(encoded);
    if (text.length <= MAX_STORED_RESULT_CHARS) store.set(KEY_RESULT, { session: state.session, result: encoded });
    else store.remove(KEY_RESULT);
  } finally {
    setBusy(false);
    updateCurl();
  }
}

async function newWalkin() {
  if (state.running) return;
  state.client.resetSession();
  state.session = null;
  state.expiresAt = null;
  state.goneSession = null;
  store.remove(KEY_SESSION);
  store.remove(KEY_RESULT);
  hideExpired();
  clearError();
  clearTable();
  renderSession();
  setBusy(true);
  announce('Creating a new walk-in…');
  try {
    const { result, err } = await call(NEW_WALKIN_SQL);
    if (err) {
      renderError(err);
      return;
    }
    const version = result.rows[0]?.[0];
    announce(
      `New walk-in ready${typeof version === 'string' ? ` (SQLite ${version})` : ''}: an empty database, ` +
        `deleted in ${state.expiresAt === null ? 'ten minutes' : countdownWords(secondsLeft(state.expiresAt, nowMs()))}.`,
    );
  } finally {
    setBusy(false);
    updateCurl();
  }
}

async function copyCurl() {
  const text = ui.curl.textContent ?? '';
  let copied = false;
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      copied = true;
    }
  } catch {
    copied = false;
  }
  if (!copied) {
    // Without the async clipboard (plain http on another host), select the text for the user.
    const range = document.createRange();
    range.selectNodeContents(ui.curl);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
  }
  ui.copyStatus.textContent = copied ? 'Copied.' : 'Selected: press Ctrl+C (⌘+C) to copy.';
}

// ---- start ----

function restore() {
  const saved = store.get(KEY_SESSION);
  if (saved && typeof saved.session === 'string' && saved.session.startsWith('wkn_')) {
    const exp = typeof saved.expiresAt === 'number' ? saved.expiresAt : null;
    if (exp === null || secondsLeft(exp, nowMs()) > 0) {
      state.session = saved.session;
      state.expiresAt = exp;
    } else {
      state.goneSession = saved.session;
    }
  }
  makeClient(state.session);

  const sql = store.get(KEY_SQL);
  ui.sql.value = typeof sql === 'string' ? sql : EXAMPLES[0].sql;

  renderSession();
  if (state.goneSession) {
    state.session = null;
    walkinGone('expired');
    return;
  }
  const last = store.get(KEY_RESULT);
  if (state.session && last && last.session === state.session) {
    const result = decodeResult(last.result);
    if (result) renderResult(result, { restored: true });
  }
}

function main() {
  buildExamples();
  restore();
  updateSize();
  updateCurl();
  startTimer();

  ui.sql.addEventListener('input', onEdit);
  // Ctrl+Enter (Cmd+Enter) runs from anywhere on the page, the editor included.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  ui.run.addEventListener('click', run);
  ui.newWalkin.addEventListener('click', newWalkin);
  ui.expiredNew.addEventListener('click', async () => {
    ui.sql.focus();
    await newWalkin();
  });
  ui.copyCurl.addEventListener('click', copyCurl);
  document.documentElement.dataset.ready = 'true';
}

main();
