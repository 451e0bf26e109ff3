package com.walkindb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Variables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The server's arguments: none starts it, --help and --version answer, anything else is refused. */
class CommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CommandLine.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsStartTheServer() {
        assertThat(run()).isEqualTo(CommandLine.START);
        assertThat(out.size() + err.size()).isZero();
    }

    @Test
    void helpPrintsTheVariablesTable() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(Variables.help()).contains("WALKINDB_TTL");
        assertThat(run("-h")).isZero();
    }

    @Test
    void versionNamesTheServerSqliteAndTheJdk() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .matches("walkindb \\S.*, SQLite 3\\.\\d+\\.\\d+, .+ " + Runtime.version().feature() + "[.+\\d].*\\R");
    }

    @Test
    void anythingElseIsRefusedWithStatusTwo() {
        assertThat(run("--port", "9000")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("walkindb: unknown argument --port 9000 (walkindb --help says what there is)\n");
        assertThat(out.size()).isZero();
        assertThat(run("--help", "--version")).isEqualTo(2);
    }
}
