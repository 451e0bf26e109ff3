package com.walkindb.server.http;

import com.walkindb.server.call.Caller;
import com.walkindb.server.call.Session;
import com.walkindb.server.config.DataIo;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.sql.CallOutcome;
import java.net.InetSocketAddress;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** What GET /db and POST /import share with POST /sql: the caller, the session headers, the errors. */
final class DataAnswers {
    private final ClientAddress clients;
    private final DataIo dataIo;

    DataAnswers(ClientAddress clients, DataIo dataIo) {
        this.clients = clients;
        this.dataIo = dataIo;
    }

    /** The caller behind the peer, as POST /sql resolves it. */
    Caller caller(Request request, Exchange ex) {
        InetSocketAddress peer = (InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress();
        ClientAddress.Client client = clients.resolve(peer.getAddress(),
                request.getHeaders().getValuesList("X-Forwarded-For"));
        ex.sourceIp = client.address();
        ex.clientKey = client.key();
        return new Caller(client.address(), client.key());
    }

    /** The walk-in reached: logged, and, when this request made it, named in every answer from here on. */
    static void session(Session session, Response response, Exchange ex) {
        if (session == null) {
            return;
        }
        ex.instanceId = session.walkinId().toString();
        if (session.created()) {
            response.getHeaders().put(SqlEndpoint.SESSION_HEADER, session.newToken());
            response.getHeaders().put(SqlEndpoint.TTL_HEADER, session.expiresAt().getEpochSecond());
        }
    }

    /** Step 6's refusals; null when the job ran (its outcome is then the answer's). */
    static ApiError refusal(Walkins.Attempt attempt) {
        return switch (attempt) {
            case Walkins.Attempt.Busy b -> ApiError.instanceBusy();
            case Walkins.Attempt.NoSlot n -> ApiError.serverBusy();
            case Walkins.Attempt.Ran r -> null;
        };
    }

    /** A job's failure as the error table words it; null for a success. */
    ApiError error(CallOutcome outcome, boolean export) {
        return switch (outcome) {
            case CallOutcome.Success s -> null;
            case CallOutcome.InvalidSql e -> ApiError.invalidSql(e.message(), e.hint(), e.statement());
            case CallOutcome.Forbidden f -> ApiError.forbiddenSql(f.what(), f.statement());
            case CallOutcome.InvalidArgs a -> ApiError.invalidArgs(a.why());
            case CallOutcome.RowTooLarge r -> ApiError.rowTooLarge(r.statement());
            case CallOutcome.Timeout t -> ApiError.dataTimeout(dataIo, export);
            case CallOutcome.StorageFull f -> ApiError.STORAGE_FULL;
            case CallOutcome.ServerStorageFull f -> ApiError.serverStorageFull();
            case CallOutcome.OutOfMemory m -> ApiError.serverBusy();
            case CallOutcome.WorkerLost w -> ApiError.serverBusy();
            case CallOutcome.InstanceGone g -> ApiError.INSTANCE_NOT_FOUND;
            case CallOutcome.InvalidInput i -> ApiError.of(400, i.code(), i.message());
            case CallOutcome.InEntry e -> error(e.failure(), export); // a batch's; a job has no entries
        };
    }
}
