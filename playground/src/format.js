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

/** The request body the SDK sends for `sql` (no args). */
export function requestBody(sql) {
  return JSON.stringify({ sql });
}

/** Bytes of the request body, to compare with the server's 8 KB cap. */
export function requestBytes(sql) {
  return new TextEncoder().encode(requestBody(sql)).length;
}

export const MAX_BODY_BYTES = 8192;

/**
 * A curl command that sends `sql` to `origin`/sql, in `session` when there is one.
 * Without a session it asks for the response headers (-i), where the new token arrives.
 */
export function curlCommand(origin, sql, session) {
  const lines = [`curl -sS${session ? '' : ' -i'} -X POST ${shellQuote(`${origin}/sql`)}`];
  lines.push(`  -H 'Content-Type: application/json'`);
  if (session) lines.push(`  -H ${shellQuote(`X-Walkin-Session: ${session}`)}`);
  lines.push(`  --data-binary ${shellQuote(requestBody(sql))}`);
  return lines.join(' \\\n');
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
