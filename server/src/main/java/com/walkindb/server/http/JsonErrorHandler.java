package com.walkindb.server.http;

import com.walkindb.server.config.Limits;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (headers too large, malformed HTTP, an exception the handler let
 * escape) come out as the same JSON shape, with CORS and an {@code X-Request-Id}, as everything else.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private final ApiError payloadTooLarge;

    public JsonErrorHandler(Limits limits) {
        this.payloadTooLarge = ApiError.payloadTooLarge(limits);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        ApiError error = switch (code) {
            case 431 -> ApiError.HEADERS_TOO_LARGE;
            case 413 -> payloadTooLarge;
            case 404 -> ApiError.NOT_FOUND;
            case 500 -> ApiError.INTERNAL;
            case 400 -> ApiError.BAD_REQUEST;
            default -> ApiError.fromHttpStatus(code, HttpStatus.getMessage(code).toLowerCase(java.util.Locale.ROOT));
        };
        response.getHeaders().put(RequestIds.fieldFor(request, response));
        Responses.cors(response);
        response.getHeaders().put(Responses.JSON_TYPE);
        byte[] body = Responses.errorBody(error);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
