package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/walkindb.service starts the JVM with exactly the flags of scripts/jvm-flags (the launcher's). */
class DeployUnitTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void theUnitsJvmFlagsAreTheLaunchers() throws Exception {
        List<String> launcher = Files.readAllLines(ROOT.resolve("scripts/jvm-flags")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        String unit = Files.readString(ROOT.resolve("deploy/walkindb.service"));
        int start = unit.indexOf("ExecStart=");
        String exec = unit.substring(start, unit.indexOf("-jar ", start)).replace("\\\n", " ");
        List<String> words = Arrays.stream(exec.split("\\s+")).filter(w -> !w.isEmpty()).toList();
        assertThat(words.subList(1, words.size())).as("ExecStart flags of deploy/walkindb.service").isEqualTo(launcher);
    }
}
