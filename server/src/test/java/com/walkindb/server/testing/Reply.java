package com.walkindb.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpHeaders;

/** An HTTP answer as tests read it: status, headers, raw body, and the body as JSON. */
public record Reply(int status, HttpHeaders headers, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + status + "): " + body, e);
        }
    }

    public String error() {
        return json().path("error").asText(null);
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public String session() {
        return header("X-Walkin-Session");
    }
}
