package com.walkindb.server.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HMAC secrets behind session tokens: a current one that signs and verifies and the
 * previous one that only verifies. They live in {@code DATA/secrets/hmac-secrets} (mode
 * 0600, directory 0700 when we create it; format in {@link SecretsFile}) so a restart keeps
 * sessions valid. The pair rotates once per UTC day, checked at {@link #open} and on every
 * use against the injected clock. Reads are a volatile read of an immutable snapshot and
 * one clock read; rotation runs under a lock and is saved atomically before the snapshot
 * is swapped. If saving fails at rotation time the new pair is still used (so tokens keep
 * working and old secrets still retire), a warning is logged and the save is retried
 * every minute; a restart before it succeeds invalidates tokens signed since the rotation.
 */
public final class SecretStore {
    static final String DIRECTORY = "secrets";
    static final long SAVE_RETRY_MILLIS = 60_000;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final System.Logger LOG = System.getLogger(SecretStore.class.getName());

    /** What is in force, and the clock reading at which to look again. */
    private record Snapshot(SecretPair pair, long checkAtMillis) {
    }

    private final Path file;
    private final Clock clock;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot snapshot;
    private boolean unsaved; // guarded by lock (and set before the store is shared)

    /** {@code unsaved}: the pair is newer than the file (saving failed); retried within a minute. */
    private SecretStore(Path file, Clock clock, SecureRandom random, SecretPair pair, boolean unsaved) {
        this.file = file;
        this.clock = clock;
        this.random = random;
        this.unsaved = unsaved;
        long checkAt = startOfDayAfter(pair.day());
        this.snapshot = new Snapshot(pair, unsaved ? Math.min(checkAt, clock.millis() + SAVE_RETRY_MILLIS) : checkAt);
    }

    /**
     * Loads the secrets from {@code dataDir/secrets}, creating the directory and a fresh
     * pair if missing, and rotates them if their day has passed. A corrupt file or one
     * whose mode is not 0600 fails with an {@link IOException} naming the file, and so does a
     * missing file that cannot be created (with the system's reason). A rotation that cannot be
     * saved is used from memory and saved later, as at run time.
     */
    public static SecretStore open(Path dataDir, Clock clock) throws IOException {
        return open(dataDir, clock, new SecureRandom());
    }

    static SecretStore open(Path dataDir, Clock clock, SecureRandom random) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        Path directory = dataDir.resolve(DIRECTORY);
        Files.createDirectories(dataDir);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Path file = directory.resolve(SecretsFile.NAME);
        LocalDate today = utcDate(clock.millis());
        SecretPair stored = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? SecretsFile.read(file) : null;
        SecretPair pair = stored == null ? SecretPair.fresh(today, random) : stored.advancedTo(today, random);
        boolean unsaved = false;
        if (pair != stored) {
            try {
                SecretsFile.write(file, pair);
            } catch (IOException e) {
                if (stored == null) {
                    throw e; // no secrets at all: the data directory is unusable
                }
                // A rotation that cannot be saved (a full disk) must not stop the server: tokens
                // signed with the stored pair stay valid, the new pair serves from memory.
                LOG.log(System.Logger.Level.WARNING, e.getMessage()
                        + "; using the rotated secrets from memory and retrying every minute");
                unsaved = true;
            }
        }
        return new SecretStore(file, clock, random, pair, unsaved);
    }

    /** The secrets file, for messages and tests. */
    Path file() {
        return file;
    }

    /** The pair in force now, rotating first if the UTC day has changed. */
    SecretPair current() {
        Snapshot s = snapshot;
        if (clock.millis() < s.checkAtMillis()) {
            return s.pair();
        }
        return rotateIfDue();
    }

    private SecretPair rotateIfDue() {
        lock.lock();
        try {
            long now = clock.millis();
            Snapshot s = snapshot;
            if (now < s.checkAtMillis()) {
                return s.pair();
            }
            SecretPair next = s.pair().advancedTo(utcDate(now), random);
            if (next != s.pair()) {
                unsaved = true;
            }
            long checkAt = startOfDayAfter(next.day());
            if (unsaved) {
                try {
                    SecretsFile.write(file, next);
                    unsaved = false;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not save rotated HMAC secrets to " + file
                            + "; using them from memory and retrying in a minute", e);
                    checkAt = Math.min(checkAt, now + SAVE_RETRY_MILLIS);
                }
            }
            snapshot = new Snapshot(next, checkAt);
            return next;
        } finally {
            lock.unlock();
        }
    }

    // From milliseconds rather than a zoned date so the clock's zone cannot shift the day.
    static LocalDate utcDate(long epochMillis) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, MILLIS_PER_DAY));
    }

    private static long startOfDayAfter(LocalDate day) {
        return (day.toEpochDay() + 1) * MILLIS_PER_DAY;
    }
}
