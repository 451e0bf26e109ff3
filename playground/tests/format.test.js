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
  requestBody,
  splitStatements,
  statementLabel,
  isTableName,
  tableNameFromFile,
  parseCsvPreview,
  exportFileName,
  formatBytes,
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

test('a batch splits the editor text into statements, one entry each', () => {
  assert.deepEqual(splitStatements('SELECT 1; SELECT 2;\n\nSELECT 3'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  // A ; inside strings, quoted names and comments does not split.
  assert.deepEqual(
    splitStatements(`INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT "x;""y", [c;d], \`e;f\` FROM t /* ; */ -- ;\nWHERE 1;`),
    [`INSERT INTO t VALUES ('a;b', 'it''s;')`, 'SELECT "x;""y", [c;d], `e;f` FROM t /* ; */ -- ;\nWHERE 1'],
  );
  // A trigger body holds statements of its own: the trigger ends at END;.
  const trigger = 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET n = n + 1;\n  DELETE FROM u;\nEND';
  assert.deepEqual(splitStatements(`CREATE TABLE t(n);\n${trigger};\nSELECT 1`), ['CREATE TABLE t(n)', trigger, 'SELECT 1']);
  assert.deepEqual(splitStatements('create temp trigger x after delete on t begin select 1; end; select 2'), [
    'create temp trigger x after delete on t begin select 1; end',
    'select 2',
  ]);
  // Blank pieces and pieces of comments only are not entries; comments before a statement stay with it.
  assert.deepEqual(splitStatements(';; -- just a note\n;  '), []);
  assert.deepEqual(splitStatements('-- first\nSELECT 1; -- trailing'), ['-- first\nSELECT 1']);
  assert.deepEqual(splitStatements(''), []);
  // An unclosed string runs to the end (the server reports it).
  assert.deepEqual(splitStatements("SELECT 'open; SELECT 2"), ["SELECT 'open; SELECT 2"]);
});

test('a batch body and its curl command carry one entry per statement', () => {
  assert.equal(requestBody('SELECT 1; SELECT 2', { batch: true }), '{"batch":[{"sql":"SELECT 1"},{"sql":"SELECT 2"}]}');
  assert.equal(requestBytes('SELECT 1; SELECT é', { batch: true }), '{"batch":[{"sql":"SELECT 1"},{"sql":"SELECT e"}]}'.length + 1, 'UTF-8 bytes');
  assert.equal(requestBody('SELECT 1; SELECT 2'), '{"sql":"SELECT 1; SELECT 2"}', 'without batch: as before');
  const cmd = curlCommand('http://127.0.0.1:8080', "SELECT 'a'; SELECT 2", 'wkn_abc', { batch: true });
  const args = execFileSync('bash', ['-c', `printargs() { printf '%s\\0' "$@"; }; ${cmd.replace(/^curl/, 'printargs')}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
  assert.deepEqual(JSON.parse(args.at(-1)), { batch: [{ sql: "SELECT 'a'" }, { sql: 'SELECT 2' }] });
});

test('tab labels are one short line without comments', () => {
  assert.equal(statementLabel('-- note\nSELECT  a,\n  b FROM t'), 'SELECT a, b FROM t');
  assert.equal(statementLabel('SELECT /* x */ 1'), 'SELECT 1');
  assert.equal(statementLabel('SELECT ' + 'x'.repeat(100), 10), 'SELECT xx…');
});

test('table names: the server rule, and a good guess from a file name', () => {
  for (const ok of ['t', '_x', 'Sales_2024', 'a'.repeat(64)]) assert.ok(isTableName(ok), ok);
  for (const bad of ['', '1t', 'a-b', 'a b', 'x;DROP', 'sqlite_x', 'SQLITE_master', 'é', 'a'.repeat(65)]) {
    assert.ok(!isTableName(bad), bad);
  }
  assert.equal(tableNameFromFile('Sales 2024 (Q1).csv'), 'sales_2024_q1');
  assert.equal(tableNameFromFile('2024.csv'), 't_2024');
  assert.equal(tableNameFromFile('sqlite_stuff.csv'), 't_sqlite_stuff');
  assert.equal(tableNameFromFile('données.csv'), 'donn_es');
  assert.equal(tableNameFromFile('...csv'), 'imported');
  assert.equal(tableNameFromFile(`${'x'.repeat(80)}.csv`).length, 64);
  for (const f of ['Sales 2024 (Q1).csv', '2024.csv', 'sqlite_stuff.csv', 'données.csv', '...csv', '€.csv']) {
    assert.ok(isTableName(tableNameFromFile(f)), f);
  }
});

test('the CSV preview reads RFC 4180: quotes, doubled quotes, line breaks in fields, CRLF, BOM', () => {
  const text = '\uFEFFid,name,note\r\n1,"Smith, Ann","said ""hi""\nthen left"\r\n2,Bob,\r\n3,Cy,x\n';
  assert.deepEqual(parseCsvPreview(text, 10), {
    records: [
      ['id', 'name', 'note'],
      ['1', 'Smith, Ann', 'said "hi"\nthen left'],
      ['2', 'Bob', ''],
      ['3', 'Cy', 'x'],
    ],
    more: false,
  });
  assert.deepEqual(parseCsvPreview(text, 2).more, true, 'says when rows remain');
  assert.deepEqual(parseCsvPreview(text, 2).records.length, 2);
  assert.deepEqual(parseCsvPreview('a,b', 5), { records: [['a', 'b']], more: false }, 'no final line break');
  assert.deepEqual(parseCsvPreview('"open,1\n2', 5).records, [['open,1\n2']], 'an unclosed quote runs to the end');
  assert.deepEqual(parseCsvPreview('', 5), { records: [], more: false });
});

test('export file names follow the walk-in id inside the token', () => {
  // wkn_ + base64url(UUID bytes 01 8f 3a 7c ...) → walkin-018f3a7c
  const token = `wkn_${Buffer.from([0x01, 0x8f, 0x3a, 0x7c, 0xde, 0xad, 0xbe, 0xef]).toString('base64url')}${'A'.repeat(96)}`;
  assert.equal(exportFileName(token, 'sqlite'), 'walkin-018f3a7c.sqlite');
  assert.equal(exportFileName(token, 'sql'), 'walkin-018f3a7c.sql');
  assert.equal(exportFileName('not a token', 'sql'), 'walkin.sql');
});

test('byte sizes read like a person writes them', () => {
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(999), '999 bytes');
  assert.equal(formatBytes(1234), '1.2 KB');
  assert.equal(formatBytes(123_456), '123 KB');
  assert.equal(formatBytes(4_200_000), '4.2 MB');
});
