// walkindb-mcp: the MCP tools over one walkindb SDK client.
//
// This module builds the McpServer; cli.js wires it to stdio. It takes the client
// as a parameter so that one process (one MCP session) holds exactly one client,
// and with it one walk-in, for its whole life.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

export const NAME = "walkindb-mcp";
export const VERSION = "0.2.0";

// ---------------------------------------------------------------------------
// Text the model reads
// ---------------------------------------------------------------------------

const WHAT_IT_IS =
  "walkindb gives this conversation a private, throwaway SQLite database (SQLite 3.50 or newer) " +
  "called a walk-in. The first walkindb_execute, walkindb_batch or walkindb_import_csv call creates it; " +
  "later calls reuse it, so tables " +
  "persist between calls. The walk-in and all its data are deleted 10 minutes after it was " +
  "created, however busy it is: there is no way to extend it, so keep nothing there you need later.";

const LIMITS =
  "Limits: 10 MB of storage per walk-in; 2 seconds of execution per call; 8 KB of SQL per call " +
  "(split big inserts into several calls: the walk-in persists; walkindb_import_csv loads CSV rows, up to " +
  "4 MB a call); at most 100 bound values; a " +
  "result is cut at 10 000 rows or 1 MiB (then truncated is true).";

const REFUSED =
  "Refused by the server: ATTACH and DETACH, load_extension, readfile/writefile, TEMP tables, " +
  "views and triggers, and every PRAGMA except the introspection ones (table_info, table_xinfo, " +
  "table_list, index_list, index_info, index_xinfo, foreign_key_list, foreign_key_check, " +
  "integrity_check, quick_check, also as pragma_table_info(...) etc. in a SELECT).";

const EXECUTE_DESCRIPTION = [
  `Run SQL in your walk-in. ${WHAT_IT_IS}`,
  "",
  "One call = one atomic transaction: `sql` may hold several statements separated by `;`, run in " +
    "order; if any of them fails, nothing the call did is kept (BEGIN/COMMIT are accepted but " +
    "change nothing). The result has the columns and rows of the last statement that returns " +
    "columns (a SELECT, RETURNING, a reading PRAGMA), and rows_affected, the rows changed by the " +
    "call's INSERT/UPDATE/DELETE/REPLACE statements.",
  "",
  "SQL: string literals take single quotes ('text'); a double-quoted word is a column name. Pass " +
    "values through `args` rather than pasting them into the SQL: an array for ? placeholders, or " +
    "an object for :name/@name/$name placeholders. BLOBs go in and come out as {\"base64\": \"...\"}. " +
    "Available: CTEs (recursive too), window functions, JSON and JSONB functions, FTS5 full-text " +
    "tables, triggers, views, math functions. Integers beyond ±2^53 lose precision.",
  "",
  REFUSED,
  "",
  `${LIMITS} For big results, aggregate in SQL (COUNT, SUM, GROUP BY) or page with ORDER BY ... LIMIT n OFFSET m.`,
  "",
  "Errors come back as text starting `walkindb error <status>: <message>`, often with a hint " +
    "(existing tables, the closest column names) and the number of the failing statement: fix the " +
    "SQL from them and call again. Call walkindb_schema to see what exists.",
].join("\n");

const SCHEMA_DESCRIPTION = [
  "Describe your walk-in: its tables, views, indexes and triggers, with the columns of each table " +
    "and view (name, declared type, NOT NULL, default, primary-key position), the columns of each " +
    "index, and the CREATE statement of each object.",
  "",
  "Reads only. When no walk-in exists yet it returns an empty schema and does not create one. Use " +
    "it before querying tables you did not create in this conversation, and after an error about a " +
    "missing table or column.",
  "",
  WHAT_IT_IS,
].join("\n");

const RESET_DESCRIPTION = [
  "Drop this conversation's walk-in and start over: the next walkindb_execute call creates a new, " +
    "empty walk-in (with a fresh 10-minute lifetime). The old walk-in's tables and data become " +
    "unreachable at once and are deleted by the server when its 10 minutes are up; this cannot be undone.",
  "",
  "Call it when a tool reports that the walk-in has expired (walkindb error 404: instance not " +
    "found), or when you deliberately want a clean database. It makes no network call.",
].join("\n");

const BATCH_DESCRIPTION = [
  "Run several SQL entries in your walk-in as ONE atomic transaction and get one result per entry, " +
    "in order. Use it instead of several walkindb_execute calls when you want the answers of more than " +
    "one query at once (e.g. a count, a sample of rows and a sum), or several inserts that must all " +
    "happen or none: it is one call against the rate limit and one round trip.",
  "",
  "`entries` is a list of 1 to 50 objects {sql, args?}. Each entry's `sql` may itself hold several " +
    "statements separated by ';'; its result is then that of its last statement that returns " +
    "columns (as in walkindb_execute). `args` binds values for that entry only (an array for ?, an " +
    "object for :name). If any entry fails, nothing the batch did is kept; the error names the " +
    "failing entry (counting from 1) and the statement within it.",
  "",
  "The 8 KB limit applies to the whole batch (all entries' SQL and args together), and the " +
    "10 000-row / 1 MiB result cap to all results together: once it is spent, later entries still " +
    "run (their writes happen) but come back with no rows and truncated: true.",
  "",
  `${WHAT_IT_IS} Same SQL, sandbox and limits as walkindb_execute.`,
].join("\n");

const IMPORT_CSV_DESCRIPTION = [
  "Load CSV text into a table of your walk-in in one call. Use it when you have tabular data (a CSV " +
    "file's contents, a table you were given) rather than writing INSERT statements: it takes up to " +
    "4 MB, against 8 KB of SQL per walkindb_execute call.",
  "",
  "`table` is a plain name (letters, digits, _; not starting with sqlite_). If the table does not " +
    "exist it is created, with each column's type taken from all its values: INTEGER if every " +
    "non-empty value is an integer, else REAL if every one is a number, else TEXT; an empty field " +
    "becomes NULL. If it exists, the rows are appended, matched by column name (a CSV column the " +
    "table lacks is an error). With `header` true (the default) the first line names the columns; " +
    "with false the columns are c1, c2, ... and every line is data.",
  "",
  "`csv` is RFC 4180 text: fields separated by commas, quoted with \" when they hold a comma, a quote " +
    "(written \"\") or a line break. At most 100 columns, a field of at most 1 MB. The import is one " +
    "transaction: on any error nothing is imported. For more than 4 MB, send several calls with the " +
    "same header: they append.",
  "",
  WHAT_IT_IS,
].join("\n");

/** Above this many bytes walkindb_dump refuses: see DUMP_DESCRIPTION and the README for why. */
export const DUMP_MAX_BYTES = 32 * 1024;

const DUMP_DESCRIPTION = [
  "Return the whole walk-in as an SQL dump: BEGIN TRANSACTION; the CREATE statements of every " +
    "table, index, view and trigger; an INSERT for every row; COMMIT; (like the sqlite3 shell's " +
    ".dump). Use it to show or hand over everything the walk-in holds, e.g. to keep it past the " +
    "walk-in's 10 minutes or to recreate it elsewhere.",
  "",
  `Only small walk-ins: a dump over ${DUMP_MAX_BYTES / 1024} KB is refused (an error that says how big it is), ` +
    "because that is more text than you can usefully read at once. For a bigger walk-in use " +
    "walkindb_schema for the CREATE statements and walkindb_execute to read the rows you need " +
    "(aggregates, or pages with ORDER BY ... LIMIT n OFFSET m).",
  "",
  "Reads only. When no walk-in exists yet it returns an empty dump and does not create one. " +
    "BLOBs appear as X'hex' literals, REALs with all their digits.",
].join("\n");

const INSTRUCTIONS = [
  WHAT_IT_IS,
  "Tools: walkindb_execute runs SQL (one atomic transaction per call), walkindb_batch runs several " +
    "SQL entries in one transaction with a result per entry, walkindb_import_csv loads CSV text into a " +
    "table, walkindb_schema lists tables and columns, walkindb_dump returns a small walk-in as SQL, " +
    "walkindb_reset starts over with a new empty walk-in.",
  "Use single quotes for strings, bind values with args, and keep results small (aggregate, or " +
    "page with LIMIT/OFFSET). If a call says the walk-in expired, call walkindb_reset and recreate " +
    "your tables.",
].join("\n");

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const blob = z
  .object({ base64: z.string().regex(BASE64, "must be standard base64 with padding").describe("standard base64, padded") })
  .strict()
  .describe("a BLOB");

const argValue = z
  .union([z.string(), z.number(), z.boolean(), z.null(), blob])
  .describe(
    "a bound value: integer → INTEGER, number with a fraction → REAL, string → TEXT, " +
      "true/false → 1/0, null → NULL, {\"base64\": \"...\"} → BLOB",
  );

const sqlText = z
  .string()
  .min(1)
  .describe("SQLite SQL, one statement or several separated by ';' (at most 8 KB). Strings in single quotes.");

const boundArgs = z
  .union([
    z.array(argValue).describe("values for ? / ?NNN placeholders, in order across the statements"),
    z
      .record(z.string(), argValue)
      .describe("values for :name / @name / $name placeholders, keyed by the name without its prefix"),
  ])
  .optional()
  .describe("optional bound parameters (at most 100 values)");

const executeInput = { sql: sqlText, args: boundArgs };

export const MAX_BATCH_ENTRIES = 50;

const batchInput = {
  entries: z
    .array(
      z
        .object({
          sql: sqlText,
          args: boundArgs.describe("optional bound parameters of this entry (at most 100 values)"),
        })
        .strict(),
    )
    .min(1)
    .max(MAX_BATCH_ENTRIES)
    .describe(`1 to ${MAX_BATCH_ENTRIES} entries, run in order in one transaction; 8 KB in all`),
};

// The server's rule for a table name, checked here too so a bad one never costs a request.
const TABLE_NAME = /^(?!sqlite_)[A-Za-z_][A-Za-z0-9_]{0,63}$/i;

const importCsvInput = {
  table: z
    .string()
    .regex(TABLE_NAME, "must be a plain name: a letter or _, then letters, digits or _ (at most 64), not starting with sqlite_")
    .describe("the table to create, or to append to when it exists"),
  csv: z.string().min(1).describe("the CSV text (RFC 4180, comma-separated), at most 4 MB"),
  header: z
    .boolean()
    .optional()
    .describe("true (the default): the first line names the columns; false: columns c1, c2, ... and every line is data"),
};

const cell = z
  .union([z.string(), z.number(), z.null(), blob])
  .describe("INTEGER/REAL → number, TEXT → string, NULL → null, BLOB → {\"base64\": \"...\"}");

const sessionPrefix = z
  .string()
  .nullable()
  .describe("the start of the walk-in's session token, for recognising it (never the whole token); null when none");

const expiresAt = z
  .number()
  .int()
  .nullable()
  .describe("when the walk-in will be deleted, unix seconds; null when unknown");

const executeOutput = {
  columns: z.array(z.string()).describe("column names of the last statement that returns columns; [] if none did"),
  rows: z.array(z.array(cell)).describe("the rows, each an array in column order"),
  rows_affected: z.number().int().describe("rows inserted, updated or deleted by the call"),
  truncated: z.boolean().describe("true when the rows were cut at 10 000 rows or 1 MiB"),
  session_established: sessionPrefix,
  expires_at: expiresAt,
  new_walkin: z.boolean().describe("true when this call created a new, empty walk-in"),
};

const entryResult = z.object({
  columns: z.array(z.string()).describe("column names of the entry's last statement that returns columns; [] if none did"),
  rows: z.array(z.array(cell)).describe("the rows, each an array in column order"),
  rows_affected: z.number().int().describe("rows inserted, updated or deleted by this entry"),
  truncated: z.boolean().describe("true when the batch's 10 000-row / 1 MiB cap cut this entry's rows"),
});

const batchOutput = {
  results: z.array(entryResult).describe("one result per entry, in the order of the entries"),
  truncated: z.boolean().describe("true when any entry's rows were cut"),
  session_established: sessionPrefix,
  expires_at: expiresAt,
  new_walkin: z.boolean().describe("true when this call created a new, empty walk-in"),
};

const importCsvOutput = {
  table: z.string().describe("the table the rows went into"),
  columns: z.array(z.string()).describe("the CSV's columns, in order"),
  rows_affected: z.number().int().describe("rows imported"),
  session_established: sessionPrefix,
  expires_at: expiresAt,
  new_walkin: z.boolean().describe("true when this call created a new, empty walk-in"),
};

const dumpOutput = {
  sql: z.string().describe("the dump: SQL that recreates the walk-in's schema and rows; '' when there is no walk-in"),
  bytes: z.number().int().describe("length of the dump in UTF-8 bytes"),
  session_established: sessionPrefix,
  expires_at: expiresAt,
};

const column = z.object({
  name: z.string(),
  type: z.string().describe("declared type, '' when none"),
  notnull: z.boolean(),
  default: z.string().nullable().describe("the DEFAULT expression as SQL text, or null"),
  pk: z.number().int().describe("position in the primary key (1-based), 0 when not part of it"),
});

const relation = z.object({
  name: z.string(),
  columns: z.array(column),
  sql: z.string().nullable().describe("the CREATE statement"),
  error: z.string().optional().describe("present when the columns could not be read, with the server's reason"),
});

const schemaOutput = {
  tables: z.array(relation),
  views: z.array(relation),
  indexes: z.array(
    z.object({
      name: z.string(),
      table: z.string(),
      columns: z.array(z.string()).describe("indexed columns in order; '<expression>' for an expression"),
      sql: z.string().nullable(),
    }),
  ),
  triggers: z.array(z.object({ name: z.string(), table: z.string(), sql: z.string().nullable() })),
  truncated: z.boolean().describe("true when the description itself was cut short"),
  session_established: sessionPrefix,
  expires_at: expiresAt,
};

const resetOutput = {
  had_walkin: z.boolean().describe("whether a walk-in was held before this call"),
  previous_session: sessionPrefix,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Arguments as the SDK takes them: {"base64": ...} objects become bytes. */
function toSdkArgs(args) {
  if (args === undefined || args === null) return undefined;
  const conv = (v) => (v !== null && typeof v === "object" ? new Uint8Array(Buffer.from(v.base64, "base64")) : v);
  if (Array.isArray(args)) return args.map(conv);
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, conv(v)]));
}

/** The start of a session token: enough to tell two walk-ins apart, never the whole secret. */
export function tokenPrefix(token) {
  if (typeof token !== "string" || token === "") return null;
  return token.length > 12 ? `${token.slice(0, 12)}…` : token;
}

function toJsonCell(v) {
  if (v instanceof Uint8Array) return { base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  if (v === undefined) return null;
  return v;
}

/** One result as the tools give it: snake_case, BLOBs as {"base64": ...}. */
function toJsonResult(r) {
  return {
    columns: [...(r.columns ?? [])].map(String),
    rows: (r.rows ?? []).map((row) => row.map(toJsonCell)),
    rows_affected: Number(r.rowsAffected ?? 0),
    truncated: Boolean(r.truncated),
  };
}

function isoTime(unixSeconds) {
  if (typeof unixSeconds !== "number") return null;
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Advice for errors only the import and dump routes give; null for the rest. */
function whatNextForData(e, wait, tool) {
  const msg = String(e.error ?? "");
  if (e.status === 400 && msg.startsWith("invalid csv"))
    return "fix the CSV text and call again: comma-separated fields, quoted with \" when they hold a comma, quote or line break, the same number of fields on every line, at most 100 columns. Nothing was imported.";
  if (e.status === 400 && msg === "invalid table name")
    return "use a plain table name: a letter or _, then letters, digits or _, not starting with sqlite_. Nothing was imported.";
  if (e.status === 413 && msg.startsWith("import exceeds"))
    return "the CSV is over the server's import limit. Split it into several walkindb_import_csv calls, each with the header line: they append to the table. Nothing was imported.";
  if (e.status === 408 && msg.startsWith("import exceeded"))
    return "the import ran out of time and was rolled back. Send the CSV in smaller parts (each with the header line): they append to the table.";
  if (e.status === 429 && msg === "import rate limit exceeded")
    return `too much data was imported from this address in the last minute; wait ${wait}, then send the rest.`;
  if ((tool === "import" || tool === "dump") && e.status === 404 && msg === "not found")
    return "the walkindb server at WALKINDB_BASE_URL does not offer this route: it is probably older than this walkindb-mcp. walkindb_execute still works.";
  return null;
}

function whatNext(e, hadSession, tool) {
  const msg = String(e.error ?? "");
  const wait = typeof e.retryAfter === "number" ? `${e.retryAfter} s` : "a few seconds";
  const data = whatNextForData(e, wait, tool);
  if (data) return data;
  const isBatch = tool === "batch";
  switch (e.status) {
    case 0:
      return (
        "the walkindb server could not be reached or did not answer in time. Check that it is " +
        "running at the address in WALKINDB_BASE_URL; WALKINDB_TIMEOUT_MS sets the wait."
      );
    case 400:
      if (msg.startsWith("forbidden sql"))
        return "the server's sandbox refuses this construct; do not retry it, use plain SQL on your own tables instead. Nothing from this call was kept.";
      if (msg.startsWith("invalid args"))
        return "make args match the placeholders: an array for ? (one value per placeholder, in order), or an object keyed by :name without the colon. Nothing from this call was kept.";
      if (msg === "result row too large")
        return "select fewer or shorter columns (e.g. substr() or length()) so one row stays under 1 MiB.";
      if (isBatch && (msg === "invalid json" || msg === "missing sql"))
        return "the walkindb server did not take the batch: it is probably older than this walkindb-mcp. Send the entries one by one with walkindb_execute.";
      if (msg === "invalid json" || msg === "missing sql")
        return "send non-empty SQL text in `sql`.";
      if (msg.startsWith("invalid batch"))
        return `send 1 to ${MAX_BATCH_ENTRIES} entries, each an object with non-empty sql. Nothing from this call was kept.`;
      if (isBatch)
        return (
          "fix that entry's SQL and call again. " +
          (typeof e.entry === "number" && e.entry > 1
            ? `The whole batch was rolled back: ${e.entry === 2 ? "entry 1" : `entries 1 to ${e.entry - 1}`} must be sent again too. `
            : "The whole batch was rolled back. ") +
          "walkindb_schema shows the tables and columns that exist."
        );
      return (
        "fix the SQL and call again. " +
        (typeof e.statement === "number" && e.statement > 1
          ? `The whole call was rolled back: ${e.statement === 2 ? "statement 1" : `statements 1 to ${e.statement - 1}`} must be sent again too. `
          : "") +
        "walkindb_schema shows the tables and columns that exist."
      );
    case 404:
      if (msg === "not found")
        return "the server has no /sql endpoint at this address: WALKINDB_BASE_URL must be the server's root URL (e.g. http://127.0.0.1:8080).";
      return hadSession
        ? "your walk-in has expired (walk-ins are deleted 10 minutes after creation) and all its tables and data are gone. Call walkindb_reset, then create your tables again with walkindb_execute."
        : "call walkindb_reset, then try again.";
    case 408:
      return "the call ran past 2 seconds and was rolled back. Make it cheaper: add an index, bound recursive CTEs with LIMIT, or split the work into smaller calls.";
    case 413:
      if (isBatch)
        return "the batch is over 8 KB in all. Split it into several walkindb_batch calls (the walk-in keeps your tables between calls); to load many rows, walkindb_import_csv takes up to 4 MB.";
      return "the SQL is over 8 KB. Split it into several calls (the walk-in keeps your tables between calls), e.g. insert rows in batches, or load rows with walkindb_import_csv (up to 4 MB).";
    case 429:
      if (msg === "too many live instances" || msg.startsWith("new-instance"))
        return `too many walk-ins were created from this address; wait ${wait} and avoid calling walkindb_reset in a loop.`;
      return `slow down: wait ${wait} before the next call, and do more per call (several statements in one call are fine).`;
    case 503:
      return `the server is busy; wait ${wait} and call again.`;
    case 507:
      return "the walk-in's 10 MB is full; the call was rolled back. Delete or drop data you no longer need (then it fits again), or call walkindb_reset for a new empty walk-in.";
    case 500:
      return "the server hit an internal error; trying once more may work.";
    default:
      return null;
  }
}

/** The text of an error tool result: first line `walkindb error <status>: <message>`. */
export function errorText(e, hadSession, tool = "execute") {
  if (typeof e?.status !== "number" || typeof e?.error !== "string") {
    // Not an answer from the server: the SDK refused to send the call (or a bug here).
    const message = e instanceof Error ? e.message : String(e);
    return `walkindb error 0: ${message}\nnext: the call was not sent to the server; correct the arguments and call again.`;
  }
  const status = e.status;
  const message = e.error;
  const lines = [`walkindb error ${status}: ${message}`];
  if (e?.hint) lines.push(`hint: ${e.hint}`);
  if (typeof e?.entry === "number") lines.push(`failing entry: #${e.entry} of this batch (counting from 1)`);
  if (typeof e?.statement === "number")
    lines.push(`failing statement: #${e.statement} of ${typeof e?.entry === "number" ? "that entry" : "this call"} (counting from 1)`);
  if (typeof e?.retryAfter === "number") lines.push(`retry after: ${e.retryAfter} s`);
  const next = whatNext(e, hadSession, tool);
  if (next) lines.push(`next: ${next}`);
  return lines.join("\n");
}

function errorResult(e, hadSession, tool) {
  return { content: [{ type: "text", text: errorText(e, hadSession, tool) }], isError: true };
}

function newWalkinNote(expiresAtSeconds) {
  const when = isoTime(expiresAtSeconds);
  return "Note: this call created a new, empty walk-in" + (when ? `; it will be deleted at ${when} (expires_at).` : ".");
}

function kb(bytes) {
  return `${Math.ceil(bytes / 1024).toLocaleString("en-US")} KB`;
}

/** The refusal of a dump too big to read: how big, and what to do instead. */
function dumpTooBig(bytes, baseUrl) {
  const text = [
    `walkindb_dump refused: the dump is ${kb(bytes)}, more than the ${kb(DUMP_MAX_BYTES)} this tool returns`,
    "next: do not read the whole walk-in at once. Call walkindb_schema for the CREATE statements, and " +
      "walkindb_execute to read what you need: counts and sums (SELECT count(*), sum(x) ... GROUP BY), or " +
      "rows a page at a time (ORDER BY ... LIMIT 100 OFFSET n). If the user needs the whole database as a " +
      `file, tell them that the walkindb server's HTTP API serves it (GET ${baseUrl}/db?format=sql for this ` +
      `dump, GET ${baseUrl}/db for the SQLite file) to whoever holds the walk-in's session token; this tool ` +
      "does not return it whole.",
  ].join("\n");
  return { content: [{ type: "text", text }], isError: true };
}

function okResult(structured, notes = []) {
  const content = [{ type: "text", text: JSON.stringify(structured) }];
  for (const note of notes) content.push({ type: "text", text: note });
  return { content, structuredContent: structured };
}

const SCHEMA_SQL = [
  "SELECT s.type, s.name, s.tbl_name, s.sql, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk",
  "  FROM sqlite_schema AS s LEFT JOIN pragma_table_info(s.name) AS p",
  " WHERE s.type IN ('table', 'view') AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  "UNION ALL",
  "SELECT s.type, s.name, s.tbl_name, s.sql, i.seqno, i.name, NULL, NULL, NULL, NULL",
  "  FROM sqlite_schema AS s LEFT JOIN pragma_index_info(s.name) AS i",
  " WHERE s.type = 'index' AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  "UNION ALL",
  "SELECT s.type, s.name, s.tbl_name, s.sql, NULL, NULL, NULL, NULL, NULL, NULL",
  "  FROM sqlite_schema AS s",
  " WHERE s.type = 'trigger'",
  " ORDER BY 2, 5",
].join("\n");

// The same description one object at a time, for when SCHEMA_SQL fails as a whole (a view
// whose table was dropped makes pragma_table_info fail): N+1 calls instead of one.
const LIST_SQL =
  "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
const TABLE_INFO_SQL = 'SELECT cid, name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid';
const INDEX_INFO_SQL = "SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno";

async function describeOneByOne(client) {
  const list = await client.execute(LIST_SQL);
  const rows = [];
  const errors = new Map();
  let truncated = list.truncated;
  for (const [type, name, table, sql] of list.rows) {
    const head = [type, name, table, sql];
    if (type === "trigger") {
      rows.push([...head, null, null, null, null, null, null]);
      continue;
    }
    let r;
    try {
      r = await client.execute(type === "index" ? INDEX_INFO_SQL : TABLE_INFO_SQL, [name]);
    } catch (e) {
      if (e?.status !== 400) throw e;
      errors.set(name, e.error);
      rows.push([...head, null, null, null, null, null, null]);
      continue;
    }
    truncated ||= r.truncated;
    if (r.rows.length === 0) rows.push([...head, null, null, null, null, null, null]);
    for (const c of r.rows) {
      if (type === "index") rows.push([...head, c[0], c[1], null, null, null, null]);
      else rows.push([...head, ...c]);
    }
  }
  return { ...buildSchema(rows, errors), truncated };
}

/**
 * Turns the rows of SCHEMA_SQL into the walkindb_schema result (without session fields).
 * `errors` maps an object's name to why its columns could not be read.
 */
export function buildSchema(rows, errors = new Map()) {
  const objects = new Map();
  for (const [type, name, table, sql, pos, colName, colType, notnull, dflt, pk] of rows) {
    let obj = objects.get(name);
    if (!obj) {
      obj = { type, name, table, sql: sql ?? null, columns: [] };
      objects.set(name, obj);
    }
    if (pos === null || pos === undefined) continue; // LEFT JOIN without columns
    if (type === "index") obj.columns.push(colName ?? "<expression>");
    else
      obj.columns.push({
        name: String(colName),
        type: colType == null ? "" : String(colType),
        notnull: Boolean(notnull),
        default: dflt == null ? null : String(dflt),
        pk: Number(pk ?? 0),
      });
  }
  const out = { tables: [], views: [], indexes: [], triggers: [] };
  for (const o of objects.values()) {
    const problem = errors.has(o.name) ? { error: errors.get(o.name) } : {};
    if (o.type === "table") out.tables.push({ name: o.name, columns: o.columns, sql: o.sql, ...problem });
    else if (o.type === "view") out.views.push({ name: o.name, columns: o.columns, sql: o.sql, ...problem });
    else if (o.type === "index") out.indexes.push({ name: o.name, table: o.table, columns: o.columns, sql: o.sql });
    else if (o.type === "trigger") out.triggers.push({ name: o.name, table: o.table, sql: o.sql });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/**
 * Builds the MCP server around one walkindb SDK client.
 * @param {{ client: { execute(sql: string, args?: unknown): Promise<any>, batch(entries: { sql: string, args?: unknown }[]): Promise<any[]>,
 *   importCsv(table: string, csv: string, options?: { header?: boolean }): Promise<any>, exportSql(): Promise<string>,
 *   resetSession(): void, readonly baseUrl: string, readonly session: string | null, readonly expiresAt: number | null } }} options
 */
export function createWalkinMcpServer({ client }) {
  const server = new McpServer({ name: NAME, version: VERSION }, { instructions: INSTRUCTIONS });

  // Tool calls may arrive concurrently; run them one after the other so that two first calls
  // cannot create two walk-ins, and so that reset never lands in the middle of a call.
  let queue = Promise.resolve();
  const serial = (fn) => {
    const run = queue.then(fn, fn);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  // The session fields every result carries (never the whole token: the model does not need it).
  const sessionNow = () => ({ session_established: tokenPrefix(client.session), expires_at: client.expiresAt ?? null });
  // ...and, for tools that may create the walk-in, whether this call did (the session before it).
  const sessionAfter = (before) => ({
    ...sessionNow(),
    new_walkin: Boolean(client.session) && client.session !== before,
  });

  server.registerTool(
    "walkindb_execute",
    {
      title: "Run SQL in the walk-in database",
      description: EXECUTE_DESCRIPTION,
      inputSchema: executeInput,
      outputSchema: executeOutput,
      annotations: {
        title: "Run SQL in the walk-in database",
        readOnlyHint: false,
        destructiveHint: true, // DROP, DELETE and UPDATE are allowed
        idempotentHint: false, // an INSERT twice inserts twice
        openWorldHint: false, // a private database, nothing outside it
      },
    },
    ({ sql, args }) =>
      serial(async () => {
        const before = client.session;
        let r;
        try {
          r = await client.execute(sql, toSdkArgs(args));
        } catch (e) {
          return errorResult(e, Boolean(before));
        }
        const structured = {
          ...toJsonResult(r),
          ...sessionAfter(before),
        };
        const notes = [];
        if (structured.truncated)
          notes.push(
            `Note: this result is truncated: only the first ${structured.rows.length} row${structured.rows.length === 1 ? "" : "s"} came back ` +
              "(a call returns at most 10 000 rows or 1 MiB). Aggregate in SQL (COUNT, SUM, GROUP BY) " +
              "or page through the rest with ORDER BY ... LIMIT n OFFSET m.",
          );
        if (structured.new_walkin) notes.push(newWalkinNote(structured.expires_at));
        return okResult(structured, notes);
      }),
  );

  server.registerTool(
    "walkindb_batch",
    {
      title: "Run several SQL entries in one transaction",
      description: BATCH_DESCRIPTION,
      inputSchema: batchInput,
      outputSchema: batchOutput,
      annotations: {
        title: "Run several SQL entries in one transaction",
        readOnlyHint: false,
        destructiveHint: true, // any entry may DROP, DELETE or UPDATE
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ entries }) =>
      serial(async () => {
        const before = client.session;
        let results;
        try {
          results = await client.batch(
            entries.map(({ sql, args }) => (args === undefined ? { sql } : { sql, args: toSdkArgs(args) })),
          );
        } catch (e) {
          return errorResult(e, Boolean(before), "batch");
        }
        const structured = {
          results: results.map(toJsonResult),
          truncated: results.some((r) => Boolean(r.truncated)),
          ...sessionAfter(before),
        };
        const notes = [];
        if (structured.truncated) {
          const cut = structured.results.flatMap((r, i) => (r.truncated ? [i + 1] : []));
          notes.push(
            `Note: the results are truncated from entry ${cut[0]} on (entries ${cut.join(", ")} came back cut or empty): ` +
              "a call returns at most 10 000 rows or 1 MiB in all. Those entries still ran. Aggregate in SQL " +
              "(COUNT, SUM, GROUP BY), page with ORDER BY ... LIMIT n OFFSET m, or read them in separate calls.",
          );
        }
        if (structured.new_walkin) notes.push(newWalkinNote(structured.expires_at));
        return okResult(structured, notes);
      }),
  );

  server.registerTool(
    "walkindb_import_csv",
    {
      title: "Load CSV text into a table",
      description: IMPORT_CSV_DESCRIPTION,
      inputSchema: importCsvInput,
      outputSchema: importCsvOutput,
      annotations: {
        title: "Load CSV text into a table",
        readOnlyHint: false,
        destructiveHint: false, // it creates a table or appends rows; it never changes or removes any
        idempotentHint: false, // importing twice appends twice
        openWorldHint: false,
      },
    },
    ({ table, csv, header }) =>
      serial(async () => {
        const before = client.session;
        let r;
        try {
          r = await client.importCsv(table, csv, { header: header ?? true });
        } catch (e) {
          return errorResult(e, Boolean(before), "import");
        }
        const structured = {
          table: String(r.table),
          columns: [...(r.columns ?? [])].map(String),
          rows_affected: Number(r.rowsAffected ?? 0),
          ...sessionAfter(before),
        };
        const notes = [];
        if (structured.new_walkin) notes.push(newWalkinNote(structured.expires_at));
        return okResult(structured, notes);
      }),
  );

  server.registerTool(
    "walkindb_dump",
    {
      title: "Dump the walk-in as SQL",
      description: DUMP_DESCRIPTION,
      outputSchema: dumpOutput,
      annotations: {
        title: "Dump the walk-in as SQL",
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    () =>
      serial(async () => {
        if (!client.session) {
          return okResult({ sql: "", bytes: 0, session_established: null, expires_at: null }, [
            "Note: there is no walk-in yet, so there is nothing to dump. The first walkindb_execute, walkindb_batch or walkindb_import_csv call creates one.",
          ]);
        }
        let text;
        try {
          text = await client.exportSql();
        } catch (e) {
          return errorResult(e, true, "dump");
        }
        const bytes = Buffer.byteLength(text, "utf8");
        if (bytes > DUMP_MAX_BYTES) return dumpTooBig(bytes, client.baseUrl);
        return okResult({
          sql: text,
          bytes,
          ...sessionNow(),
        });
      }),
  );

  server.registerTool(
    "walkindb_schema",
    {
      title: "Describe the walk-in's tables",
      description: SCHEMA_DESCRIPTION,
      outputSchema: schemaOutput,
      annotations: {
        title: "Describe the walk-in's tables",
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    () =>
      serial(async () => {
        const session = client.session;
        if (!session) {
          const empty = {
            tables: [],
            views: [],
            indexes: [],
            triggers: [],
            truncated: false,
            session_established: null,
            expires_at: null,
          };
          return okResult(empty, [
            "Note: there is no walk-in yet, so there are no tables. The first walkindb_execute call creates one.",
          ]);
        }
        let described;
        try {
          try {
            const r = await client.execute(SCHEMA_SQL);
            described = { ...buildSchema(r.rows ?? []), truncated: Boolean(r.truncated) };
          } catch (e) {
            if (e?.status !== 400) throw e;
            described = await describeOneByOne(client);
          }
        } catch (e) {
          return errorResult(e, true);
        }
        const structured = {
          ...described,
          truncated: Boolean(described.truncated),
          ...sessionNow(),
        };
        const notes = [];
        if (structured.truncated)
          notes.push("Note: the schema is too large to list whole; it is truncated.");
        const broken = [...structured.tables, ...structured.views].filter((o) => o.error);
        if (broken.length > 0)
          notes.push(
            `Note: the columns of ${broken.map((o) => o.name).join(", ")} cannot be read (see "error"); ` +
              "such a view usually refers to a table that was dropped: drop and recreate it.",
          );
        return okResult(structured, notes);
      }),
  );

  server.registerTool(
    "walkindb_reset",
    {
      title: "Start over with a new walk-in",
      description: RESET_DESCRIPTION,
      outputSchema: resetOutput,
      annotations: {
        title: "Start over with a new walk-in",
        readOnlyHint: false,
        destructiveHint: true, // the old walk-in's data becomes unreachable
        idempotentHint: true, // a second reset changes nothing more
        openWorldHint: false,
      },
    },
    () =>
      serial(async () => {
        const previous = client.session;
        client.resetSession();
        const structured = { had_walkin: Boolean(previous), previous_session: tokenPrefix(previous) };
        return okResult(structured, [
          previous
            ? "The walk-in was dropped. The next walkindb_execute call creates a new, empty one."
            : "There was no walk-in to drop. The next walkindb_execute call creates a new, empty one.",
        ]);
      }),
  );

  return server;
}
