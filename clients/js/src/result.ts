import { decodeBase64 } from "./base64.js";

/** What a successful call returns. */
export interface Result {
  /** Column names of the last statement that had columns; `[]` when none had. */
  columns: string[];
  /**
   * Rows of that statement, values in column order: `number` (INTEGER or REAL),
   * `string`, `null`, or `Uint8Array` for BLOBs. INTEGERs beyond ±2^53 lose precision,
   * as every JSON number does in JavaScript: `CAST(x AS TEXT)` them to keep all digits.
   */
  rows: unknown[][];
  /** Rows inserted, updated or deleted directly by the call's statements. */
  rowsAffected: number;
  /** True when the server cut the rows (10 000 rows or about 1 MiB of them). */
  truncated: boolean;
}

/** What `importCsv()` resolves to. */
export interface CsvImport {
  /** The table the rows went into. */
  table: string;
  /** Its columns that the CSV filled, in the CSV's order (`c1`, `c2`, ... without a header line). */
  columns: string[];
  /** How many rows were inserted. */
  rowsAffected: number;
}

/** A batch answer `{"results": [...]}` as one Result per entry. */
export function toResults(body: unknown): Result[] {
  const results = isObject(body) ? body.results : undefined;
  if (!Array.isArray(results)) throw new TypeError("response has no results array");
  return results.map(toResult);
}

/** The answer to a CSV import. */
export function toCsvImport(body: unknown): CsvImport {
  if (!isObject(body) || typeof body.table !== "string" || !Array.isArray(body.columns)) {
    throw new TypeError("response has no table or columns");
  }
  return {
    table: body.table,
    columns: body.columns as string[],
    rowsAffected: typeof body.rows_affected === "number" ? body.rows_affected : 0,
  };
}

function isObject(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === "object" && !Array.isArray(body);
}

/** Turns the server's JSON body into a Result, BLOBs (`{"base64": ...}`) into Uint8Array. */
export function toResult(body: unknown): Result {
  if (!isObject(body)) throw new TypeError("response body is not a JSON object");
  const raw = body;
  const columns = Array.isArray(raw.columns) ? (raw.columns as string[]) : [];
  const rows = Array.isArray(raw.rows) ? (raw.rows as unknown[]) : [];
  for (const row of rows) {
    if (!Array.isArray(row)) throw new TypeError("response row is not an array");
    for (let i = 0; i < row.length; i++) {
      const cell: unknown = row[i];
      if (isBlob(cell)) row[i] = decodeBase64(cell.base64);
    }
  }
  return {
    columns,
    rows: rows as unknown[][],
    rowsAffected: typeof raw.rows_affected === "number" ? raw.rows_affected : 0,
    truncated: raw.truncated === true,
  };
}

// The server writes no other objects into rows, so any {"base64": string} is a BLOB.
function isBlob(cell: unknown): cell is { base64: string } {
  return (
    cell !== null &&
    typeof cell === "object" &&
    typeof (cell as { base64?: unknown }).base64 === "string"
  );
}
