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

/** Turns the server's JSON body into a Result, BLOBs (`{"base64": ...}`) into Uint8Array. */
export function toResult(body: unknown): Result {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new TypeError("response body is not a JSON object");
  }
  const raw = body as Record<string, unknown>;
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
