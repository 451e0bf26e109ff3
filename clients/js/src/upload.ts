/** What `importCsv()` takes: the CSV text, its UTF-8 bytes, or a Blob (a File, say). */
export type CsvData = string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob;

/** Options of `importCsv()`. */
export interface CsvImportOptions {
  /** True (the default) when the first line names the columns; false names them c1, c2, ... */
  header?: boolean | undefined;
}

/** `data` as a fetch body. Bytes are sent as they are, never copied unless they must be. */
export function csvBody(data: CsvData): string | Blob | ArrayBuffer | Uint8Array<ArrayBuffer> {
  if (typeof data === "string") return data;
  if (typeof Blob !== "undefined" && data instanceof Blob) return data;
  if (ArrayBuffer.isView(data)) {
    // A view on a SharedArrayBuffer is no fetch body: copy it into a plain buffer.
    if (!isArrayBuffer(data.buffer)) return new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (isArrayBuffer(data)) return data;
  throw new TypeError("walkindb: CSV data must be a string, a Uint8Array or other ArrayBufferView, an ArrayBuffer or a Blob");
}

// toString tag rather than instanceof: buffers from another realm (iframe, vm) count too.
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}
