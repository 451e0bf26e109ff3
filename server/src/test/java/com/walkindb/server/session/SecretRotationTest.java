package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.walkindb.server.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRotationTest {
    private static final UUID ID = UUID.fromString("019aa5a4-4efb-7abc-9def-0123456789ab");

    @TempDir
    Path dataDir;
    private TestClock clock;
    private SecretStore store;
    private SessionTokens tokens;

    @BeforeEach
    void setUp() throws Exception {
        clock = TestClock.at("2025-11-21T23:59:59.999Z");
        store = SecretStore.open(dataDir, clock);
        tokens = new SessionTokens(store, new SecureRandom());
    }

    @Test
    void secretsDoNotRotateWithinTheUtcDay() {
        SecretPair before = store.current();
        clock.set("2025-11-21T00:00:00Z");
        SecretPair morning = store.current();
        clock.set("2025-11-21T23:59:59.999Z");

        assertThat(store.current()).isSameAs(before).isSameAs(morning);
        assertThat(before.day()).isEqualTo(LocalDate.parse("2025-11-21"));
    }

    @Test
    void secretsRotateAtUtcMidnightAndTheOldCurrentBecomesPrevious() {
        SecretPair before = store.current();
        clock.advance(Duration.ofMillis(1));

        SecretPair after = store.current();

        assertThat(after.day()).isEqualTo(LocalDate.parse("2025-11-22"));
        assertThat(after.previous()).isEqualTo(before.current());
        assertThat(after.current()).isNotEqualTo(before.current()).isNotEqualTo(before.previous());
    }

    @Test
    void tokenStillVerifiesAfterOneDailyRotation() {
        String token = tokens.issue(ID);
        clock.set("2025-11-22T23:00:00Z");

        assertThat(tokens.verify(token)).contains(ID);
        assertThat(store.current().day()).isEqualTo(LocalDate.parse("2025-11-22"));
    }

    @Test
    void tokenFailsAfterTwoDailyRotations() {
        String token = tokens.issue(ID);
        clock.set("2025-11-22T12:00:00Z");
        assertThat(tokens.verify(token)).contains(ID);
        clock.set("2025-11-23T00:00:00Z");

        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void tokenFailsWhenTwoDaysPassWithoutAnyUse() {
        String token = tokens.issue(ID);
        SecretPair before = store.current();
        clock.set("2025-11-23T08:00:00Z");

        assertThat(tokens.verify(token)).isEmpty();
        SecretPair after = store.current();
        assertThat(after.day()).isEqualTo(LocalDate.parse("2025-11-23"));
        assertThat(after.previous()).isNotEqualTo(before.current());
    }

    @Test
    void tokenIssuedAfterRotationVerifies() {
        clock.set("2025-11-24T10:00:00Z");
        String token = tokens.issue(ID);

        assertThat(tokens.verify(token)).contains(ID);
    }

    @Test
    void clockGoingBackwardsDoesNotRotate() {
        String token = tokens.issue(ID);
        SecretPair before = store.current();
        clock.set("2025-11-19T10:00:00Z");

        assertThat(store.current()).isSameAs(before);
        assertThat(tokens.verify(token)).contains(ID);
    }

    @Test
    void rotationIsSavedBeforeItIsUsed() throws Exception {
        clock.set("2025-11-22T01:00:00Z");
        SecretPair rotated = store.current();

        SecretPair onDisk = SecretsFile.read(store.file());
        assertThat(onDisk.day()).isEqualTo(rotated.day());
        assertThat(onDisk.current()).isEqualTo(rotated.current());
        assertThat(onDisk.previous()).isEqualTo(rotated.previous());
    }

    @Test
    void failedSaveKeepsTokensWorkingAndIsRetriedAMinuteLater() throws Exception {
        String yesterday = tokens.issue(ID);
        // A non-empty directory where the temp file goes makes every save fail, even as root.
        Path blocker = store.file().resolveSibling(SecretsFile.NAME + ".tmp");
        Files.createDirectory(blocker);
        Files.createFile(blocker.resolve("x"));
        clock.set("2025-11-22T01:00:00Z");

        String today = tokens.issue(ID);
        assertThat(tokens.verify(yesterday)).contains(ID);
        assertThat(tokens.verify(today)).contains(ID);
        assertThat(SecretsFile.read(store.file()).day()).isEqualTo(LocalDate.parse("2025-11-21"));

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.verify(today)).contains(ID);
        assertThat(SecretsFile.read(store.file()).day()).isEqualTo(LocalDate.parse("2025-11-21"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.verify(today)).contains(ID);
        assertThat(SecretsFile.read(store.file()).current()).isEqualTo(store.current().current());

        SessionTokens afterRestart = new SessionTokens(SecretStore.open(dataDir, clock), new SecureRandom());
        assertThat(afterRestart.verify(today)).contains(ID);
        assertThat(afterRestart.verify(yesterday)).contains(ID);
    }

    @Test
    void restartKeepsTokensValid() throws Exception {
        String token = tokens.issue(ID);

        SessionTokens restarted = new SessionTokens(SecretStore.open(dataDir, clock), new SecureRandom());

        assertThat(restarted.verify(token)).contains(ID);
    }

    @Test
    void restartOnTheNextDayRotatesAtOpenAndKeepsYesterdaysTokens() throws Exception {
        String token = tokens.issue(ID);
        clock.set("2025-11-22T06:00:00Z");

        SecretStore reopened = SecretStore.open(dataDir, clock);

        assertThat(SecretsFile.read(reopened.file()).day()).isEqualTo(LocalDate.parse("2025-11-22"));
        assertThat(new SessionTokens(reopened, new SecureRandom()).verify(token)).contains(ID);
    }

    @Test
    void restartTwoDaysLaterRejectsOldTokens() throws Exception {
        String token = tokens.issue(ID);
        clock.set("2025-11-23T06:00:00Z");

        SecretStore reopened = SecretStore.open(dataDir, clock);

        assertThat(new SessionTokens(reopened, new SecureRandom()).verify(token)).isEmpty();
    }

    /** A non-empty directory where the temp file goes: every save fails, even as root (a full disk's stand-in). */
    private static Path blockSaving(Path secretsFile) throws Exception {
        Path blocker = secretsFile.resolveSibling(SecretsFile.NAME + ".tmp");
        Files.createDirectories(blocker);
        Files.createFile(blocker.resolve("x"));
        return blocker;
    }

    @Test
    void restartOnTheNextDayWhenTheRotationCannotBeSavedStartsAndSavesItLater() throws Exception {
        String yesterday = tokens.issue(ID);
        Path blocker = blockSaving(store.file());
        clock.set("2025-11-22T06:00:00Z");

        SecretStore reopened = SecretStore.open(dataDir, clock);
        SessionTokens restarted = new SessionTokens(reopened, new SecureRandom());
        String today = restarted.issue(ID);
        assertThat(restarted.verify(yesterday)).contains(ID);
        assertThat(restarted.verify(today)).contains(ID);
        assertThat(SecretsFile.read(reopened.file()).day()).isEqualTo(LocalDate.parse("2025-11-21"));

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        clock.advance(Duration.ofSeconds(60));
        assertThat(restarted.verify(today)).contains(ID);
        assertThat(SecretsFile.read(reopened.file()).current()).isEqualTo(reopened.current().current());
    }

    @Test
    void aMissingSecretsFileThatCannotBeCreatedFailsOpenNamingTheFile() throws Exception {
        Path fresh = dataDir.resolve("fresh");
        Path file = fresh.resolve(SecretStore.DIRECTORY).resolve(SecretsFile.NAME);
        blockSaving(file);

        assertThatThrownBy(() -> SecretStore.open(fresh, clock))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith("cannot write HMAC secrets file " + file + ": ");
        assertThat(file).doesNotExist();
    }
}
