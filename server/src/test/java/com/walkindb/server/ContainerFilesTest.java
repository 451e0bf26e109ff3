package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.LauncherFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container recipe (Dockerfile, compose.yaml, deploy/prometheus/prometheus.yml) against the
 * rest of the repository, without a container engine: the image starts the JVM with the
 * launcher's flags, as a user without privileges, keeps its data in /data and checks /healthz;
 * Prometheus scrapes the admin listener's port. scripts/container-check runs the image itself
 * where an engine is available.
 */
class ContainerFilesTest {
    private static final Path ROOT = LauncherFlags.REPO_ROOT;

    private static String dockerfile() throws Exception {
        return Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
    }

    @Test
    void theImageRunsTheJvmWithTheLaunchersFlags() throws Exception {
        Matcher m = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(dockerfile());
        assertThat(m.find()).as("an exec-form ENTRYPOINT").isTrue();
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (word.find()) {
            words.add(word.group(1));
        }
        assertThat(words.getFirst()).isEqualTo("java");
        assertThat(words.subList(1, words.size() - 2)).isEqualTo(LauncherFlags.flags());
        assertThat(words.subList(words.size() - 2, words.size())).containsExactly("-jar", "/opt/walkindb/walkindb-server.jar");
    }

    @Test
    void theImageIsMultiStageRunsUnprivilegedWithAVolumeAndAHealthCheck() throws Exception {
        String d = dockerfile();
        assertThat(Pattern.compile("(?m)^FROM \\S+ AS build$").matcher(d).find()).as("a build stage").isTrue();
        assertThat(d).contains("./mvnw -B -DskipTests package", "COPY --from=build ");
        assertThat(Pattern.compile("(?m)^FROM eclipse-temurin:25-jre\\S*$").matcher(d).find()).as("a JRE 25 to run").isTrue();
        assertThat(Pattern.compile("(?m)^USER (\\S+)$").matcher(d).results().map(r -> r.group(1)).toList())
                .as("the last USER is not root").last().isNotIn("root", "0", "root:root", "0:0");
        assertThat(d).contains("VOLUME [\"/data\"]", "WALKINDB_DATA_DIR=/data", "WALKINDB_ADDR=0.0.0.0:8080");
        assertThat(Pattern.compile("(?m)^HEALTHCHECK .*GET /healthz").matcher(d).find()).isTrue();
    }

    @Test
    void composeScrapesTheAdminListenerAndPublishesOnlyThePublicPortOnLoopback() throws Exception {
        String compose = Files.readString(ROOT.resolve("compose.yaml"));
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertThat(compose).contains("WALKINDB_ADMIN_ADDR: \"0.0.0.0:9091\"", "\"127.0.0.1:8080:8080\"",
                "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(compose).as("the admin port is never published").doesNotContainPattern("- \"[^\"]*:9091\"");
        assertThat(prometheus).contains("metrics_path: /metrics", "targets: [\"walkindb:9091\"]");
    }
}
