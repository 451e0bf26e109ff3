package com.walkindb.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SchemaCheck against the tools' own inputSchemas from tools.json, and tools.json's advice by code. */
class SchemaCheckTest {
    private static final McpTools TOOLS = McpTools.load();

    private static Map<String, Object> input(String tool) {
        return McpTools.map(TOOLS.tool(tool).get("inputSchema"));
    }

    @Test
    void toolsJsonUsesOnlyTheKeywordsSchemaCheckUnderstands() {
        Set<String> used = new HashSet<>();
        for (Object t : TOOLS.tools()) {
            collect(McpTools.map(t).get("inputSchema"), used);
        }
        assertThat(used).isNotEmpty();
        assertThat(SchemaCheck.KEYWORDS).containsAll(used);
    }

    private static void collect(Object schema, Set<String> keys) {
        if (schema instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                keys.add((String) e.getKey());
                if (e.getKey().equals("properties")) {
                    ((Map<?, ?>) e.getValue()).values().forEach(v -> collect(v, keys));
                } else {
                    collect(e.getValue(), keys);
                }
            }
        } else if (schema instanceof List<?> l) {
            l.forEach(v -> collect(v, keys));
        }
    }

    @Test
    void executeArguments() {
        Map<String, Object> s = input("walkindb_execute");
        assertThat(SchemaCheck.problem(s, Map.of("sql", "SELECT 1"))).isNull();
        assertThat(SchemaCheck.problem(s, Map.of("sql", "SELECT ?", "args", List.of(1L, "x", Map.of("base64", "/0E="))))).isNull();
        assertThat(SchemaCheck.problem(s, Map.of("sql", "SELECT :a", "args", Map.of("a", 1.5)))).isNull();
        assertThat(SchemaCheck.problem(s, Map.of())).isEqualTo("sql: is required");
        assertThat(SchemaCheck.problem(s, Map.of("sql", ""))).isEqualTo("sql: must have at least 1 character");
        assertThat(SchemaCheck.problem(s, Map.of("sql", 1L))).isEqualTo("sql: expected string, received number");
        assertThat(SchemaCheck.problem(s, Map.of("sql", "x", "args", List.of(Map.of("base64", "not base64!")))))
                .startsWith("args").contains("base64");
        assertThat(SchemaCheck.problem(s, Map.of("sql", "x", "args", List.of(Map.of("base64", "QQ==\n")))))
                .as("$ is the end of the text, as in JSON Schema").isNotNull();
        assertThat(SchemaCheck.problem(s, Map.of("sql", "x", "args", List.of(Map.of("base64", "QQ==", "x", 1L)))))
                .isNotNull();
    }

    @Test
    void batchAndImportArguments() {
        Map<String, Object> batch = input("walkindb_batch");
        assertThat(SchemaCheck.problem(batch, Map.of("entries", List.of(Map.of("sql", "SELECT 1"))))).isNull();
        assertThat(SchemaCheck.problem(batch, Map.of("entries", List.of()))).isEqualTo("entries: must have at least 1 item");
        assertThat(SchemaCheck.problem(batch, Map.of("entries", List.of(Map.of("sql", "x", "extra", 1L)))))
                .isEqualTo("entries[0].extra: is not a known field");
        Map<String, Object> imp = input("walkindb_import_csv");
        assertThat(SchemaCheck.problem(imp, Map.of("table", "people", "csv", "a\n1\n"))).isNull();
        assertThat(SchemaCheck.problem(imp, Map.of("table", "SQLite_x", "csv", "a\n"))).startsWith("table: does not match");
        assertThat(SchemaCheck.problem(imp, Map.of("table", "t", "csv", "a", "header", "yes")))
                .isEqualTo("header: expected boolean, received string");
    }

    @Test
    void adviceIsChosenByCode() {
        assertThat(TOOLS.advice("rate_limited", 429, 7, 0, 0, true, "execute"))
                .isEqualTo("slow down: wait 7 s before the next call, and do more per call (several statements in one call are fine).");
        assertThat(TOOLS.advice("invalid_sql", 400, 0, 3, 0, true, "execute"))
                .startsWith("fix the SQL and call again. The whole call was rolled back: statements 1 to 2 must be sent again too. ");
        assertThat(TOOLS.advice("invalid_sql", 400, 0, 1, 2, true, "batch"))
                .startsWith("fix that entry's SQL and call again. The whole batch was rolled back: entry 1 must be sent again too. ");
        assertThat(TOOLS.advice("instance_not_found", 404, 0, 0, 0, true, "execute")).startsWith("your walk-in has expired");
        assertThat(TOOLS.advice("instance_not_found", 404, 0, 0, 0, false, "execute")).startsWith("call walkindb_reset");
        assertThat(TOOLS.advice("some_future_code", 503, 0, 0, 0, true, "execute"))
                .as("an unknown code: by status").isEqualTo("the server is busy; wait a few seconds and call again.");
        assertThat(TOOLS.advice("some_future_code", 418, 0, 0, 0, true, "execute")).isNull();
    }
}
