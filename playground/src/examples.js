// Example queries offered by the playground. Each one runs on its own in a fresh walk-in
// and may be run again (the tables it needs are created when missing).
// `expect` is for the tests: 'rows' (a result set) or 'error' (it is meant to fail).

export const EXAMPLES = [
  {
    id: 'basics',
    title: 'Create, insert, select',
    expect: 'rows',
    sql: `-- One call may hold several statements; they run in one transaction.
CREATE TABLE IF NOT EXISTS notes(
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  stars REAL,
  thumb BLOB
);
INSERT INTO notes(body, stars, thumb) VALUES
  ('hello, walk-in', 4.5, x'CAFEF00D'),
  ('no stars yet', NULL, NULL),
  ('gone in ten minutes', 3, zeroblob(3));
SELECT id, body, stars, thumb, length(body) AS chars FROM notes;`,
  },
  {
    id: 'window',
    title: 'Window function',
    expect: 'rows',
    sql: `-- Rank each sale within its region and show its share of the region's total.
WITH sales(region, rep, amount) AS (
  VALUES ('north', 'Ana', 120), ('north', 'Bo', 340), ('north', 'Cy', 210),
         ('south', 'Di', 90), ('south', 'Ed', 410), ('south', 'Flo', 160)
)
SELECT region, rep, amount,
       rank() OVER (PARTITION BY region ORDER BY amount DESC) AS rank_in_region,
       sum(amount) OVER (PARTITION BY region) AS region_total,
       round(100.0 * amount / sum(amount) OVER (PARTITION BY region), 1) AS pct
FROM sales
ORDER BY region, rank_in_region;`,
  },
  {
    id: 'fts5',
    title: 'Full-text search (FTS5)',
    expect: 'rows',
    sql: `-- An FTS5 index, ranked by bm25, with the matching words marked.
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body);
DELETE FROM docs;
INSERT INTO docs(title, body) VALUES
  ('Scratch memory', 'An agent keeps its plan in a disposable SQLite database.'),
  ('Chunk staging', 'Stage retrieved chunks, then rank them with SQL before answering.'),
  ('Teaching', 'Students try window functions without installing anything.'),
  ('Cleanup', 'Every walk-in database is deleted ten minutes after it was created.'),
  ('Joins', 'Join the tables you made a minute ago.'),
  ('Limits', 'Ten thousand rows per result and two seconds per call.');
SELECT title,
       highlight(docs, 1, '[', ']') AS match,
       round(bm25(docs), 3) AS score
FROM docs
WHERE docs MATCH 'database OR chunks'
ORDER BY rank;`,
  },
  {
    id: 'json',
    title: 'JSON functions',
    expect: 'rows',
    sql: `-- Read fields out of JSON text, unnest an array and build new JSON.
WITH orders(doc) AS (
  VALUES ('{"id": 7, "customer": {"name": "Ada"}, "items": [{"sku": "A1", "qty": 2}, {"sku": "B7", "qty": 1}]}'),
         ('{"id": 8, "customer": {"name": "Linus"}, "items": [{"sku": "C3", "qty": 5}]}')
)
SELECT doc ->> '$.id' AS order_id,
       doc ->> '$.customer.name' AS customer,
       json_array_length(doc, '$.items') AS lines,
       (SELECT sum(value ->> 'qty') FROM json_each(doc, '$.items')) AS units,
       json_object('first', doc -> '$.items[0]', 'skus',
         (SELECT json_group_array(value ->> 'sku') FROM json_each(doc, '$.items'))) AS summary
FROM orders;`,
  },
  {
    id: 'recursive',
    title: 'Recursive CTE',
    expect: 'rows',
    sql: `-- Generate rows without a table: the first 12 Fibonacci numbers.
WITH RECURSIVE fib(n, a, b) AS (
  SELECT 1, 0, 1
  UNION ALL
  SELECT n + 1, b, a + b FROM fib WHERE n < 12
)
SELECT n, a AS fibonacci FROM fib;`,
  },
  {
    id: 'mistake',
    title: 'A mistake, with its hint',
    expect: 'error',
    sql: `-- Double quotes name a column in SQLite, so this fails; the hint says what to do.
SELECT 1 AS warm_up;
SELECT "hello" AS greeting;`,
  },
];
