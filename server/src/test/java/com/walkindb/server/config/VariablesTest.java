package com.walkindb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The variables table against the reader, docs/CONFIGURATION.md and --help; unknown names refused. */
class VariablesTest {
    private static final Pattern DOC_ROW = Pattern.compile("^\\| `(WALKINDB_[A-Z0-9_]+)` \\| (?:`([^`]*)`|empty) \\|");

    private static List<String> names() {
        return Variables.SERVER.stream().map(Variables.Variable::name).toList();
    }

    @Test
    void theTableNamesExactlyWhatTheReaderReads() {
        assertThat(EnvConfigReader.namesRead()).containsExactlyInAnyOrderElementsOf(names());
    }

    @Test
    void theDocumentedDefaultsAreTheReadersDefaults() {
        Map<String, String> spelledOut = new HashMap<>();
        for (Variables.Variable v : Variables.SERVER) {
            if (!v.defaultText().isEmpty()) {
                spelledOut.put(v.name(), v.defaultText());
            }
        }
        assertThat(EnvConfigReader.read(spelledOut)).isEqualTo(EnvConfigReader.read(Map.of()));
    }

    @Test
    void docsConfigurationListsTheSameVariablesAndDefaultsInTheSameOrder() throws IOException {
        List<String> documented = Files.readAllLines(Path.of("..", "docs", "CONFIGURATION.md")).stream()
                .map(DOC_ROW::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1) + "=" + (m.group(2) == null ? "" : m.group(2)))
                .toList();
        List<String> table = Variables.SERVER.stream().map(v -> v.name() + "=" + v.defaultText()).toList();
        assertThat(documented).isEqualTo(table);
    }

    @Test
    void helpListsEveryVariableOnceWithItsDefault() {
        String help = Variables.help();
        for (Variables.Variable v : Variables.SERVER) {
            assertThat(help.lines().filter(l -> l.trim().startsWith(v.name() + " ")).toList())
                    .as(v.name()).hasSize(1).allSatisfy(l -> assertThat(l).contains(
                            v.defaultText().isEmpty() ? " - " : " " + v.defaultText() + " ", v.help()));
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheNameItWasProbablyMeantToBe() {
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_TLL", "60")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown variable WALKINDB_TLL (did you mean WALKINDB_TTL?); walkindb --help lists them all");
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_PORT", "9000")))
                .hasMessageStartingWith("unknown variable WALKINDB_PORT (did you mean WALKINDB_ADDR?)");
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_RATE_LIMIT_REQ", "5")))
                .hasMessageStartingWith("unknown variable WALKINDB_RATE_LIMIT_REQ (did you mean WALKINDB_RATE_LIMIT_REQS?)");
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_COLOUR", "blue")))
                .hasMessage("unknown variable WALKINDB_COLOUR; walkindb --help lists them all");
    }

    @Test
    void theClientsAndScriptsNamesAndOtherProgramsVariablesAreLeftAlone() {
        Map<String, String> env = new HashMap<>();
        for (String name : Variables.ELSEWHERE) {
            if (!name.equals(SandboxSettings.JAILED_VARIABLE)) { // the server's own marker: read, see SandboxSettings
                env.put(name, "x");
            }
        }
        env.put("PATH", "/usr/bin");
        env.put("walkindb_lowercase", "not ours: names are case-sensitive");
        assertThat(EnvConfigReader.read(env)).isEqualTo(EnvConfigReader.read(Map.of()));
    }

    @Test
    void distanceCountsASwapOfNeighboursAsOneEdit() {
        assertThat(Variables.distance("WALKINDB_TTL", "WALKINDB_TTL")).isZero();
        assertThat(Variables.distance("WALKINDB_TLT", "WALKINDB_TTL")).isEqualTo(1);
        assertThat(Variables.distance("WALKINDB_SANDBXO", "WALKINDB_SANDBOX")).isEqualTo(1);
        assertThat(Variables.distance("abc", "")).isEqualTo(3);
    }
}
