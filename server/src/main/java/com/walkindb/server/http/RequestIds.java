package com.walkindb.server.http;

import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Gives every answer an {@code X-Request-Id} (docs/API.md, "Request ids"): the caller's own, when
 * it is 1 to 64 characters of {@code [A-Za-z0-9._-]}, else 16 fresh hex digits. The server log's
 * lines about a request carry it, so a caller's report can be matched to them; the access log
 * does not (its fields are fixed, docs/SECURITY.md). Outermost handler: the admin listener's
 * answers and those of a server that is stopping carry one too; {@link JsonErrorHandler} gives
 * one to the errors Jetty answers before any handler runs.
 */
public final class RequestIds extends Handler.Wrapper {
    public static final String HEADER = "X-Request-Id";
    static final int MAX_LENGTH = 64;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public RequestIds(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        tag(request.getHeaders(), response.getHeaders());
        return super.handle(request, response, callback);
    }

    /**
     * Adds the answer's id to its fresh headers. A field built without Jetty's header-name lookup,
     * and added rather than put (nothing to replace yet): about a third less work per answer.
     */
    static void tag(HttpFields requestHeaders, HttpFields.Mutable answerHeaders) {
        answerHeaders.add(new HttpField(null, HEADER, choose(requestHeaders.get(HEADER))));
    }

    /** The id this answer carries (null before {@link #handle} ran, e.g. in an error Jetty answers itself). */
    static String of(Response response) {
        return response.getHeaders().get(HEADER);
    }

    /** The id for an answer: the caller's {@code given} when well-formed, else a new one. */
    static String choose(String given) {
        return wellFormed(given) ? given : generate();
    }

    /** 1 to 64 characters, each a letter, digit, '.', '_' or '-': safe in a log line and a header alike. */
    static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * 64 random bits as 16 hex digits. Not a secret and not a counter (a counter would tell any
     * caller how busy the server is): {@link ThreadLocalRandom} costs nanoseconds and no lock.
     */
    static String generate() {
        long bits = ThreadLocalRandom.current().nextLong();
        byte[] out = new byte[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** For {@link JsonErrorHandler}: the id already chosen for this answer, else one from the request. */
    static HttpField fieldFor(Request request, Response response) {
        String chosen = of(response);
        return new HttpField(HEADER, chosen != null ? chosen
                : choose(request == null ? null : request.getHeaders().get(HEADER)));
    }
}
