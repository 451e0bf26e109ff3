package com.walkindb.server.session;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The two HMAC secrets in force: {@code current} signs and verifies, {@code previous} only
 * verifies. {@code day} is the UTC date {@code current} was made. Immutable by contract:
 * the arrays are shared, never handed outside this package, and never written to.
 */
record SecretPair(LocalDate day, byte[] current, byte[] previous) {
    static final int SECRET_BYTES = 32;

    SecretPair {
        Objects.requireNonNull(day, "day");
        if (current.length != SECRET_BYTES || previous.length != SECRET_BYTES) {
            throw new IllegalArgumentException("secrets must be " + SECRET_BYTES + " bytes");
        }
    }

    /** A pair for a store that has never existed; no token was ever signed with either. */
    static SecretPair fresh(LocalDate day, SecureRandom random) {
        return new SecretPair(day, newSecret(random), newSecret(random));
    }

    /**
     * The pair in force on {@code today}: this one if {@code today} is not later than
     * {@link #day}, otherwise a rotated one. One day on, yesterday's current becomes
     * previous, so tokens signed yesterday still verify. Two or more days on (the server
     * was down), the old current is already two rotations old and must not verify, so
     * both secrets are fresh. A clock that goes backwards never rotates.
     */
    SecretPair advancedTo(LocalDate today, SecureRandom random) {
        if (!today.isAfter(day)) {
            return this;
        }
        byte[] previous = today.equals(day.plusDays(1)) ? current : newSecret(random);
        return new SecretPair(today, newSecret(random), previous);
    }

    private static byte[] newSecret(SecureRandom random) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    // Records print their components; secrets must never reach a log.
    @Override
    public String toString() {
        return "SecretPair[day=" + day + ", secrets=<redacted>]";
    }
}
