package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server process: SIGTERM lets the call in flight finish, then exits cleanly. */
class ShutdownTest {
    @TempDir Path data;

    @Test
    void sigtermLetsTheCallInFlightFinishAndLeavesNoWalFiles() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("WALKINDB_ADDR", "127.0.0.1:0");
        pb.environment().put("WALKINDB_DATA_DIR", data.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String url = null;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher m = Pattern.compile("walkindb listening on (http://\\S+)").matcher(line);
                if (m.find()) {
                    url = m.group(1);
                    break;
                }
            }
            assertThat(url).as("start-up line").isNotNull();
            HttpClient http = HttpClient.newHttpClient();
            // About a second of work: long enough to be in flight when the signal arrives.
            String body = "{\"sql\": \"CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3); "
                    + "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1500000) SELECT count(*) FROM c\"}";
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(url + "/sql")).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            p.destroy(); // SIGTERM
            HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 408);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("process exits").isTrue();
            assertThat(p.exitValue()).isIn(0, 143);
            try (Stream<Path> files = Files.walk(data.resolve("instances"))) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .noneMatch(n -> n.endsWith("-wal") || n.endsWith("-shm") || n.endsWith("-journal"));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
