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
  MAX_BATCH_ENTRIES,
  splitStatements,
  statementLabel,
  isTableName,
  tableNameFromFile,
  parseCsvPreview,
  exportFileName,
  formatBytes,
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
const KEY_BATCH = 'walkindb.playground.batch';
const CSV_PREVIEW_ROWS = 5;
const CSV_PREVIEW_BYTES = 64 * 1024;
const IMPORT_MAX_BYTES = 4 * 1024 * 1024; // the server's default WALKINDB_IMPORT_MAX_MB
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
  batchMode: $('batch-mode'),
  sqlSize: $('sql-size'),
  examples: $('example-list'),
  status: $('status'),
  error: $('error'),
  expired: $('expired'),
  expiredText: $('expired-text'),
  expiredNew: $('expired-new'),
  truncated: $('truncated'),
  tabs: $('result-tabs'),
  panel: $('result-panel'),
  entryCaption: $('entry-caption'),
  tableWrap: $('table-wrap'),
  table: $('result'),
  csvDrop: $('csv-drop'),
  csvFile: $('csv-file'),
  csvForm: $('csv-form'),
  csvFileLine: $('csv-file-line'),
  csvTable: $('csv-table'),
  csvHeader: $('csv-header'),
  csvPreviewCaption: $('csv-preview-caption'),
  csvPreview: $('csv-preview'),
  csvWarning: $('csv-warning'),
  csvImport: $('csv-import'),
  csvCancel: $('csv-cancel'),
  downloadSqlite: $('download-sqlite'),
  downloadSql: $('download-sql'),
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
  batch: null, // the last batch on screen: { statements, results, selected }
  csv: null, // the CSV file being prepared for import: { file, head }
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
  for (const button of [ui.downloadSqlite, ui.downloadSql]) {
    button.setAttribute('aria-disabled', String(!live));
    button.title = live ? '' : 'No walk-in yet: run a query or import a CSV file first.';
  }
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

function batchMode() {
  return ui.batchMode.checked;
}

function updateSize() {
  const bytes = requestBytes(ui.sql.value, { batch: batchMode() });
  const over = bytes > MAX_BODY_BYTES;
  let text = over
    ? `Request is ${bytes.toLocaleString('en-US')} bytes: over the server's 8 KB limit. Split it into several calls.`
    : `Request size: ${bytes.toLocaleString('en-US')} of ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes.`;
  if (batchMode()) {
    const n = splitStatements(ui.sql.value).length;
    text += ` Batch of ${plural(n, 'statement')}${n > MAX_BATCH_ENTRIES ? `: over the limit of ${MAX_BATCH_ENTRIES}` : ''}.`;
  }
  ui.sqlSize.textContent = text;
  ui.sqlSize.classList.toggle('over', over);
}

function updateCurl() {
  ui.curl.textContent = curlCommand(location.origin, ui.sql.value, state.session, { batch: batchMode() });
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

/** Leaves batch display: no tabs, the panel a plain container again. */
function clearTabs() {
  state.batch = null;
  ui.tabs.replaceChildren();
  ui.tabs.hidden = true;
  ui.entryCaption.hidden = true;
  ui.entryCaption.textContent = '';
  ui.panel.removeAttribute('role');
  ui.panel.removeAttribute('aria-labelledby');
  ui.panel.removeAttribute('tabindex');
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
  clearTabs();
  clearTable();
  const shown = Math.min(result.rows.length, MAX_SHOWN_ROWS);
  let summary = resultSummary(result, shown);
  if (result.truncated) summary += ' · truncated by the server';
  if (typeof ms === 'number') summary += ` · ${Math.round(ms)} ms`;
  if (restored) summary += ' · shown again after reload';
  announce(summary);
  renderTable(result);
}

/** Draws one result's rows into the result table (nothing for a result without columns). */
function renderTable(result) {
  clearTable();
  const shown = Math.min(result.rows.length, MAX_SHOWN_ROWS);
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

/** A batch answer: one tab per entry, the last one open (what a plain run would show). */
function renderBatch(statements, results, { ms, restored = false, selected } = {}) {
  clearError();
  clearTabs();
  clearTable();
  state.batch = { statements, results, selected: 0 };
  ui.tabs.hidden = false;
  for (const [i, sql] of statements.entries()) {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.id = `result-tab-${i + 1}`;
    tab.className = 'result-tab';
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', 'result-panel');
    tab.dataset.entry = String(i + 1);
    const number = document.createElement('span');
    number.className = 'tab-number';
    number.textContent = String(i + 1);
    const label = document.createElement('span');
    label.className = 'tab-label';
    label.textContent = statementLabel(sql, 28);
    tab.append(number, label);
    tab.title = statementLabel(sql, 200);
    tab.addEventListener('click', () => selectTab(i));
    ui.tabs.append(tab);
  }
  ui.panel.setAttribute('role', 'tabpanel');
  ui.panel.tabIndex = -1;
  selectTab(typeof selected === 'number' && selected < results.length ? selected : results.length - 1, { focus: false });

  const affected = results.reduce((n, r) => n + r.rowsAffected, 0);
  let summary = `Batch of ${plural(results.length, 'statement')} · ${plural(affected, 'row')} affected`;
  const cut = results.filter((r) => r.truncated).length;
  if (cut > 0) summary += ` · ${plural(cut, 'result')} truncated by the server`;
  if (typeof ms === 'number') summary += ` · ${Math.round(ms)} ms`;
  if (restored) summary += ' · shown again after reload';
  announce(summary);
}

function selectTab(index, { focus = true } = {}) {
  const batch = state.batch;
  if (!batch) return;
  batch.selected = index;
  for (const [i, tab] of [...ui.tabs.children].entries()) {
    const on = i === index;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
  }
  ui.panel.setAttribute('aria-labelledby', `result-tab-${index + 1}`);
  const result = batch.results[index];
  const shown = Math.min(result.rows.length, MAX_SHOWN_ROWS);
  ui.entryCaption.hidden = false;
  ui.entryCaption.textContent =
    `Statement ${index + 1} of ${batch.results.length}: ${resultSummary(result, shown)}` +
    (result.truncated ? ' · truncated by the server' : '');
  renderTable(result);
}

/** Arrow keys, Home and End move between the tabs (the ARIA tabs pattern). */
function onTabKey(event) {
  const batch = state.batch;
  if (!batch) return;
  const last = batch.results.length - 1;
  const moves = { ArrowRight: batch.selected + 1, ArrowLeft: batch.selected - 1, Home: 0, End: last };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = moves[event.key];
  selectTab(next < 0 ? last : next > last ? 0 : next);
}

/** A problem the page found before sending anything (shown like a server error). */
function renderLocalError(title, message) {
  clearTabs();
  clearTable();
  clearError();
  const box = document.createElement('div');
  box.className = 'error-box';
  const head = document.createElement('p');
  head.className = 'error-title';
  head.textContent = title;
  const msg = document.createElement('p');
  msg.className = 'error-message';
  msg.textContent = message;
  box.append(head, msg);
  ui.error.append(box);
  ui.error.classList.add('shown');
  announce(title);
}

function renderError(err, { statements } = {}) {
  clearTabs();
  clearTable();
  clearError();
  const box = document.createElement('div');
  box.className = 'error-box';

  const title = document.createElement('p');
  title.className = 'error-title';
  let message;
  if (err instanceof WalkinDBError) {
    const where =
      typeof err.entry === 'number'
        ? ` in statement ${err.entry} of the batch`
        : typeof err.statement === 'number'
          ? ` in statement ${err.statement}`
          : '';
    title.textContent = err.status === 0 ? 'Could not reach the server' : `Error ${err.status}${where}`;
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
  if (err instanceof WalkinDBError && typeof err.entry === 'number') {
    const where = document.createElement('p');
    where.className = 'error-where';
    const sql = statements?.[err.entry - 1];
    where.textContent =
      `Statement ${err.entry} of the batch failed${sql ? ` (${statementLabel(sql, 60)})` : ''}, ` +
      'so the whole batch was rolled back.';
    box.append(where);
  } else if (err instanceof WalkinDBError && typeof err.statement === 'number') {
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

/** Runs one SDK call; the session it may create is adopted, a 404 ends the walk-in. */
async function call(work) {
  const started = performance.now();
  try {
    const result = await work(state.client);
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
  const statements = batchMode() ? splitStatements(sql) : null;
  if (sql.trim() === '' || statements?.length === 0) {
    clearTabs();
    clearTable();
    clearError();
    announce('Write some SQL first.');
    ui.sql.focus();
    return;
  }
  if (statements && statements.length > MAX_BATCH_ENTRIES) {
    renderLocalError(
      'Too many statements for one batch',
      `This batch has ${statements.length} statements; a batch takes at most ${MAX_BATCH_ENTRIES}. ` +
        'Split it, or turn off “Run as batch” to run them as one call.',
    );
    return;
  }
  setBusy(true);
  announce('Running…');
  const hadSession = Boolean(state.session);
  if (!hadSession) hideExpired();
  try {
    if (statements) {
      const { result: results, ms, err } = await call((c) => c.batch(statements.map((s) => ({ sql: s }))));
      if (err) {
        renderError(err, { statements });
        store.remove(KEY_RESULT);
        return;
      }
      renderBatch(statements, results, { ms });
      keepResult({ statements, results: results.map(encodeResult) });
      return;
    }
    const { result, ms, err } = await call((c) => c.execute(sql));
    if (err) {
      renderError(err);
      store.remove(KEY_RESULT);
      return;
    }
    renderResult(result, { ms });
    keepResult({ result: encodeResult(result) });
  } finally {
    setBusy(false);
    updateCurl();
  }
}

/** Keeps what is on screen for a reload, when it is small enough for sessionStorage. */
function keepResult(shown) {
  const entry = { session: state.session, ...shown };
  if (JSON.stringify(entry).length <= MAX_STORED_RESULT_CHARS) store.set(KEY_RESULT, entry);
  else store.remove(KEY_RESULT);
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
  clearTabs();
  clearTable();
  renderSession();
  setBusy(true);
  announce('Creating a new walk-in…');
  try {
    const { result, err } = await call((c) => c.execute(NEW_WALKIN_SQL));
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

// ---- CSV import ----

function wireImport() {
  ui.csvFile.addEventListener('change', () => {
    const file = ui.csvFile.files?.[0];
    if (file) pickFile(file);
  });
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  ui.csvDrop.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    ui.csvDrop.classList.add('dragging');
  });
  ui.csvDrop.addEventListener('dragleave', () => ui.csvDrop.classList.remove('dragging'));
  ui.csvDrop.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.csvDrop.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file) pickFile(file);
  });
  // A file dropped beside the zone must not replace the page (the browser would open it).
  window.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  ui.csvHeader.addEventListener('change', renderCsvPreview);
  ui.csvTable.addEventListener('input', () => checkTableName(false));
  ui.csvForm.addEventListener('submit', (event) => {
    event.preventDefault();
    importCsv();
  });
  ui.csvCancel.addEventListener('click', () => {
    closeImport();
    announce('Import cancelled.');
    ui.csvFile.focus();
  });
}

async function pickFile(file) {
  let head;
  try {
    head = await file.slice(0, CSV_PREVIEW_BYTES).text();
  } catch (err) {
    renderLocalError('Could not read the file', err instanceof Error ? err.message : String(err));
    return;
  }
  state.csv = { file, head };
  ui.csvTable.value = tableNameFromFile(file.name);
  ui.csvHeader.checked = true;
  ui.csvFileLine.textContent = `${file.name} · ${formatBytes(file.size)}`;
  const tooBig = file.size > IMPORT_MAX_BYTES;
  ui.csvWarning.hidden = !tooBig;
  ui.csvWarning.textContent = tooBig
    ? `This file is ${formatBytes(file.size)}: over the 4 MB a walkindb server takes per import by default, ` +
      'so it will probably be refused. Split it into smaller files (each with the header row): they append.'
    : '';
  ui.csvForm.hidden = false;
  checkTableName(false);
  renderCsvPreview();
  ui.csvTable.focus();
  ui.csvTable.select();
  announce(`${file.name} is ready to import: check the preview and the table name, then press Import.`);
}

function renderCsvPreview() {
  const csv = state.csv;
  if (!csv) return;
  const header = ui.csvHeader.checked;
  const { records, more } = parseCsvPreview(csv.head, CSV_PREVIEW_ROWS + (header ? 1 : 0));
  const width = records.reduce((n, r) => Math.max(n, r.length), 0);
  const columns = header && records.length > 0 ? records[0] : Array.from({ length: width }, (_, i) => `c${i + 1}`);
  const rows = header ? records.slice(1) : records;

  const thead = document.createElement('thead');
  const headRow = document.createElement('tr');
  for (const name of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name;
    headRow.append(th);
  }
  thead.append(headRow);
  const tbody = document.createElement('tbody');
  for (const record of rows) {
    const tr = document.createElement('tr');
    for (let c = 0; c < columns.length; c++) {
      const td = document.createElement('td');
      const value = record[c] ?? '';
      if (value === '') {
        // An empty field is imported as NULL: show it the way results show NULL.
        td.className = 'v-null';
        const badge = document.createElement('span');
        badge.className = 'cell';
        badge.textContent = 'NULL';
        td.append(badge);
      } else {
        td.className = 'v-text';
        td.textContent = value;
      }
      tr.append(td);
    }
    tbody.append(tr);
  }
  ui.csvPreview.replaceChildren(thead, tbody);
  ui.csvPreviewCaption.textContent =
    rows.length === 0
      ? `Preview of ${csv.file.name}: no data rows${more ? ' in its first 64 KB' : ''}.`
      : `Preview of ${csv.file.name}: the first ${plural(rows.length, 'row')}${more ? '' : ' (all of them)'}, ` +
        `${plural(columns.length, 'column')}.`;
}

function checkTableName(strict) {
  const name = ui.csvTable.value.trim();
  const ok = isTableName(name);
  const show = !ok && (strict || name !== '');
  ui.csvTable.setAttribute('aria-invalid', String(show));
  ui.csvTable.closest('.field')?.classList.toggle('invalid', show);
  return ok;
}

function closeImport() {
  state.csv = null;
  ui.csvForm.hidden = true;
  ui.csvPreview.replaceChildren();
  ui.csvFile.value = '';
  ui.csvWarning.hidden = true;
}

async function importCsv() {
  if (state.running || !state.csv) return;
  const table = ui.csvTable.value.trim();
  if (!checkTableName(true)) {
    announce('The table name can hold only letters, digits and _, and may not start with a digit or sqlite_.');
    ui.csvTable.focus();
    return;
  }
  const { file } = state.csv;
  const header = ui.csvHeader.checked;
  setBusy(true);
  announce(`Importing ${file.name}…`);
  if (!state.session) hideExpired();
  try {
    const { result, ms, err } = await call((c) => c.importCsv(table, file, { header }));
    if (err) {
      renderError(err);
      return;
    }
    closeImport();
    clearError();
    announce(
      `Imported ${plural(result.rowsAffected, 'row')} into ${result.table} ` +
        `(columns ${result.columns.join(', ')}) · ${Math.round(ms)} ms. Query it: SELECT * FROM ${result.table};`,
    );
  } finally {
    setBusy(false);
    updateCurl();
  }
}

// ---- downloads ----

async function download(kind) {
  if (state.running) return;
  if (!state.session) {
    announce('No walk-in yet: run a query or import a CSV file first, then download it.');
    return;
  }
  const name = exportFileName(state.session, kind);
  setBusy(true);
  announce(`Preparing ${name}…`);
  try {
    const { result, err } = await call((c) => (kind === 'sqlite' ? c.export() : c.exportSql()));
    if (err) {
      renderError(err);
      return;
    }
    const type = kind === 'sqlite' ? 'application/vnd.sqlite3' : 'application/sql;charset=utf-8';
    const blob = new Blob([result], { type });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce(`Downloaded ${name} (${formatBytes(blob.size)}).`);
  } finally {
    setBusy(false);
  }
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
  ui.batchMode.checked = store.get(KEY_BATCH) === true;
  const last = store.get(KEY_RESULT);
  if (state.session && last && last.session === state.session) {
    if (Array.isArray(last.statements) && Array.isArray(last.results)) {
      const results = last.results.map(decodeResult);
      if (results.length === last.statements.length && results.every(Boolean)) {
        renderBatch(last.statements.map(String), results, { restored: true });
      }
    } else {
      const result = decodeResult(last.result);
      if (result) renderResult(result, { restored: true });
    }
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
  ui.batchMode.addEventListener('change', () => {
    store.set(KEY_BATCH, ui.batchMode.checked);
    updateSize();
    updateCurl();
  });
  ui.tabs.addEventListener('keydown', onTabKey);
  wireImport();
  ui.downloadSqlite.addEventListener('click', () => download('sqlite'));
  ui.downloadSql.addEventListener('click', () => download('sql'));
  document.documentElement.dataset.ready = 'true';
}

main();
