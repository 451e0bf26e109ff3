package com.walkindb.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Assertions on answers that the HTTP tests share: error shape, CORS, session headers, rows. */
public final class ReplyAssertions {
    /** The CORS headers every answer carries. */
    public static final Map<String, String> CORS = Map.of(
            "Access-Control-Allow-Origin", "*",
            "Access-Control-Allow-Methods", "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers", "Content-Type, X-Walkin-Session, X-Request-Id",
            "Access-Control-Expose-Headers", "X-Walkin-Session, X-Walkin-Ttl, X-Request-Id",
            "Access-Control-Max-Age", "86400");

    private ReplyAssertions() {}

    /** The answer is {@code status} with exactly {@code {"error": message, "code": ...}} (no hint, no statement). */
    public static void assertError(Reply r, int status, String message) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        JsonNode json = r.json();
        assertThat(json.path("error").asText()).isEqualTo(message);
        assertCode(json);
        assertThat(json.size()).as("fields of %s", r.body()).isEqualTo(2);
        assertJsonWithCors(r);
    }

    /** Every error carries a stable snake_case {@code code}. */
    public static String assertCode(JsonNode json) {
        assertThat(json.path("code").asText("")).as("code of %s", json).matches("[a-z][a-z0-9_]*");
        return json.path("code").asText();
    }

    /** The answer is {@code status} with {@code error} = message; hint, statement and (a batch's) entry may follow. */
    public static JsonNode assertErrorMessage(Reply r, int status, String message) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        JsonNode json = r.json();
        assertThat(json.path("error").asText()).isEqualTo(message);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isSubsetOf("error", "code", "hint", "entry", "statement");
        assertCode(json);
        assertJsonWithCors(r);
        return json;
    }

    public static void assertJsonWithCors(Reply r) {
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertCors(r);
    }

    /** The CORS headers, and the request id every answer carries too (docs/API.md, "Request ids"). */
    public static void assertCors(Reply r) {
        CORS.forEach((name, value) -> assertThat(r.header(name)).as(name).isEqualTo(value));
        assertThat(r.header("X-Request-Id")).as("X-Request-Id").matches("[A-Za-z0-9._-]{1,64}");
    }

    public static void assertNoSessionHeaders(Reply r) {
        assertThat(r.header("X-Walkin-Session")).as("X-Walkin-Session").isNull();
        assertThat(r.header("X-Walkin-Ttl")).as("X-Walkin-Ttl").isNull();
    }

    /** The rows of a 200 answer, as compact JSON text. */
    public static String rows(Reply r) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        return r.json().path("rows").toString();
    }

    public static long retryAfter(Reply r) {
        String v = r.header("Retry-After");
        assertThat(v).as("Retry-After").isNotNull().matches("[0-9]+");
        return Long.parseLong(v);
    }
}
