package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.LauncherFlags;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/walkindb.service starts the JVM with exactly the flags of scripts/jvm-flags (the launcher's). */
class DeployUnitTest {
    @Test
    void theUnitsJvmFlagsAreTheLaunchers() throws Exception {
        String unit = Files.readString(LauncherFlags.REPO_ROOT.resolve("deploy/walkindb.service"));
        int start = unit.indexOf("ExecStart=");
        String exec = unit.substring(start, unit.indexOf("-jar ", start)).replace("\\\n", " ");
        List<String> words = Arrays.stream(exec.split("\\s+")).filter(w -> !w.isEmpty()).toList();
        assertThat(words.subList(1, words.size())).as("ExecStart flags of deploy/walkindb.service").isEqualTo(LauncherFlags.flags());
    }
}
