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
    void devStartsTheServerToo() {
        assertThat(run("--dev")).isEqualTo(CommandLine.START);
        assertThat(CommandLine.dev(new String[] {"--dev"})).isTrue();
        assertThat(CommandLine.dev(new String[] {})).isFalse();
        assertThat(out.size() + err.size()).isZero();
    }

    @Test
    void helpPrintsTheVariablesTable() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(Variables.help()).contains("WALKINDB_TTL");
        assertThat(run("-h")).isZero();
    }

    @Test
    void helpListsExactlyTheVariablesOfTheTableInItsOrderAndTheExitStatuses() {
        run("--help");
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help.lines().filter(l -> l.startsWith("  WALKINDB_")).map(l -> l.trim().split("\\s+")[0]).toList())
                .isEqualTo(Variables.SERVER.stream().map(Variables.Variable::name).toList());
        assertThat(help).startsWith("usage: walkindb [--dev | --help | --version]\n")
                .contains("Exit statuses: 0 stopped, 1 unexpected, 2 configuration, 3 sandbox, 4 cannot listen, "
                        + "5 data directory.");
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
                .isEqualTo("walkindb: unknown argument --port 9000; usage: walkindb [--dev | --help | --version]\n");
        assertThat(out.size()).isZero();
        assertThat(run("--help", "--version")).isEqualTo(2);
        assertThat(run("--dev", "--dev")).isEqualTo(2);
    }
}
