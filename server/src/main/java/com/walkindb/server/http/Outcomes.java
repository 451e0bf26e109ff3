package com.walkindb.server.http;

import com.walkindb.server.sql.CallOutcome;

/** The one place where an executor outcome becomes an HTTP answer (docs/API.md, errors). */
final class Outcomes {
    private Outcomes() {}

    /** Null for success (the body is in the outcome), else the error. */
    static ApiError error(CallOutcome outcome) {
        return switch (outcome) {
            case CallOutcome.Success s -> null;
            case CallOutcome.InvalidSql e -> ApiError.invalidSql(e.message(), e.hint(), e.statement());
            case CallOutcome.Forbidden f -> ApiError.forbiddenSql(f.what(), f.statement());
            case CallOutcome.InvalidArgs a -> ApiError.invalidArgs(a.why());
            case CallOutcome.RowTooLarge r -> ApiError.rowTooLarge(r.statement());
            case CallOutcome.Timeout t -> ApiError.TIMEOUT;
            case CallOutcome.StorageFull f -> ApiError.STORAGE_FULL;
            case CallOutcome.ServerStorageFull f -> ApiError.serverStorageFull();
            case CallOutcome.OutOfMemory m -> ApiError.serverBusy();
            case CallOutcome.InstanceGone g -> ApiError.INSTANCE_NOT_FOUND;
        };
    }
}
