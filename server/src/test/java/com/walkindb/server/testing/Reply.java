package com.walkindb.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpHeaders;

/**
 * One HTTP answer as tests read it: status, headers, raw body, how long it took to come back
 * (milliseconds from the send to the whole body), and the body as JSON.
 */
public record Reply(int status, HttpHeaders headers, String body, long millis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + status + "): " + clip(body), e);
        }
    }

    /** The {@code error} field, or null on a success body. */
    public String error() {
        return json().path("error").asText(null);
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The {@code X-Walkin-Session} header, or null. */
    public String session() {
        return header("X-Walkin-Session");
    }

    /** The {@code rows} of a success body (a missing node otherwise). */
    public JsonNode rows() {
        return json().path("rows");
    }

    /** Short enough for a failure message: a long body is clipped. */
    @Override
    public String toString() {
        return status + " in " + millis + " ms: " + clip(body);
    }

    /** {@code s}, cut at 300 characters (its length said) so failure messages stay readable. */
    public static String clip(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }
}
