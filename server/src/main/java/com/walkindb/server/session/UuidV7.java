package com.walkindb.server.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Generates RFC 9562 version 7 UUIDs: the top 48 bits are the clock's Unix time in
 * milliseconds, then the version (7), 12 random bits, the variant (0b10) and 62 more random
 * bits from the given {@link SecureRandom}. Values made in different milliseconds sort in
 * time order; within one millisecond their order is random (74 random bits keep them
 * unique). Thread-safe as long as the random source is, which {@code SecureRandom} is.
 */
public final class UuidV7 {
    private static final long TIMESTAMP_MASK = 0xFFFF_FFFF_FFFFL;
    private static final long VERSION_7 = 0x7000L;
    private static final long RAND_A_MASK = 0x0FFFL;
    private static final long VARIANT_MASK = 0xC000_0000_0000_0000L;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

    private final Clock clock;
    private final SecureRandom random;

    public UuidV7(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    public UUID next() {
        long millis = clock.millis() & TIMESTAMP_MASK;
        byte[] bits = new byte[10];
        random.nextBytes(bits);
        long randA = (((bits[0] & 0xFFL) << 8) | (bits[1] & 0xFFL)) & RAND_A_MASK;
        long randB = 0;
        for (int i = 2; i < 10; i++) {
            randB = (randB << 8) | (bits[i] & 0xFFL);
        }
        long msb = (millis << 16) | VERSION_7 | randA;
        long lsb = (randB & ~VARIANT_MASK) | VARIANT_RFC;
        return new UUID(msb, lsb);
    }

    /** True when the UUID has version 7 and the RFC 9562 variant (0b10). */
    static boolean isV7(UUID id) {
        return id.version() == 7 && id.variant() == 2;
    }
}
