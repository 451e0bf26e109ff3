package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.walkindb.server.testing.LauncherFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/walkindb.service: starts the JVM with exactly the flags of scripts/jvm-flags (the
 * launcher's), counts the JVM's SIGTERM status as a clean stop, and parses without a complaint.
 */
class DeployUnitTest {
    private static final Path UNIT = LauncherFlags.REPO_ROOT.resolve("deploy/walkindb.service");

    @Test
    void theUnitsJvmFlagsAreTheLaunchers() throws Exception {
        String unit = Files.readString(UNIT);
        int start = unit.indexOf("ExecStart=");
        String exec = unit.substring(start, unit.indexOf("-jar ", start)).replace("\\\n", " ");
        List<String> words = Arrays.stream(exec.split("\\s+")).filter(w -> !w.isEmpty()).toList();
        assertThat(words.subList(1, words.size())).as("ExecStart flags of deploy/walkindb.service").isEqualTo(LauncherFlags.flags());
    }

    @Test
    void aStopBySigtermIsASuccessWhateverTheJvmExitsWith() throws Exception {
        assertThat(Files.readAllLines(UNIT)).contains("SuccessExitStatus=143", "KillSignal=SIGTERM");
    }

    /** systemd's own parser: exit 0 and not a word about the file (it warns, and exits 0, on an unknown key). */
    @Test
    void systemdParsesTheUnitWithoutAWarning(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed here");
        Path copy = Files.copy(UNIT, dir.resolve("walkindb.service"));
        Process p = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", copy.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze verify").doesNotContain("walkindb.service");
    }
}
