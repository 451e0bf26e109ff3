// walkindb-mcp: the MCP tools over one walkindb SDK client.
//
// This module builds the MCP server; cli.js wires it to stdio. It takes the client
// as a parameter so that one process (one MCP session) holds exactly one client,
// and with it one walk-in, for its whole life.
//
// The tools' names, descriptions, schemas and annotations, the advice of error results
// and the notes of results live in ../tools.json: the walkindb server's own POST /mcp
// serves the same file, so the two cannot drift apart.

import { readFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

/** tools.json, next to src/ in the checkout and next to dist/ in the npm package. */
export const TOOLS = JSON.parse(readFileSync(new URL("../tools.json", import.meta.url), "utf8"));

export const NAME = TOOLS.server.name;
export const VERSION = TOOLS.server.version;
/** Above this many bytes walkindb_dump refuses: see its description and the README for why. */
export const DUMP_MAX_BYTES = TOOLS.dumpMaxBytes;
export const MAX_BATCH_ENTRIES = TOOLS.maxBatchEntries;

/** Fills {name} placeholders of a tools.json text. */
function fill(template, values = {}) {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

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

/** "statement 1" / "statements 1 to 3": what came before the failing one. */
function earlier(kind, failing) {
  return failing === 2 ? TOOLS.rolledBack.one[kind] : fill(TOOLS.rolledBack.many[kind], { last: failing - 1 });
}

/** What a failed call undid, when it is more than the failing statement. */
function rolledBack(e, tool) {
  const text = TOOLS.rolledBack;
  if (tool === "batch") {
    return typeof e.entry === "number" && e.entry > 1 ? fill(text.entries, { earlier: earlier("entries", e.entry) }) : text.batch;
  }
  return typeof e.statement === "number" && e.statement > 1
    ? fill(text.statements, { earlier: earlier("statements", e.statement) })
    : "";
}

/**
 * The `next:` advice for an error, chosen by the error body's `code` (tools.json "advice"),
 * by its status when the code is unknown; null when there is none. A variant per tool
 * ("batch", "import", "dump") when the advice differs; for instance_not_found, "expired"
 * when this conversation held a walk-in.
 */
export function advice(e, hadSession, tool = "execute") {
  const code = typeof e.code === "string" ? e.code : e.status === 0 ? "network_error" : undefined;
  let entry = (code !== undefined ? TOOLS.advice[code] : undefined) ?? TOOLS.adviceByStatus[String(e.status)];
  if (entry === undefined) return null;
  if (typeof entry === "object") {
    const variant = code === "instance_not_found" ? (hadSession ? "expired" : "default") : tool;
    entry = entry[variant] ?? entry.default;
  }
  const wait = typeof e.retryAfter === "number" ? `${e.retryAfter} s` : TOOLS.defaultWait;
  return fill(entry, { wait, max_entries: MAX_BATCH_ENTRIES, rolled_back: rolledBack(e, tool) });
}

/** The text of an error tool result: first line `walkindb error <status>: <message>`. */
export function errorText(e, hadSession, tool = "execute") {
  if (typeof e?.status !== "number" || typeof e?.error !== "string") {
    // Not an answer from the server: the SDK refused to send the call (or a bug here).
    const message = e instanceof Error ? e.message : String(e);
    return `walkindb error 0: ${message}\nnext: ${TOOLS.advice.not_sent}`;
  }
  const lines = [`walkindb error ${e.status}: ${e.error}`];
  if (e.hint) lines.push(`hint: ${e.hint}`);
  if (typeof e.entry === "number") lines.push(`failing entry: #${e.entry} of this batch (counting from 1)`);
  if (typeof e.statement === "number")
    lines.push(`failing statement: #${e.statement} of ${typeof e.entry === "number" ? "that entry" : "this call"} (counting from 1)`);
  if (typeof e.retryAfter === "number") lines.push(`retry after: ${e.retryAfter} s`);
  const next = advice(e, hadSession, tool);
  if (next) lines.push(`next: ${next}`);
  return lines.join("\n");
}

function newWalkinNote(expiresAtSeconds) {
  const when = isoTime(expiresAtSeconds);
  return when ? fill(TOOLS.texts.newWalkin, { when }) : TOOLS.texts.newWalkinNoTime;
}

function kb(bytes) {
  return `${Math.ceil(bytes / 1024).toLocaleString("en-US")} KB`;
}

/** The refusal of a dump too big to read: how big, and what to do instead. */
function dumpTooBig(bytes, baseUrl) {
  const text = fill(TOOLS.texts.dumpTooBig, { size: kb(bytes), max: kb(DUMP_MAX_BYTES), base_url: baseUrl });
  return { content: [{ type: "text", text }], isError: true };
}

function okResult(structured, notes = []) {
  const content = [{ type: "text", text: JSON.stringify(structured) }];
  for (const note of notes) content.push({ type: "text", text: note });
  return { content, structuredContent: structured };
}

const { all: SCHEMA_SQL, list: LIST_SQL, tableInfo: TABLE_INFO_SQL, indexInfo: INDEX_INFO_SQL } = TOOLS.schemaSql;

// LIST_SQL and the per-object queries describe the walk-in one object at a time, for when
// SCHEMA_SQL fails as a whole (a view whose table was dropped makes pragma_table_info fail):
// N+1 calls instead of one.
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
  const server = new Server(
    { name: NAME, version: VERSION },
    { capabilities: TOOLS.capabilities, instructions: TOOLS.instructions },
  );

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
  // An error result. When the walk-in this conversation held is gone (expired), it is dropped
  // here, so that the next call starts a fresh one, as the advice says.
  const failure = (e, before, tool) => {
    const hadSession = Boolean(before);
    if (hadSession && e?.code === "instance_not_found" && client.session === before) client.resetSession();
    return { content: [{ type: "text", text: errorText(e, hadSession, tool) }], isError: true };
  };

  const tools = {
    walkindb_execute: ({ sql, args }) =>
      serial(async () => {
        const before = client.session;
        let r;
        try {
          r = await client.execute(sql, toSdkArgs(args));
        } catch (e) {
          return failure(e, before, "execute");
        }
        const structured = {
          ...toJsonResult(r),
          ...sessionAfter(before),
        };
        const notes = [];
        if (structured.truncated) {
          const n = structured.rows.length;
          notes.push(fill(TOOLS.texts.truncatedExecute, { rows: `${n} row${n === 1 ? "" : "s"}` }));
        }
        if (structured.new_walkin) notes.push(newWalkinNote(structured.expires_at));
        return okResult(structured, notes);
      }),

    walkindb_batch: ({ entries }) =>
      serial(async () => {
        const before = client.session;
        let results;
        try {
          results = await client.batch(
            entries.map(({ sql, args }) => (args === undefined ? { sql } : { sql, args: toSdkArgs(args) })),
          );
        } catch (e) {
          return failure(e, before, "batch");
        }
        const structured = {
          results: results.map(toJsonResult),
          truncated: results.some((r) => Boolean(r.truncated)),
          ...sessionAfter(before),
        };
        const notes = [];
        if (structured.truncated) {
          const cut = structured.results.flatMap((r, i) => (r.truncated ? [i + 1] : []));
          notes.push(fill(TOOLS.texts.truncatedBatch, { first: cut[0], list: cut.join(", ") }));
        }
        if (structured.new_walkin) notes.push(newWalkinNote(structured.expires_at));
        return okResult(structured, notes);
      }),

    walkindb_import_csv: ({ table, csv, header }) =>
      serial(async () => {
        const before = client.session;
        let r;
        try {
          r = await client.importCsv(table, csv, { header: header ?? true });
        } catch (e) {
          return failure(e, before, "import");
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

    walkindb_dump: () =>
      serial(async () => {
        const before = client.session;
        if (!before) {
          return okResult({ sql: "", bytes: 0, session_established: null, expires_at: null }, [TOOLS.texts.dumpNoWalkin]);
        }
        let text;
        try {
          text = await client.exportSql();
        } catch (e) {
          return failure(e, before, "dump");
        }
        const bytes = Buffer.byteLength(text, "utf8");
        if (bytes > DUMP_MAX_BYTES) return dumpTooBig(bytes, client.baseUrl);
        return okResult({
          sql: text,
          bytes,
          ...sessionNow(),
        });
      }),

    walkindb_schema: () =>
      serial(async () => {
        const before = client.session;
        if (!before) {
          const empty = {
            tables: [],
            views: [],
            indexes: [],
            triggers: [],
            truncated: false,
            session_established: null,
            expires_at: null,
          };
          return okResult(empty, [TOOLS.texts.schemaNoWalkin]);
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
          return failure(e, before, "schema");
        }
        const structured = {
          ...described,
          truncated: Boolean(described.truncated),
          ...sessionNow(),
        };
        const notes = [];
        if (structured.truncated) notes.push(TOOLS.texts.schemaTruncated);
        const broken = [...structured.tables, ...structured.views].filter((o) => o.error);
        if (broken.length > 0) notes.push(fill(TOOLS.texts.schemaBroken, { names: broken.map((o) => o.name).join(", ") }));
        return okResult(structured, notes);
      }),

    walkindb_reset: () =>
      serial(async () => {
        const previous = client.session;
        client.resetSession();
        const structured = { had_walkin: Boolean(previous), previous_session: tokenPrefix(previous) };
        return okResult(structured, [previous ? TOOLS.texts.resetHad : TOOLS.texts.resetNone]);
      }),
  };

  // Each tool's arguments are checked against its inputSchema before the tool runs; a
  // mismatch is a tool error the model can correct, not a protocol error.
  const validator = new AjvJsonSchemaValidator();
  const inputChecks = new Map(TOOLS.tools.map((t) => [t.name, validator.getValidator(t.inputSchema)]));
  for (const name of inputChecks.keys()) if (!tools[name]) throw new Error(`tools.json names ${name}, which has no handler`);

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS.tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name } = request.params;
    const check = inputChecks.get(name);
    if (!check) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    const args = request.params.arguments ?? {};
    const verdict = check(args);
    if (!verdict.valid) {
      const text = `Input validation error: Invalid arguments for tool ${name}: ${verdict.errorMessage}`;
      return { content: [{ type: "text", text }], isError: true };
    }
    return tools[name](args);
  });

  return server;
}
