package com.walkindb.server.instance;

import java.time.Instant;
import java.util.UUID;

/**
 * A walk-in: its id (a UUIDv7, whose timestamp is its creation time), when it expires, and the
 * address that created it (so per-IP caps survive a restart).
 */
public record Instance(UUID id, Instant createdAt, Instant expiresAt, String creator) {

    /** Creation time in unix milliseconds, read from the UUIDv7 itself. */
    public static long createdMillis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
