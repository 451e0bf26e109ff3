package com.walkindb.server.http;

import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.CallResult;
import com.walkindb.server.call.Caller;
import com.walkindb.server.call.DataCalls;
import com.walkindb.server.dataio.DataFiles;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.dataio.Spool;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.sql.CallOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * GET /db (docs/API.md): the walk-in as a SQLite file or as an SQL dump. The snapshot is written
 * where the walk-in's SQL runs, under its gate, into the walk-in's directory; still under the
 * gate this process opens it and unlinks it, then streams it from the open file with its
 * Content-Length, 64 KiB at a time. So the file is complete or absent, never torn (the sweeper
 * deletes only under the gate), and it is gone from the directory on every path; its space
 * returns when the answer ends, written or abandoned.
 */
final class ExportEndpoint {
    private static final int COPY_BUFFER = 64 * 1024;

    private final CallCore core;
    private final DataCalls data;
    private final DataAnswers answers;
    private final Outcomes outcomes;

    ExportEndpoint(CallCore core, DataCalls data, DataAnswers answers, Outcomes outcomes) {
        this.core = core;
        this.data = data;
        this.answers = answers;
        this.outcomes = outcomes;
    }

    void handle(Request request, Response response, Callback callback, Exchange ex) throws InterruptedException {
        Caller caller = answers.caller(request, ex);
        Optional<CallResult> refusal = core.admit(caller);
        ex.metered = refusal.isEmpty();
        if (refusal.isPresent()) {
            Responses.error(response, outcomes.error(refusal.get().outcome()), callback);
            return;
        }
        String repeated = RepeatedHeaders.find(request.getHeaders());
        if (repeated != null) {
            Responses.error(response, ApiError.duplicateHeader(repeated), callback);
            return;
        }
        String token = request.getHeaders().get(SqlEndpoint.SESSION_HEADER);
        if (token == null || token.isEmpty()) {
            Responses.error(response, ApiError.MISSING_SESSION, callback);
            return;
        }
        Boolean sql = format(request);
        if (sql == null) {
            Responses.error(response, ApiError.INVALID_FORMAT, callback);
            return;
        }
        DataCalls.Reach reach = data.reach(caller, token);
        DataAnswers.session(reach.session(), response, ex);
        if (reach.stopped() != null) {
            Responses.error(response, outcomes.error(reach.stopped().outcome()), callback);
            return;
        }
        if (data.storageFull()) {
            Responses.error(response, ApiError.serverStorageFull(), callback); // no room for a copy
            return;
        }
        FileChannel[] snapshot = new FileChannel[1];
        Walkins.Attempt attempt = data.run(reach.session(), (dir, job) -> {
            CallOutcome outcome = job.run(new DataJob.Export(sql));
            Path file = DataFiles.exportFile(dir, sql);
            try {
                if (outcome instanceof CallOutcome.Success) {
                    snapshot[0] = FileChannel.open(file, StandardOpenOption.READ);
                }
            } finally {
                Spool.deleteQuietly(file); // open or not, it leaves the directory under the gate
            }
            return outcome;
        });
        ApiError error = DataAnswers.refusal(attempt);
        if (error == null) {
            error = answers.error(((Walkins.Attempt.Ran) attempt).outcome(), true);
        }
        if (error != null) {
            closeQuietly(snapshot[0]);
            Responses.error(response, error, callback);
            return;
        }
        stream(snapshot[0], sql, reach.session().walkinId().toString(), response, callback);
    }

    /** {@code format}: absent or {@code sqlite} → false, {@code sql} → true, anything else null. */
    private static Boolean format(Request request) {
        Fields query;
        try {
            query = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            return null; // not decodable
        }
        Fields.Field f = query.get("format");
        if (f == null) {
            return false;
        }
        if (f.getValues().size() != 1) {
            return null;
        }
        return switch (f.getValue()) {
            case "sqlite" -> false;
            case "sql" -> true;
            default -> null;
        };
    }

    private static void stream(FileChannel file, boolean sql, String walkinId, Response response,
                               Callback callback) {
        try (FileChannel in = file) {
            long size = in.size();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE,
                    sql ? "application/sql; charset=utf-8" : "application/vnd.sqlite3");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"walkin-"
                    + walkinId.substring(0, 8) + (sql ? ".sql" : ".sqlite") + "\"");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
            ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
            long left = size;
            while (left > 0) {
                buf.clear();
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("snapshot ended " + left + " bytes early");
                }
                left -= n;
                buf.flip();
                Content.Sink.write(response, left == 0, buf); // blocks this virtual thread, not a carrier
            }
            if (size == 0) {
                Content.Sink.write(response, true, ByteBuffer.allocate(0));
            }
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e); // the client went away: the open file goes with it
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
