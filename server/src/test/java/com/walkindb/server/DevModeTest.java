package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.DevProfile;
import com.walkindb.server.testing.ChildJvm;
import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walkindb --dev} (README, "Quickstart"): the real server, started as the launcher starts
 * it, lifts the per-client limits (more new walk-ins in a minute than production's 10), says so
 * in a banner, in its start-up line and in /status, and keeps the TTL as set.
 */
class DevModeTest {
    private static final int PRODUCTION_CREATIONS_PER_MINUTE = 10;

    @TempDir
    Path data;

    @Test
    void devLiftsTheLimitsAndSaysSoEverywhere() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKINDB_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_DATA_DIR", data.toString());
        env.put("WALKINDB_SANDBOX", "off");
        env.put("WALKINDB_ISOLATION", "inprocess");
        env.put("WALKINDB_TTL", "90");
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env, "--dev")) {
            String line = server.awaitLine("walkindb listening on ");
            assertThat(line).as("start-up line; stderr:\n" + server.stderr())
                    .matches("walkindb listening on http://127\\.0\\.0\\.1:\\d+ \\((version \\S+|development build), "
                            + "dev mode; data in " + Pattern.quote(data.toString()) + "\\)");
            String base = line.substring("walkindb listening on ".length()).split(" ")[0];
            String admin = server.awaitLine("walkindb admin listening on ").split(" ")[4];
            assertThat(server.awaitStderr(Pattern.compile("WARN .*DEV MODE \\(--dev or WALKINDB_PROFILE=dev\\): "
                    + "per-client and per-walk-in limits lifted to " + DevProfile.LIFTED + " .*TTL 90 s as set"),
                    Duration.ofSeconds(20))).as(server.stderr()).isNotNull();

            try (Http http = new Http(base)) {
                for (int i = 0; i <= PRODUCTION_CREATIONS_PER_MINUTE + 2; i++) {
                    Reply r = http.sql("SELECT " + i);
                    assertThat(r.status()).as("new walk-in %d: %s", i, r.body()).isEqualTo(200);
                    assertThat(r.session()).isNotNull();
                }
            }
            try (Http http = new Http(admin)) {
                Reply status = http.get("/status");
                assertThat(status.status()).isEqualTo(200);
                assertThat(status.json().path("profile").asText()).isEqualTo("dev");
                assertThat(status.json().path("config").path("rate_limit_new_instances").asInt()).isEqualTo(DevProfile.LIFTED);
                assertThat(status.json().path("config").path("ttl_seconds").asInt()).isEqualTo(90);
                assertThat(status.header("X-Request-Id")).as("the admin listener's answers carry an id too")
                        .matches("[0-9a-f]{16}");
            }
        }
    }
}
