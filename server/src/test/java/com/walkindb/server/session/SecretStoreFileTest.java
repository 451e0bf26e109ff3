package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.walkindb.server.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretStoreFileTest {
    private static final String SECRET_A = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final String SECRET_B = "_".repeat(42) + "8";
    private static final String VALID = "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent " + SECRET_A
            + "\nprevious " + SECRET_B + "\n";

    @TempDir
    Path dataDir;
    private final TestClock clock = TestClock.at("2025-11-21T09:00:00Z");

    @Test
    void openCreatesTheSecretsDirectoryAndA0600File() throws Exception {
        Path nested = dataDir.resolve("a/b");

        SecretStore store = SecretStore.open(nested, clock);

        assertThat(store.file()).isEqualTo(nested.resolve("secrets/hmac-secrets"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("secrets"))))
                .isEqualTo("rwx------");
    }

    @Test
    void rotatedFileKeepsMode0600AndLeavesNoTempFile() throws Exception {
        SecretStore store = SecretStore.open(dataDir, clock);
        clock.advance(Duration.ofDays(1));
        store.current();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hmac-secrets");
        }
    }

    @Test
    void fileHoldsTheDocumentedFourLines() throws Exception {
        SecretStore store = SecretStore.open(dataDir, clock, new FixedBytesRandom(0));

        assertThat(Files.readString(store.file())).isEqualTo("walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent "
                + SECRET_A + "\nprevious " + SECRET_A + "\n");
    }

    @Test
    void openReadsAWellFormedFileAsIs() throws Exception {
        Path file = writeSecrets(VALID, "rw-------");

        SecretStore store = SecretStore.open(dataDir, clock);

        assertThat(store.current().current()).containsOnly(0);
        assertThat(store.current().previous()).hasSize(32).containsOnly((byte) 0xFF);
        assertThat(Files.readString(file)).isEqualTo(VALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw-rw-", "r--------", "rwx------"})
    void openRefusesAFileWithAnyModeBut0600(String mode) throws Exception {
        Path file = writeSecrets(VALID, mode);

        assertThatThrownBy(() -> SecretStore.open(dataDir, clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("0600");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "walkindb-hmac-secrets 2\nday 2025-11-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A + "\n",
        "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A,
        "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A + "\n\n",
        "walkindb-hmac-secrets 1\nday 2025-13-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A + "\n",
        "walkindb-hmac-secrets 1\nday +2025-11-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A + "\n",
        "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent AAAA\nprevious " + SECRET_A + "\n",
        "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent " + SECRET_A + "\nprevious " + SECRET_A + "=\n",
        "walkindb-hmac-secrets 1\nday 2025-11-21\ncurrent " + SECRET_A + "\nprevious AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\n",
        "walkindb-hmac-secrets 1\nday 2025-11-21\nprevious " + SECRET_A + "\ncurrent " + SECRET_A + "\n",
        "walkindb-hmac-secrets 1\r\nday 2025-11-21\r\ncurrent " + SECRET_A + "\r\nprevious " + SECRET_A + "\r\n",
    })
    void openRefusesACorruptFileNamingIt(String content) throws Exception {
        Path file = writeSecrets(content, "rw-------");

        assertThatThrownBy(() -> SecretStore.open(dataDir, clock))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("corrupt HMAC secrets file " + file + ": ")
                .hasMessageNotContaining(SECRET_A);
    }

    @Test
    void openRefusesAnOversizedFile() throws Exception {
        Path file = writeSecrets(VALID + "x".repeat(10_000), "rw-------");

        assertThatThrownBy(() -> SecretStore.open(dataDir, clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void openRefusesASymlinkInPlaceOfTheFile() throws Exception {
        Path real = dataDir.resolve("elsewhere");
        Files.writeString(real, VALID);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dataDir.resolve("secrets"));
        Path link = Files.createSymbolicLink(dataDir.resolve("secrets/hmac-secrets"), real);

        assertThatThrownBy(() -> SecretStore.open(dataDir, clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(link.toString());
    }

    @Test
    void staleTempFileFromACrashDoesNotBlockSaving() throws Exception {
        SecretStore store = SecretStore.open(dataDir, clock);
        Files.writeString(store.file().resolveSibling("hmac-secrets.tmp"), "half");
        clock.advance(Duration.ofDays(1));

        SecretPair rotated = store.current();

        assertThat(SecretsFile.read(store.file()).current()).isEqualTo(rotated.current());
        assertThat(store.file().resolveSibling("hmac-secrets.tmp")).doesNotExist();
    }

    private Path writeSecrets(String content, String mode) throws IOException {
        Path directory = Files.createDirectories(dataDir.resolve("secrets"));
        Path file = directory.resolve("hmac-secrets");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
