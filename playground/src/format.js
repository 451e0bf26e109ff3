// Pure helpers of the playground: no DOM, no network. Imported by app.js and by the
// Node unit tests, so everything here must run in both places.

/** How a cell value is shown: kind is one of null, number, text, blob, other. */
export function describeValue(value) {
  if (value === null || value === undefined) {
    return { kind: 'null', text: 'NULL', label: 'NULL' };
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return { kind: 'number', text: String(value), label: String(value) };
  }
  if (typeof value === 'string') {
    return { kind: 'text', text: value, label: value === '' ? 'empty text' : value };
  }
  if (value instanceof Uint8Array) {
    return { kind: 'blob', text: blobPreview(value), label: `BLOB of ${plural(value.length, 'byte')}` };
  }
  if (typeof value === 'boolean') {
    return { kind: 'number', text: value ? '1' : '0', label: value ? '1' : '0' };
  }
  const text = safeJson(value);
  return { kind: 'other', text, label: text };
}

/** SQLite's own BLOB literal, x'CAFE', shortened past `max` bytes. */
export function blobPreview(bytes, max = 24) {
  const shown = bytes.subarray(0, max);
  let hex = '';
  for (const b of shown) hex += b.toString(16).toUpperCase().padStart(2, '0');
  const more = bytes.length > max ? '…' : '';
  return `x'${hex}${more}' (${plural(bytes.length, 'byte')})`;
}

export function plural(n, word) {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function safeJson(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** wkn_AbCdEfGh…wXyZ: enough to tell two walk-ins apart, not the whole secret. */
export function shortSession(token) {
  if (!token) return '';
  if (token.length <= 20) return token;
  return `${token.slice(0, 12)}…${token.slice(-4)}`;
}

/** Seconds left until `expiresAt` (unix seconds) at `nowMs`, never negative. */
export function secondsLeft(expiresAt, nowMs) {
  return Math.max(0, Math.ceil(expiresAt - nowMs / 1000));
}

/** 9:05 for 545 seconds; 0:00 at the end. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Words for screen readers and tooltips: "9 minutes 5 seconds". */
export function countdownWords(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  const parts = [];
  if (m > 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s % 60 > 0 || m === 0) parts.push(`${s % 60} second${s % 60 === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** Quotes a string for a POSIX shell: one single-quoted word. */
export function shellQuote(text) {
  return `'${String(text).replaceAll("'", `'\\''`)}'`;
}

/**
 * The request body the SDK sends for `sql` (no args); with `batch`, the editor's text as a
 * batch of its statements, one entry each (see splitStatements).
 */
export function requestBody(sql, { batch = false } = {}) {
  if (batch) return JSON.stringify({ batch: splitStatements(sql).map((s) => ({ sql: s })) });
  return JSON.stringify({ sql });
}

/** Bytes of the request body, to compare with the server's 8 KB cap. */
export function requestBytes(sql, options) {
  return new TextEncoder().encode(requestBody(sql, options)).length;
}

export const MAX_BODY_BYTES = 8192;
export const MAX_BATCH_ENTRIES = 50;

/**
 * A curl command that sends `sql` to `origin`/sql, in `session` when there is one.
 * Without a session it asks for the response headers (-i), where the new token arrives.
 */
export function curlCommand(origin, sql, session, options) {
  const lines = [`curl -sS${session ? '' : ' -i'} -X POST ${shellQuote(`${origin}/sql`)}`];
  lines.push(`  -H 'Content-Type: application/json'`);
  if (session) lines.push(`  -H ${shellQuote(`X-Walkin-Session: ${session}`)}`);
  lines.push(`  --data-binary ${shellQuote(requestBody(sql, options))}`);
  return lines.join(' \\\n');
}

/**
 * Splits SQL text into its statements for a batch, one entry per statement, each without
 * its closing `;` and trimmed. A `;` inside a string, a quoted name or a comment does not
 * split; nor does one inside a CREATE TRIGGER body, which ends at `END;` (the same rule
 * as SQLite's own sqlite3_complete(), so a `CASE ... END;` inside a trigger ends it early
 * there too). Pieces holding only comments or blanks are dropped.
 */
export function splitStatements(sql) {
  const text = String(sql);
  const out = [];
  let start = 0;
  let words = []; // the first three words of the statement, upper-cased, to spot CREATE TRIGGER
  let lastWord = '';
  let hasCode = false;
  const push = (end) => {
    if (hasCode) out.push(text.slice(start, end).trim());
    start = end + 1;
    words = [];
    lastWord = '';
    hasCode = false;
  };
  const isTrigger = () => {
    const w = words[1] === 'TEMP' || words[1] === 'TEMPORARY' ? words.slice(0, 1).concat(words.slice(2)) : words;
    return w[0] === 'CREATE' && w[1] === 'TRIGGER';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const closer = c === '[' ? ']' : c;
      let j = i + 1;
      for (;;) {
        const k = text.indexOf(closer, j);
        if (k < 0) {
          j = text.length;
          break;
        }
        if (closer !== ']' && text[k + 1] === closer) {
          j = k + 2; // a doubled quote stands for itself
          continue;
        }
        j = k + 1;
        break;
      }
      hasCode = true;
      lastWord = '';
      i = j;
    } else if (c === ';') {
      if (!isTrigger() || lastWord === 'END') push(i);
      else lastWord = '';
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j])) j++;
      lastWord = text.slice(i, j).toUpperCase();
      if (words.length < 3) words.push(lastWord);
      hasCode = true;
      i = j;
    } else {
      if (!/\s/.test(c)) {
        hasCode = true;
        lastWord = '';
      }
      i++;
    }
  }
  push(text.length);
  return out;
}

/** A one-line preview of a statement for a tab: its first line, shortened. */
export function statementLabel(sql, max = 40) {
  const line = String(sql)
    .replace(/--[^\n]*|\/\*[^]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// ---- CSV import ----

/** The server's rule for a table name to import into. */
export function isTableName(name) {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) && !/^sqlite_/i.test(name);
}

/** A table name from a file name: "Sales 2024 (Q1).csv" → "sales_2024_q1". */
export function tableNameFromFile(fileName) {
  let name = String(fileName)
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '' ) name = 'imported';
  if (/^[0-9]/.test(name)) name = `t_${name}`;
  if (/^sqlite_/.test(name)) name = `t_${name}`;
  return name.slice(0, 64);
}

/**
 * The first records of RFC 4180 CSV text, for a preview: quoted fields (with `""` and line
 * breaks inside), CRLF or LF line ends, a leading BOM skipped. Forgiving where the server is
 * strict (an unclosed quote runs to the end): the server has the last word on the import.
 * Returns { records, more }: `more` is true when text remains after the records returned.
 */
export function parseCsvPreview(text, maxRecords) {
  let s = String(text);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const records = [];
  let i = 0;
  while (i < s.length && records.length < maxRecords) {
    const record = [];
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) {
            field += s.slice(i);
            i = s.length;
            break;
          }
          field += s.slice(i, q);
          if (s[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the next separator is kept as it is.
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
      }
      record.push(field);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '\r') i++;
      if (s[i] === '\n') i++;
      break;
    }
    records.push(record);
  }
  return { records, more: i < s.length };
}

// ---- downloads ----

/**
 * The file name the server gives an export: walkin-<first 8 characters of the walk-in's id>,
 * the id being the UUID at the start of the token (base64url after `wkn_`).
 */
export function exportFileName(token, extension) {
  let stem = 'walkin';
  if (!/^wkn_[A-Za-z0-9_-]{8}/.test(String(token))) return `${stem}.${extension}`;
  try {
    const b64 = String(token).slice(4, 4 + 8).replaceAll('-', '+').replaceAll('_', '/');
    const bytes = base64ToBytes(b64); // 8 characters → the id's first 6 bytes
    let hex = '';
    for (const b of bytes.subarray(0, 4)) hex += b.toString(16).padStart(2, '0');
    if (hex.length === 8) stem = `walkin-${hex}`;
  } catch {
    /* not a token we can read: the plain stem will do */
  }
  return `${stem}.${extension}`;
}

/** 1.2 MB, 340 KB, 12 bytes. */
export function formatBytes(n) {
  if (n < 1000) return plural(n, 'byte');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} KB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** A one-line summary of a successful result. */
export function resultSummary(result, shownRows) {
  const parts = [];
  if (result.columns.length > 0) {
    parts.push(plural(result.rows.length, 'row'));
    if (shownRows < result.rows.length) parts.push(`first ${shownRows.toLocaleString('en-US')} shown`);
  } else {
    parts.push('no result set');
  }
  parts.push(`${plural(result.rowsAffected, 'row')} affected`);
  return parts.join(' · ');
}

/**
 * Turns a result into plain JSON for sessionStorage (BLOBs as {base64}) and back.
 */
export function encodeResult(result) {
  return {
    columns: result.columns,
    rows: result.rows.map((row) => row.map(encodeValue)),
    rowsAffected: result.rowsAffected,
    truncated: result.truncated,
  };
}

export function decodeResult(stored) {
  if (!stored || !Array.isArray(stored.columns) || !Array.isArray(stored.rows)) return null;
  return {
    columns: stored.columns.map(String),
    rows: stored.rows.map((row) => (Array.isArray(row) ? row.map(decodeValue) : [])),
    rowsAffected: Number(stored.rowsAffected) || 0,
    truncated: stored.truncated === true,
  };
}

function encodeValue(v) {
  if (v instanceof Uint8Array) return { base64: bytesToBase64(v) };
  return v;
}

function decodeValue(v) {
  if (v && typeof v === 'object' && typeof v.base64 === 'string') return base64ToBytes(v.base64);
  return v;
}

export function bytesToBase64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function base64ToBytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
