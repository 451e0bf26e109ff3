package com.walkindb.server.http;

import com.walkindb.server.call.BatchRequest;
import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.CallRequest;
import com.walkindb.server.call.CallResult;
import com.walkindb.server.call.Caller;
import com.walkindb.server.call.Outcome;
import com.walkindb.server.call.Session;
import com.walkindb.server.config.Limits;
import com.walkindb.server.json.StrictText;
import com.walkindb.server.ratelimit.ClientAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * POST /sql over HTTP: who is calling, step 3 of the order of checks of docs/API.md (headers,
 * media type, body size and JSON), and the answer. Every other step is the {@link CallCore}'s.
 */
final class SqlEndpoint {
    static final String SESSION_HEADER = "X-Walkin-Session";
    static final String TTL_HEADER = "X-Walkin-Ttl";

    /** Step 3's verdict: the call (or batch) to run, or the error that ends the request here. */
    private record BodyRead(CallRequest call, BatchRequest batch, ApiError error) {
        static BodyRead refused(ApiError error) {
            return new BodyRead(null, null, error);
        }
    }

    private final CallCore core;
    private final ClientAddress clients;
    private final Limits limits;
    private final BodyParser parser;
    private final Outcomes outcomes;
    private final ApiError payloadTooLarge;

    SqlEndpoint(CallCore core, ClientAddress clients, Limits limits) {
        this.core = core;
        this.clients = clients;
        this.limits = limits;
        this.parser = new BodyParser(limits);
        this.outcomes = new Outcomes(limits);
        this.payloadTooLarge = ApiError.payloadTooLarge(limits);
    }

    void handle(Request request, Response response, Callback callback, Exchange ex) throws InterruptedException {
        Caller caller = caller(request, ex);
        Optional<CallResult> refusal = core.admit(caller);
        ex.metered = refusal.isEmpty(); // its access-log line is then paid for by the request budget
        if (refusal.isPresent()) {
            answer(refusal.get(), response, callback, ex);
            return;
        }
        BodyRead read = readCall(request, ex);
        if (read.error() != null) {
            fail(read.error(), response, callback, ex);
            return;
        }
        String token = request.getHeaders().get(SESSION_HEADER);
        CallResult result = read.batch() != null ? core.runBatch(caller, token, read.batch())
                : core.run(caller, token, read.call());
        answer(result, response, callback, ex);
    }

    /** The caller behind the peer (a trusted proxy's X-Forwarded-For names it), for the limits and the log. */
    private Caller caller(Request request, Exchange ex) {
        InetSocketAddress peer = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
        ClientAddress.Client client = clients.resolve(peer.getAddress(),
                request.getHeaders().getValuesList("X-Forwarded-For"));
        ex.sourceIp = client.address(); // the full address, for the access log and meta.json
        ex.clientKey = client.key();    // what the per-client limits count (IPv6: its network)
        return new Caller(client.address(), client.key());
    }

    /** Step 3: repeated headers, media type, size, JSON, a {@code sql} string (a batch's shape is the core's). */
    private BodyRead readCall(Request request, Exchange ex) {
        String repeated = RepeatedHeaders.find(request.getHeaders());
        if (repeated != null) {
            return BodyRead.refused(ApiError.duplicateHeader(repeated));
        }
        if (!RequestBody.isJson(request)) {
            return BodyRead.refused(ApiError.UNSUPPORTED_MEDIA_TYPE);
        }
        byte[] bytes;
        try {
            bytes = RequestBody.read(request, limits);
        } catch (RequestBody.TooSlow e) {
            return BodyRead.refused(ApiError.BODY_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            // The HTTP layer gave up on the body (malformed chunking, the client went away).
            int code = e instanceof HttpException he ? he.getCode()
                    : e.getCause() instanceof HttpException he ? he.getCode() : 400;
            return BodyRead.refused(code == 408 ? ApiError.BODY_TIMEOUT : ApiError.BAD_REQUEST);
        }
        if (bytes == null) {
            return BodyRead.refused(payloadTooLarge); // the rest stays unread: bodyRead stays false
        }
        ex.bodyRead = true;
        BodyParser.Body body;
        try {
            body = parser.read(bytes);
        } catch (BodyParser.InvalidJson e) {
            return BodyRead.refused(ApiError.INVALID_JSON);
        }
        if (body.batch() != null) {
            BatchRequest batch = new BatchRequest(body.batch());
            ex.sqlBytes = batch.sqlBytes();
            return new BodyRead(null, batch, null);
        }
        if (body.sql() == null) {
            return BodyRead.refused(ApiError.MISSING_SQL);
        }
        ex.sqlBytes = StrictText.utf8Length(body.sql());
        return new BodyRead(new CallRequest(body.sql(), body.argsPresent(), body.args()), null, null);
    }

    private void answer(CallResult result, Response response, Callback callback, Exchange ex) {
        Session session = result.session();
        if (session != null) {
            ex.instanceId = session.walkinId().toString();
            if (session.created()) {
                // Every answer to the call that made the walk-in carries it, errors included.
                response.getHeaders().put(SESSION_HEADER, session.newToken());
                response.getHeaders().put(TTL_HEADER, session.expiresAt().getEpochSecond());
            }
        }
        if (result.outcome() instanceof Outcome.Answered answered) {
            var answer = answered.answer();
            // The answer holds its share of the heap until Jetty has written it (or given up).
            Callback done = answer.holdsMemory() ? Callback.from(callback, answer::release) : callback;
            Responses.json(response, 200, answer.body(), done);
        } else {
            fail(outcomes.error(result.outcome()), response, callback, ex);
        }
    }

    private static void fail(ApiError error, Response response, Callback callback, Exchange ex) {
        if (!ex.bodyRead) {
            Responses.closeConnection(response);
        }
        Responses.error(response, error, callback);
    }
}
