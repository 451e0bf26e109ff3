package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.ChildJvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each class of start-up failure (docs/CONFIGURATION.md, "Exit statuses"): the real server in a
 * child JVM prints one line naming the variable or path and the system's reason, no stack trace,
 * and exits with the status of its class. (Status 3, the sandbox, is SandboxProcessTest's.)
 */
class StartupFailureTest {
    private static final Duration EXIT_WAIT = Duration.ofSeconds(90); // a loaded 2-core machine starts JVMs slowly

    @TempDir
    Path dir;

    /** The environment of a server that would start: SQL in process, no sandbox (quick), free ports. */
    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKINDB_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:0");
        env.put("WALKINDB_DATA_DIR", dir.resolve("data").toString());
        env.put("WALKINDB_SANDBOX", "off");
        env.put("WALKINDB_ISOLATION", "inprocess");
        return env;
    }

    /** Runs the server; returns its last line of stderr after checking the exit status and that nothing started. */
    private static String failure(Map<String, String> env, int status) throws Exception {
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), env)) {
            assertThat(server.waitFor(EXIT_WAIT)).as("exits; stderr:\n" + server.stderr()).isTrue();
            String stderr = server.stderr();
            assertThat(server.exitDescription()).as(stderr).isEqualTo("exit status " + status);
            assertThat(server.awaitLine("walkindb listening")).isNull();
            assertThat(stderr).as("no stack trace").doesNotContain("\tat ", "Exception");
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    @Test
    void aMisspeltVariableIsAConfigurationError() throws Exception {
        Map<String, String> env = env();
        env.put("WALKINDB_TLL", "60");
        assertThat(failure(env, 2)).isEqualTo("walkindb: bad configuration: unknown variable WALKINDB_TLL "
                + "(did you mean WALKINDB_TTL?); walkindb --help lists them all");
    }

    @Test
    void aHostThatDoesNotResolveIsAConfigurationError() throws Exception {
        Map<String, String> env = env();
        env.put("WALKINDB_ADDR", "no-such-host.invalid:8080");
        assertThat(failure(env, 2)).startsWith("walkindb: bad configuration: WALKINDB_ADDR=\"no-such-host.invalid:8080\": "
                + "cannot resolve no-such-host.invalid (").doesNotContain("null");
    }

    @Test
    void aPortWithoutAHostIsRefusedWithBothChoices() throws Exception {
        Map<String, String> env = env();
        env.put("WALKINDB_ADDR", ":8080");
        assertThat(failure(env, 2)).isEqualTo("walkindb: bad configuration: WALKINDB_ADDR=\":8080\" has no host: "
                + "write 127.0.0.1:8080 for this machine only, or 0.0.0.0:8080 for every interface ([::]:8080 for IPv6 too)");
    }

    @Test
    void aPortInUseNamesWalkindbAddrAndTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = env();
            env.put("WALKINDB_ADDR", "127.0.0.1:" + taken.getLocalPort());
            assertThat(failure(env, 4)).isEqualTo("walkindb: cannot listen on WALKINDB_ADDR=127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use");
        }
    }

    @Test
    void anAdminPortInUseNamesWalkindbAdminAddr() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = env();
            env.put("WALKINDB_ADMIN_ADDR", "127.0.0.1:" + taken.getLocalPort());
            assertThat(failure(env, 4)).isEqualTo("walkindb: cannot listen on WALKINDB_ADMIN_ADDR=127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedStopsStartUpWithOrWithoutTheSandbox() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path data = file.resolve("data");
        for (String sandbox : new String[] {"off", "on"}) {
            Map<String, String> env = env();
            env.put("WALKINDB_DATA_DIR", data.toString());
            env.put("WALKINDB_SANDBOX", sandbox);
            assertThat(failure(env, 5)).as("WALKINDB_SANDBOX=" + sandbox).isEqualTo(
                    "walkindb: cannot use the data directory WALKINDB_DATA_DIR=" + data + ": " + data + ": Not a directory");
        }
    }

    @Test
    void aDataDirectoryThatIsAFileStopsStartUp() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");
        Map<String, String> env = env();
        env.put("WALKINDB_SANDBOX", "on");
        env.put("WALKINDB_ISOLATION", "process");
        assertThat(failure(env, 5)).isEqualTo(
                "walkindb: cannot use the data directory WALKINDB_DATA_DIR=" + file + ": " + file + ": Not a directory");
    }
}
