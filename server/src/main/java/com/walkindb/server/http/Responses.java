package com.walkindb.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.walkindb.server.json.JsonFactories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes answers: the CORS headers every response carries, JSON bodies, and {@link ApiError}s. */
final class Responses {
    private static final JsonFactory JSON = JsonFactories.plain();
    static final HttpField JSON_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField[] CORS = {
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, X-Walkin-Session, X-Request-Id"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Walkin-Session, X-Walkin-Ttl, X-Request-Id"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400"),
    };

    /** /mcp's own CORS headers: its methods, and the session and revision headers a page may send and read. */
    private static final HttpField[] MCP_CORS = {
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST, DELETE, OPTIONS"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
                    "Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, X-Request-Id"),
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Mcp-Session-Id, X-Request-Id"),
    };

    private Responses() {}

    static void mcpCors(Response response) {
        var headers = response.getHeaders();
        for (HttpField f : MCP_CORS) {
            headers.put(f);
        }
    }

    static void cors(Response response) {
        var headers = response.getHeaders();
        for (HttpField f : CORS) {
            headers.put(f);
        }
    }

    /**
     * For an answer given before the request's body was read (or by a route that never reads
     * one): the body is left in the connection, Jetty may then close it, and without a word a
     * keep-alive client's next request would find it dead. Say so: the client opens a new
     * connection. (Reading the body first is no answer: a client may send it only after the answer.)
     */
    static void closeConnection(Response response) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }

    /** Whether the request announces a body (a length above zero, or chunks). */
    static boolean hasBody(Request request) {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0
                || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    static void json(Response response, int status, byte[] body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(JSON_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    static void error(Response response, ApiError error, Callback callback) {
        response.getRequest().setAttribute(ApiError.ATTRIBUTE, error); // the one place errors are counted from
        if (error.retryAfter() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, error.retryAfter());
        }
        if (error.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, error.allow());
        }
        json(response, error.status(), errorBody(error), callback);
    }

    static byte[] errorBody(ApiError error) {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", error.message());
            g.writeStringField("code", error.code());
            if (error.hint() != null) {
                g.writeStringField("hint", error.hint());
            }
            if (error.entry() > 0) {
                g.writeNumberField("entry", error.entry());
            }
            if (error.statement() > 0) {
                g.writeNumberField("statement", error.statement());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
