package com.walkindb.server.admin;

import com.walkindb.server.drain.Drain;
import com.walkindb.server.metrics.Metrics;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends requests that came in on the admin connector to the operator's routes, and every other
 * request to the public handler: one Jetty server, two listeners, and no way for a request on
 * the public port to reach {@code /status}, {@code /metrics} or {@code /drain}.
 */
public final class AdminHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final byte[] NOT_FOUND = "{\"error\":\"not found\",\"code\":\"not_found\"}"
            .getBytes(StandardCharsets.US_ASCII);

    private final Connector admin;
    private final StatusReport status;
    private final Metrics metrics;
    private final Drain drain;

    /** {@code metrics}: null when WALKINDB_METRICS=off (then /metrics is 404). */
    public AdminHandler(Handler publicHandler, Connector admin, StatusReport status, Metrics metrics, Drain drain) {
        super(publicHandler);
        this.admin = admin;
        this.status = status;
        this.metrics = metrics;
        this.drain = drain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != admin) {
            return super.handle(request, response, callback);
        }
        String path = request.getHttpURI().getPath();
        boolean get = "GET".equals(request.getMethod());
        if (get && metrics != null && "/metrics".equals(path)) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Metrics.CONTENT_TYPE);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(metrics.scrape()), callback);
            return true;
        }
        if ("/drain".equals(path) && ("POST".equals(request.getMethod()) || "DELETE".equals(request.getMethod()))) {
            // POST starts draining, DELETE ends it; both answer the state, and repeating either changes nothing.
            if ("POST".equals(request.getMethod())) {
                Instant since = drain.start();
                LOG.warn("draining: GET /healthz answers 503 and no new walk-in is created here (since {}); "
                        + "walk-ins held are served until they expire", since);
            } else if (drain.draining()) {
                drain.stop();
                LOG.info("draining ended: new walk-ins are created here again");
            }
            Instant since = drain.since();
            String body = since == null ? "{\"draining\":false}"
                    : "{\"draining\":true,\"since\":\"" + since + "\"}";
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)), callback);
            return true;
        }
        boolean found = get && "/status".equals(path);
        byte[] body = found ? status.render() : NOT_FOUND;
        response.setStatus(found ? 200 : 404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
