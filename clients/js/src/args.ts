import { encodeBase64 } from "./base64.js";

/**
 * Bound parameters for a call. An array binds positional parameters (`?`, `?NNN`) across
 * the call's statements in order; a plain object binds named ones (`{ name: 1 }` binds
 * `:name`, `@name` and `$name`).
 *
 * Values: `null`/`undefined` → NULL; `boolean` → 1/0; `number` → INTEGER when whole,
 * else REAL (JSON cannot mark `2.0` as real: use `CAST(? AS REAL)` if that matters);
 * `bigint` → INTEGER, exact over the whole int64 range; `string` → TEXT;
 * `Uint8Array`, `ArrayBuffer` or any other `ArrayBufferView` → BLOB (its bytes).
 */
export type Args = readonly unknown[] | { readonly [name: string]: unknown };

/**
 * One entry of a `batch()`: SQL text (one or more statements), an `{ sql, args }` object,
 * or a `[sql, args]` pair. `args` as for `execute()`.
 */
export type BatchEntry =
  | string
  | { readonly sql: string; readonly args?: Args | null | undefined }
  | readonly [sql: string, args?: Args | null | undefined];

/** The JSON text of a POST /sql body. Written by hand so that bigints stay exact. */
export function requestBody(sql: string, args: Args | null | undefined): string {
  if (typeof sql !== "string") throw new TypeError("walkindb: sql must be a string");
  return `{${callFields(sql, args)}}`;
}

/** The JSON text of a batch call: `{"batch":[{"sql":...,"args":...},...]}`. */
export function batchBody(entries: readonly BatchEntry[]): string {
  if (!Array.isArray(entries)) {
    throw new TypeError("walkindb: batch() takes an array of entries");
  }
  const list = entries as readonly unknown[];
  const parts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const [sql, args] = batchEntry(list[i], i + 1);
    parts.push(`{${callFields(sql, args, `entry ${i + 1} `)}}`);
  }
  return `{"batch":[${parts.join(",")}]}`;
}

function batchEntry(entry: unknown, number: number): [string, Args | null | undefined] {
  if (typeof entry === "string") return [entry, undefined];
  if (Array.isArray(entry) && entry.length >= 1 && entry.length <= 2 && typeof entry[0] === "string") {
    return [entry[0], entry[1] as Args | null | undefined];
  }
  if (isPlainObject(entry) && typeof entry.sql === "string" && Object.keys(entry).every((k) => k === "sql" || k === "args")) {
    return [entry.sql, entry.args as Args | null | undefined];
  }
  throw new TypeError(
    `walkindb: batch entry ${number} must be a SQL string, an { sql, args } object or a [sql, args] pair`,
  );
}

function callFields(sql: string, args: Args | null | undefined, where = ""): string {
  let fields = `"sql":${JSON.stringify(sql)}`;
  if (args !== undefined && args !== null) fields += `,"args":${encodeArgs(args, where)}`;
  return fields;
}

function encodeArgs(args: Args, where: string): string {
  if (Array.isArray(args)) {
    const list = args as readonly unknown[];
    const parts: string[] = [];
    // An index loop, not map(): map skips holes and would produce invalid JSON.
    for (let i = 0; i < list.length; i++) parts.push(encodeValue(list[i], `${where}args[${i}]`));
    return `[${parts.join(",")}]`;
  }
  if (isPlainObject(args)) {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(args)) {
      parts.push(`${JSON.stringify(name)}:${encodeValue(value, `${where}args.${name}`)}`);
    }
    return `{${parts.join(",")}}`;
  }
  throw new TypeError(
    `walkindb: ${where}args must be an array (positional parameters) or a plain object (named parameters)`,
  );
}

function encodeValue(value: unknown, where: string): string {
  switch (typeof value) {
    case "undefined":
      return "null";
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`walkindb: cannot bind ${value} (${where}): not a finite number`);
      }
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      const bytes = asBytes(value);
      if (bytes) return `{"base64":"${encodeBase64(bytes)}"}`;
      break;
    }
  }
  const kind =
    typeof value === "object" || typeof value === "function"
      ? ((value as object).constructor?.name ?? "object")
      : typeof value;
  throw new TypeError(
    `walkindb: cannot bind a ${kind} (${where}): use null, boolean, number, bigint, string or Uint8Array`,
  );
}

function asBytes(value: object): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  // toString tag rather than instanceof: buffers from another realm (iframe, vm) count too.
  if (Object.prototype.toString.call(value) === "[object ArrayBuffer]") {
    return new Uint8Array(value as ArrayBuffer);
  }
  return null;
}

function isPlainObject(value: unknown): value is { readonly [name: string]: unknown } {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
