package com.walkindb.server.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpHeaders;

/** One HTTP answer as the abuse cases read it: status, headers, body, and how long it took. */
record Answer(int status, HttpHeaders headers, String body, long millis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + status + "): " + clip(body), e);
        }
    }

    /** The {@code error} field, or null on a success body. */
    String error() {
        return json().path("error").asText(null);
    }

    String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    String session() {
        return header("X-Walkin-Session");
    }

    JsonNode rows() {
        return json().path("rows");
    }

    @Override
    public String toString() {
        return status + " in " + millis + " ms: " + clip(body);
    }

    static String clip(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }
}
