package com.walkindb.server.http;

import com.walkindb.server.instance.Instance;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.LiveInstances;
import com.walkindb.server.ratelimit.Verdict;
import com.walkindb.server.session.SessionTokens;
import com.walkindb.server.session.UuidV7;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.filter.FilterVerdict;
import com.walkindb.server.sql.filter.KeywordFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * POST /sql: the order of checks of docs/API.md, one step per method. Each step either lets the
 * request through or ends it with an {@link ApiError}; no later step runs after a failure.
 */
final class SqlEndpoint {
    static final String SESSION_HEADER = "X-Walkin-Session";
    static final String TTL_HEADER = "X-Walkin-Ttl";


    /** A step's failure: ends the request with its error. */
    private static final class Stop extends Exception {
        final ApiError error;

        Stop(ApiError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    private final EndpointParts p;

    SqlEndpoint(EndpointParts parts) {
        this.p = parts;
    }

    void handle(Request request, Response response, Callback callback, Exchange ex) throws Exception {
        // Step 2: the in-flight limit first, then the caller's request budget.
        if (p.inFlight().isFull()) {
            Responses.closeConnection(response);
            Responses.error(response, ApiError.serverBusy(), callback);
            return;
        }
        CallOutcome.Success answer = null;
        ApiError error = null;
        try {
            answer = run(request, response, ex);
        } catch (Stop stop) {
            error = stop.error;
            if (!ex.bodyRead) {
                Responses.closeConnection(response);
            }
        }
        if (error == null) {
            long share = answer.answerMemory();
            // The answer holds its share of the heap until Jetty has written it (or given up).
            Callback done = share == 0 ? callback : Callback.from(callback, () -> p.answerMemory().release(share));
            Responses.json(response, 200, answer.body(), done);
        } else {
            Responses.error(response, error, callback);
        }
    }

    private CallOutcome.Success run(Request request, Response response, Exchange ex)
            throws Stop, IOException, InterruptedException {
        requestBudget(request, ex);
        SqlRequest call = readCall(request, ex);
        Target target = session(request, response, ex);
        return execute(target.id(), target.created(), call);
    }

    private void requestBudget(Request request, Exchange ex) throws Stop {
        InetSocketAddress peer = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
        ClientAddress.Client client = p.clientAddress().resolve(peer.getAddress(),
                request.getHeaders().getValuesList("X-Forwarded-For"));
        ex.sourceIp = client.address(); // the full address, for the access log and meta.json
        ex.clientKey = client.key();    // what the per-client limits count (IPv6: its network)
        Verdict verdict = p.ipRequests().tryConsume(ex.clientKey);
        ex.metered = verdict.allowed(); // its access-log line is then paid for by the request budget
        refuseUnless(verdict, ApiError::rateLimited);
    }

    /** Step 3 and 4: repeated headers, media type, size, JSON, sql, args, keyword pre-filter. */
    private SqlRequest readCall(Request request, Exchange ex) throws Stop, IOException {
        String repeated = RepeatedHeaders.find(request.getHeaders());
        if (repeated != null) {
            throw new Stop(ApiError.duplicateHeader(repeated));
        }
        if (!RequestBody.isJson(request)) {
            throw new Stop(ApiError.UNSUPPORTED_MEDIA_TYPE);
        }
        byte[] bytes = readBody(request);
        if (bytes == null) {
            throw new Stop(ApiError.PAYLOAD_TOO_LARGE); // the rest stays unread: bodyRead stays false
        }
        ex.bodyRead = true;
        BodyParser.Body body;
        try {
            body = BodyParser.parse(bytes);
        } catch (BodyParser.InvalidJson e) {
            throw new Stop(ApiError.INVALID_JSON);
        }
        String sql = body.sql();
        if (sql == null) {
            throw new Stop(ApiError.MISSING_SQL);
        }
        ex.sqlBytes = sql.getBytes(StandardCharsets.UTF_8).length;
        FilterVerdict verdict = KeywordFilter.check(sql);
        if (verdict instanceof FilterVerdict.NoStatement) {
            throw new Stop(ApiError.MISSING_SQL);
        }
        CallArgs args;
        try {
            args = ArgsReader.read(body.argsPresent(), body.args());
        } catch (ArgsReader.InvalidArgs e) {
            throw new Stop(ApiError.invalidArgs(e.getMessage()));
        }
        if (verdict instanceof FilterVerdict.Forbidden f) {
            throw new Stop(ApiError.forbiddenKeyword(f.keyword()));
        }
        return new SqlRequest(sql, args);
    }

    /**
     * The body, null when over the cap. A body too slow (under the minimum rate, or idle) is 408;
     * one the HTTP layer gave up on otherwise (malformed chunking, the client went away) ends the
     * request with the HTTP layer's own status.
     */
    private static byte[] readBody(Request request) throws Stop {
        try {
            return RequestBody.read(request);
        } catch (RequestBody.TooSlow e) {
            throw new Stop(ApiError.BODY_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            int code = e instanceof org.eclipse.jetty.http.HttpException he ? he.getCode()
                    : e.getCause() instanceof org.eclipse.jetty.http.HttpException he ? he.getCode() : 400;
            throw new Stop(code == 408 ? ApiError.BODY_TIMEOUT : ApiError.BAD_REQUEST);
        }
    }

    /** The walk-in a call runs on, and whether this call provisioned it. */
    private record Target(UUID id, boolean created) {}

    /** Step 5: the caller's walk-in, or a new one. */
    private Target session(Request request, Response response, Exchange ex) throws Stop, IOException {
        String token = request.getHeaders().get(SESSION_HEADER);
        if (token != null && !token.isEmpty()) {
            Optional<UUID> id = p.tokens().verify(token);
            if (id.isEmpty() || p.store().findLive(id.get()).isEmpty()) {
                throw new Stop(ApiError.INSTANCE_NOT_FOUND);
            }
            ex.instanceId = id.get().toString();
            refuseUnless(p.instanceRequests().tryConsume(id.get()), ApiError::instanceRateLimited);
            return new Target(id.get(), false);
        }
        if (p.store().disk().tripped()) {
            throw new Stop(ApiError.serverStorageFull()); // before any budget is charged
        }
        refuseUnless(p.ipCreations().tryConsume(ex.clientKey), ApiError::newInstanceRateLimited);
        UUID id = p.uuids().next();
        long expiresMillis = Instance.createdMillis(id) + p.ttl().toMillis();
        refuseUnless(p.live().tryReserve(ex.clientKey, expiresMillis), ApiError::tooManyLiveInstances);
        Instance instance;
        try {
            instance = p.store().create(id, ex.sourceIp);
        } catch (IOException | RuntimeException e) {
            p.live().cancel(ex.clientKey, expiresMillis);
            if (e instanceof IOException && p.store().disk().nearlyFullNow()) {
                throw new Stop(ApiError.serverStorageFull()); // the store removed what it had made
            }
            throw e;
        }
        // From here on every answer carries the session, so the caller can keep the walk-in.
        response.getHeaders().put(SESSION_HEADER, p.tokens().issue(id));
        response.getHeaders().put(TTL_HEADER, instance.expiresAt().getEpochSecond());
        ex.instanceId = id.toString();
        return new Target(id, true);
    }

    /** Steps 6 and 7: the walk-in's gate, then the call itself; an in-flight slot is held meanwhile. */
    private CallOutcome.Success execute(UUID id, boolean created, SqlRequest call) throws Stop, InterruptedException {
        if (!p.inFlight().tryEnter()) {
            throw new Stop(ApiError.serverBusy());
        }
        Walkins.Attempt attempt;
        try {
            attempt = p.walkins().run(id, created, call.sql(), call.args());
        } finally {
            // Before the answer goes out: a caller that has its answer must find its slot free.
            p.inFlight().exit();
        }
        return switch (attempt) {
            case Walkins.Attempt.Busy b -> throw new Stop(ApiError.instanceBusy());
            case Walkins.Attempt.NoSlot n -> throw new Stop(ApiError.serverBusy());
            case Walkins.Attempt.Ran ran -> {
                ApiError error = Outcomes.error(ran.outcome());
                if (error != null) {
                    throw new Stop(error);
                }
                yield (CallOutcome.Success) ran.outcome();
            }
        };
    }

    private static void refuseUnless(Verdict verdict, java.util.function.LongFunction<ApiError> refusal) throws Stop {
        if (!verdict.allowed()) {
            throw new Stop(refusal.apply(verdict.retryAfterSeconds()));
        }
    }

}
