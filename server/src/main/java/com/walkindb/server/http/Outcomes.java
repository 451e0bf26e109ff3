package com.walkindb.server.http;

import com.walkindb.server.call.Outcome;
import com.walkindb.server.config.Limits;

/** The one place where a call's {@link Outcome} becomes an HTTP error (docs/API.md, errors). */
final class Outcomes {
    private final ApiError timeout;

    Outcomes(Limits limits) {
        this.timeout = ApiError.timeout(limits);
    }

    /**
     * The error row for every outcome but {@link Outcome.Answered} (which has no error: null). An
     * {@link Outcome.InternalError} rethrows its cause, for the handler to log and answer 500.
     */
    ApiError error(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Answered a -> null;
            case Outcome.Refused r -> switch (r.budget()) {
                case REQUESTS -> ApiError.rateLimited(r.retryAfterSeconds());
                case WALKIN_REQUESTS -> ApiError.instanceRateLimited(r.retryAfterSeconds());
                case NEW_WALKINS -> ApiError.newInstanceRateLimited(r.retryAfterSeconds());
                case LIVE_WALKINS -> ApiError.tooManyLiveInstances(r.retryAfterSeconds());
            };
            case Outcome.ServerBusy b -> ApiError.serverBusy();
            case Outcome.WalkinBusy b -> ApiError.instanceBusy();
            case Outcome.ServerStorageFull f -> ApiError.serverStorageFull();
            case Outcome.ServerDraining d -> ApiError.serverDraining();
            case Outcome.WalkinNotFound n -> ApiError.INSTANCE_NOT_FOUND;
            case Outcome.MissingSql m -> ApiError.MISSING_SQL;
            case Outcome.InvalidArgs a -> ApiError.invalidArgs(a.why());
            case Outcome.InvalidBatch b -> ApiError.invalidBatch(b.why());
            case Outcome.InEntry e -> error(e.failure()).inEntry(e.entry());
            case Outcome.ForbiddenKeyword f -> ApiError.forbiddenKeyword(f.keyword());
            case Outcome.InvalidSql e -> ApiError.invalidSql(e.message(), e.hint(), e.statement());
            case Outcome.ForbiddenSql f -> ApiError.forbiddenSql(f.what(), f.statement());
            case Outcome.RowTooLarge r -> ApiError.rowTooLarge(r.statement());
            case Outcome.Timeout t -> timeout;
            case Outcome.StorageQuotaExceeded q -> ApiError.STORAGE_FULL;
            case Outcome.InternalError e -> throw e.cause();
        };
    }
}
