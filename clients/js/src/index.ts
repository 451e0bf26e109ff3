/**
 * walkindb: disposable SQLite for LLM agents. One call creates a private SQLite database
 * on a walkindb server; it is deleted ten minutes after it was created.
 *
 * @example
 * import { Client } from "walkindb";
 * const db = new Client({ baseUrl: "http://127.0.0.1:8080" });
 * await db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
 * await db.execute("INSERT INTO notes(body) VALUES (?)", ["hello"]);
 * const { columns, rows } = await db.execute("SELECT * FROM notes");
 * const [count, latest] = await db.batch(["SELECT count(*) FROM notes", ["SELECT body FROM notes WHERE id = ?", [1]]]);
 * const file = await db.export(); // the SQLite database file, as a Uint8Array
 */
export { Client, type ClientOptions } from "./client.js";
export {
  WalkinDBError,
  type WalkinDBErrorDetails,
  NetworkError,
  RateLimitError,
  UnavailableError,
  SqlError,
  StorageError,
  RateLimitedError,
  NewInstanceRateLimitedError,
  TooManyLiveInstancesError,
  InstanceRateLimitedError,
  ImportRateLimitedError,
  ServerBusyError,
  InstanceBusyError,
  ForbiddenSqlKeywordError,
  ForbiddenSqlError,
  InvalidSqlError,
  StorageQuotaExceededError,
  MissingMcpSessionError,
  UnsupportedProtocolVersionError,
  ForbiddenOriginError,
  McpSessionNotFoundError,
  LengthRequiredError,
  TooManyMcpSessionsError,
  ServerDrainingError,
  ServerStorageFullError,
  InvalidJsonError,
  MissingSqlError,
  InvalidBatchError,
  InvalidArgsError,
  DuplicateHeaderError,
  ResultRowTooLargeError,
  MissingSessionError,
  InvalidFormatError,
  InvalidTableNameError,
  InvalidCsvError,
  BadRequestError,
  NotFoundError,
  InstanceNotFoundError,
  MethodNotAllowedError,
  QueryTimeoutError,
  ImportTimeoutError,
  ExportTimeoutError,
  RequestBodyTimeoutError,
  PayloadTooLargeError,
  ImportTooLargeError,
  UnsupportedMediaTypeError,
  HeadersTooLargeError,
  InternalError,
} from "./errors.js";
export type { CsvImport, Result } from "./result.js";
export type { Args, BatchEntry } from "./args.js";
export type { CsvData, CsvImportOptions } from "./upload.js";
export { VERSION } from "./version.js";
