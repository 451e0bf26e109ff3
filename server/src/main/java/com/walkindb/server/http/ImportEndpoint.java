package com.walkindb.server.http;

import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.CallResult;
import com.walkindb.server.call.Caller;
import com.walkindb.server.call.DataCalls;
import com.walkindb.server.config.DataIo;
import com.walkindb.server.config.Limits;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.dataio.Spool;
import com.walkindb.server.dataio.TableName;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.Verdict;
import com.walkindb.server.sql.CallOutcome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /import (docs/API.md): a CSV file into a table, or an SQL script, into the session's
 * walk-in or a new one. The body streams into a spool file under the cap, the minimum data
 * rate and the caller's upload budget; only then is the walk-in reached (or made). Under the
 * walk-in's gate the file moves into the walk-in's directory, the job runs where SQL runs, and
 * the file is deleted, whatever happened.
 */
final class ImportEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ImportEndpoint.class);
    /** The upload budget counts KiB ({@link DataIo#importBudgetKiBPerMinute()}). */
    private static final int BUDGET_UNIT = 1024;

    private final CallCore core;
    private final DataCalls data;
    private final DataAnswers answers;
    private final Outcomes outcomes;
    private final Limits limits;
    private final DataIo dataIo;
    private final KeyedBudgets<ClientKey> uploads;
    private final Spool spool;

    ImportEndpoint(CallCore core, DataCalls data, DataAnswers answers, Outcomes outcomes, Limits limits, DataIo dataIo,
                   KeyedBudgets<ClientKey> uploads, Spool spool) {
        this.core = core;
        this.data = data;
        this.answers = answers;
        this.outcomes = outcomes;
        this.limits = limits;
        this.dataIo = dataIo;
        this.uploads = uploads;
        this.spool = spool;
    }

    void handle(Request request, Response response, Callback callback, Exchange ex) throws InterruptedException {
        Caller caller = answers.caller(request, ex);
        Optional<CallResult> refusal = core.admit(caller);
        ex.metered = refusal.isEmpty();
        if (refusal.isPresent()) {
            refuseUnread(outcomes.error(refusal.get().outcome()), request, response, callback, ex);
            return;
        }
        Path upload = null;
        try {
            Object job = job(request);
            if (job instanceof ApiError error) {
                refuseUnread(error, request, response, callback, ex);
                return;
            }
            long declared = request.getLength();
            if (declared > dataIo.maxImportBytes()) {
                refuseUnread(ApiError.importTooLarge(dataIo), request, response, callback, ex);
                return;
            }
            if (data.storageFull()) {
                refuseUnread(ApiError.serverStorageFull(), request, response, callback, ex); // before any budget is charged
                return;
            }
            if (declared > 0) {
                Verdict v = uploads.tryConsume(caller.key(), units(declared));
                if (!v.allowed()) {
                    refuseUnread(ApiError.importRateLimited(v.retryAfterSeconds()), request, response, callback, ex);
                    return;
                }
            }
            try {
                upload = spool.newFile();
            } catch (IOException e) {
                LOG.warn("cannot make a spool file: {}", e.toString());
                refuseUnread(ApiError.serverStorageFull(), request, response, callback, ex);
                return;
            }
            ApiError spooled = receive(request, upload, declared < 0, caller);
            if (spooled != null) {
                fail(spooled, response, callback, ex); // UploadBody read on past a cap or budget refusal itself
                return;
            }
            ex.bodyRead = true;
            answer(caller, request.getHeaders().get(SqlEndpoint.SESSION_HEADER), (DataJob) job, upload, response,
                    callback, ex);
        } finally {
            Spool.deleteQuietly(upload); // moved into the walk-in by now, or refused: either way gone
        }
    }

    /** Step 3 for the headers and the query: the job, or the ApiError that refuses it. */
    private static Object job(Request request) {
        String repeated = RepeatedHeaders.find(request.getHeaders());
        if (repeated != null) {
            return ApiError.duplicateHeader(repeated);
        }
        String media = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (media == null) {
            return ApiError.IMPORT_MEDIA_TYPE;
        }
        if (media.equals("application/sql")) {
            return new DataJob.ImportSql();
        }
        Fields query;
        try {
            query = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            return ApiError.BAD_REQUEST;
        }
        Fields.Field table = query.get("table");
        if (table == null || table.getValues().size() != 1 || !TableName.isValid(table.getValue())) {
            return ApiError.INVALID_TABLE_NAME;
        }
        Fields.Field header = query.get("header");
        if (header != null && (header.getValues().size() != 1
                || !(header.getValue().equals("true") || header.getValue().equals("false")))) {
            return ApiError.invalidCsv("header must be true or false");
        }
        return new DataJob.ImportCsv(table.getValue(), header == null || header.getValue().equals("true"));
    }

    /** text/csv or application/sql, with no charset or utf-8; null for anything else. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("text/csv") && !type.equals("application/sql")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return null;
                }
            }
        }
        return type;
    }

    /** Streams the body into {@code upload}; null when it is all there, else the refusal. */
    private ApiError receive(Request request, Path upload, boolean chunked, Caller caller) {
        long[] unbilled = {0};
        UploadBody.Meter meter = !chunked ? bytes -> true : bytes -> {
            // Chunked: charged as it arrives, a KiB at a time.
            unbilled[0] += bytes;
            long whole = unbilled[0] / BUDGET_UNIT;
            if (whole == 0) {
                return true;
            }
            unbilled[0] -= whole * BUDGET_UNIT;
            return uploads.tryConsume(caller.key(), whole).allowed();
        };
        try (FileChannel out = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            return switch (UploadBody.copy(request, out, dataIo.maxImportBytes(), limits, meter)) {
                case DONE -> null;
                case TOO_LARGE -> ApiError.importTooLarge(dataIo);
                case OVER_BUDGET -> ApiError.importRateLimited(60);
            };
        } catch (RequestBody.TooSlow e) {
            return ApiError.BODY_TIMEOUT;
        } catch (UploadBody.WriteFailed e) {
            LOG.warn("cannot spool an upload: {}", e.getCause().toString());
            return ApiError.serverStorageFull(); // the volume refused it (or is failing): nothing was taken
        } catch (IOException | RuntimeException e) {
            // The HTTP layer gave up on the body (malformed chunking, the client went away).
            int code = e instanceof HttpException he ? he.getCode()
                    : e.getCause() instanceof HttpException he ? he.getCode() : 400;
            return code == 408 ? ApiError.BODY_TIMEOUT : ApiError.BAD_REQUEST;
        }
    }

    private static long units(long bytes) {
        return (bytes + BUDGET_UNIT - 1) / BUDGET_UNIT;
    }

    /** Steps 5 to 7 with the upload on disk. */
    private void answer(Caller caller, String token, DataJob job, Path upload, Response response, Callback callback,
                        Exchange ex) throws InterruptedException {
        DataCalls.Reach reach = data.reach(caller, token);
        DataAnswers.session(reach.session(), response, ex);
        if (reach.stopped() != null) {
            fail(outcomes.error(reach.stopped().outcome()), response, callback, ex);
            return;
        }
        Walkins.Attempt attempt = data.run(reach.session(), (dir, run) -> {
            Path moved = null;
            try {
                moved = Spool.moveInto(upload, dir);
                return run.run(job);
            } finally {
                Spool.deleteQuietly(moved);
            }
        });
        ApiError error = DataAnswers.refusal(attempt);
        if (error != null) {
            fail(error, response, callback, ex);
            return;
        }
        CallOutcome outcome = ((Walkins.Attempt.Ran) attempt).outcome();
        error = answers.error(outcome, false);
        if (error != null) {
            fail(error, response, callback, ex);
            return;
        }
        CallOutcome.Success s = (CallOutcome.Success) outcome;
        Responses.json(response, 200, s.body(), s.answerMemory() > 0
                ? Callback.from(callback, () -> s.release().accept(s.answerMemory())) : callback);
    }

    /**
     * A refusal before the body was read: what the client sends is read on and dropped first (up
     * to the cap and a MiB more, see {@link RequestBody#drain}), so that it can read the refusal.
     * Not when it asked to hear first (Expect: 100-continue): reading would ask it for the body.
     */
    private void refuseUnread(ApiError error, Request request, Response response, Callback callback, Exchange ex) {
        if (!HttpHeaderValue.CONTINUE.is(request.getHeaders().get(HttpHeader.EXPECT))) {
            RequestBody.drain(request, limits, dataIo.maxImportBytes() + RequestBody.DRAIN_BYTES);
        }
        fail(error, response, callback, ex);
    }

    private static void fail(ApiError error, Response response, Callback callback, Exchange ex) {
        if (!ex.bodyRead) {
            Responses.closeConnection(response);
        }
        Responses.error(response, error, callback);
    }
}
