package com.walkindb.server.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.walkindb.server.testing.Await;
import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/SECURITY.md, access log: exactly seven fields, daily files, never SQL, args, results or tokens. */
class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void linesHaveExactlyTheSevenFieldsAndNoSecrets() throws Exception {
        try (TestServer s = TestServer.start(Map.of())) {
            Reply created = s.http().sql("CREATE TABLE secretive(col_xyzzy TEXT); INSERT INTO secretive VALUES (?)",
                    List.of("arg-plugh"), null);
            assertThat(created.status()).isEqualTo(200);
            Reply read = s.http().sql("SELECT col_xyzzy FROM secretive", null, created.session());
            assertThat(read.body()).contains("arg-plugh");
            s.http().get("/healthz");
            s.http().sql("SELECT nope FROM nowhere", null, created.session());

            Path file = s.dataDir().resolve("logs").resolve("access-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            List<String> lines = waitForLines(file, 4);
            String all = String.join("\n", lines);
            assertThat(all).doesNotContain("secretive", "col_xyzzy", "arg-plugh", "nowhere", created.session(),
                    created.session().substring(4, 30));

            List<JsonNode> entries = new ArrayList<>();
            for (String line : lines) {
                entries.add(JSON.readTree(line));
            }
            String instanceId = entries.get(0).get("instance_id").asText();
            for (JsonNode e : entries) {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                if (e.has("instance_id")) {
                    assertThat(names).containsExactlyElementsOf(AccessLog.FIELDS);
                } else {
                    assertThat(names).containsExactlyElementsOf(AccessLog.FIELDS.stream()
                            .filter(f -> !f.equals("instance_id")).toList());
                }
            }
            // The schema lock: adding or removing a field must fail here, not only in review.
            assertThat(AccessLog.FIELDS).containsExactly("timestamp", "source_ip", "instance_id", "http_method",
                    "http_status", "sql_byte_length", "user_agent");

            JsonNode first = entries.get(0);
            assertThat(first.get("source_ip").asText()).isEqualTo("127.0.0.1");
            assertThat(first.get("http_method").asText()).isEqualTo("POST");
            assertThat(first.get("http_status").asInt()).isEqualTo(200);
            assertThat(first.get("sql_byte_length").asInt())
                    .isEqualTo("CREATE TABLE secretive(col_xyzzy TEXT); INSERT INTO secretive VALUES (?)".length());
            assertThat(first.get("user_agent").asText()).startsWith("Java-http-client");
            assertThat(entries.get(1).get("instance_id").asText()).isEqualTo(instanceId);
            JsonNode health = entries.get(2);
            assertThat(health.has("instance_id")).isFalse();
            assertThat(health.get("sql_byte_length").asInt()).isZero();
            assertThat(entries.get(3).get("http_status").asInt()).isEqualTo(400);
        }
    }

    /** The log is written in the background: its lines once there are {@code n}. */
    private static List<String> waitForLines(Path file, int n) throws Exception {
        Await.until("access log " + file + " to get " + n + " lines", Duration.ofSeconds(20),
                () -> Files.exists(file) && Files.readAllLines(file).size() >= n);
        return Files.readAllLines(file);
    }
}
