// Unit tests of the page's pure helpers (no browser, no server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  describeValue,
  blobPreview,
  shortSession,
  secondsLeft,
  formatCountdown,
  countdownWords,
  shellQuote,
  curlCommand,
  requestBytes,
  resultSummary,
  encodeResult,
  decodeResult,
} from '../src/format.js';

test('values are described by kind', () => {
  assert.deepEqual(describeValue(null), { kind: 'null', text: 'NULL', label: 'NULL' });
  assert.equal(describeValue(0).kind, 'number');
  assert.equal(describeValue(-1.5).text, '-1.5');
  assert.equal(describeValue('NULL').kind, 'text');
  assert.equal(describeValue('').label, 'empty text');
  const blob = describeValue(new Uint8Array([0xca, 0xfe]));
  assert.equal(blob.kind, 'blob');
  assert.equal(blob.text, "x'CAFE' (2 bytes)");
  assert.equal(blob.label, 'BLOB of 2 bytes');
  assert.equal(describeValue({ a: 1 }).kind, 'other');
});

test('long BLOBs are shortened, their size kept', () => {
  const bytes = new Uint8Array(100).fill(0xab);
  assert.equal(blobPreview(bytes, 2), "x'ABAB…' (100 bytes)");
  assert.equal(blobPreview(new Uint8Array(0)), "x'' (0 bytes)");
  assert.equal(blobPreview(new Uint8Array(1)), "x'00' (1 byte)");
});

test('sessions are shortened so two can be told apart', () => {
  const token = `wkn_${'a'.repeat(100)}WXYZ`;
  assert.equal(shortSession(token), 'wkn_aaaaaaaa…WXYZ');
  assert.equal(shortSession(null), '');
});

test('countdown', () => {
  assert.equal(secondsLeft(1000, 400_000), 600);
  assert.equal(secondsLeft(1000, 999_500), 1, 'half a second left shows as 0:01');
  assert.equal(secondsLeft(1000, 1_000_000), 0);
  assert.equal(secondsLeft(1000, 2_000_000), 0, 'never negative');
  assert.equal(formatCountdown(600), '10:00');
  assert.equal(formatCountdown(545), '9:05');
  assert.equal(formatCountdown(0), '0:00');
  assert.equal(countdownWords(545), '9 minutes 5 seconds');
  assert.equal(countdownWords(60), '1 minute');
  assert.equal(countdownWords(1), '1 second');
  assert.equal(countdownWords(0), '0 seconds');
});

test('shell quoting survives bash unchanged', () => {
  for (const s of ["plain", "it's", "''", "a\nb", '$HOME `id` "x" \\ !', "x'CAFE'", '']) {
    const out = execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
    assert.equal(out, s);
  }
});

test('the curl command sends the JSON body, with the session when there is one', () => {
  const sql = "SELECT 'it''s' AS x;\nSELECT 2";
  const withSession = curlCommand('http://127.0.0.1:8080', sql, 'wkn_abc');
  assert.ok(withSession.startsWith("curl -sS -X POST 'http://127.0.0.1:8080/sql'"));
  assert.ok(withSession.includes("-H 'X-Walkin-Session: wkn_abc'"));
  // The last argument, as the shell sees it, is exactly the JSON the SDK sends.
  const args = execFileSync('bash', ['-c', `printargs() { printf '%s\\0' "$@"; }; ${withSession.replace(/^curl/, 'printargs')}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
  assert.deepEqual(JSON.parse(args.at(-1)), { sql });
  const fresh = curlCommand('http://127.0.0.1:8080', sql, null);
  assert.ok(fresh.startsWith('curl -sS -i '), 'shows the headers that carry the new session');
  assert.ok(!fresh.includes('X-Walkin-Session'));
});

test('request size counts UTF-8 bytes of the JSON body', () => {
  assert.equal(requestBytes(''), '{"sql":""}'.length);
  assert.equal(requestBytes('é'), '{"sql":""}'.length + 2);
  assert.equal(requestBytes('"'), '{"sql":""}'.length + 2);
});

test('result summary', () => {
  const r = { columns: ['a'], rows: [[1], [2]], rowsAffected: 0, truncated: false };
  assert.equal(resultSummary(r, 2), '2 rows · 0 rows affected');
  assert.equal(resultSummary(r, 1), '2 rows · first 1 shown · 0 rows affected');
  assert.equal(resultSummary({ columns: [], rows: [], rowsAffected: 1, truncated: false }, 0), 'no result set · 1 row affected');
});

test('results survive the trip through sessionStorage, BLOBs included', () => {
  const r = {
    columns: ['b', 'n', 's'],
    rows: [[new Uint8Array([0, 255, 7]), null, 'x']],
    rowsAffected: 2,
    truncated: true,
  };
  const back = decodeResult(JSON.parse(JSON.stringify(encodeResult(r))));
  assert.deepEqual(back, r);
  assert.ok(back.rows[0][0] instanceof Uint8Array);
  assert.equal(decodeResult(null), null);
  assert.equal(decodeResult({ columns: 'x' }), null);
});
