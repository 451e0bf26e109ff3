package com.walkindb.server.admin;

import com.walkindb.server.metrics.Metrics;
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
 * the public port to reach {@code /status} or {@code /metrics}.
 */
public final class AdminHandler extends Handler.Wrapper {
    private static final byte[] NOT_FOUND = "{\"error\":\"not found\",\"code\":\"not_found\"}"
            .getBytes(StandardCharsets.US_ASCII);

    private final Connector admin;
    private final StatusReport status;
    private final Metrics metrics;

    /** {@code metrics}: null when WALKINDB_METRICS=off (then /metrics is 404). */
    public AdminHandler(Handler publicHandler, Connector admin, StatusReport status, Metrics metrics) {
        super(publicHandler);
        this.admin = admin;
        this.status = status;
        this.metrics = metrics;
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
        boolean found = get && "/status".equals(path);
        byte[] body = found ? status.render() : NOT_FOUND;
        response.setStatus(found ? 200 : 404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
