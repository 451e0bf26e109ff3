package com.walkindb.server.config;

import java.time.Duration;

/**
 * The bounds of POST /import and GET /db (docs/API.md, "Import" and "Export").
 *
 * @param maxImportBytes            WALKINDB_IMPORT_MAX_MB: an upload over it is refused (413), by
 *                                  Content-Length at once or while it streams in
 * @param importBudgetBytesPerMinute WALKINDB_IMPORT_BUDGET_MB: upload bytes per client per minute (429)
 * @param timeout                   WALKINDB_IMPORT_TIMEOUT_S: the deadline of one import or export
 *                                  inside SQLite (408, rolled back)
 */
public record DataIo(long maxImportBytes, long importBudgetBytesPerMinute, Duration timeout) {
    public static final DataIo DEFAULTS = new DataIo(4L << 20, 20L << 20, Duration.ofSeconds(10));

    /** The upload budget in the unit its buckets count (KiB), so that gigabytes still fit an int. */
    public int importBudgetKiBPerMinute() {
        return (int) Math.min(Integer.MAX_VALUE, importBudgetBytesPerMinute / 1024);
    }

    /** The cap as the error message says it: "4 MB". */
    public String maxImportText() {
        return maxImportBytes % (1 << 20) == 0 ? (maxImportBytes >> 20) + " MB" : maxImportBytes + " bytes";
    }
}
