package com.walkindb.server.call;

import java.time.Instant;
import java.util.UUID;

/**
 * The walk-in a call reached. {@code newToken} is set only when this call provisioned it: every
 * answer to such a call, error or not, must carry the token and the expiry so that the caller
 * can keep the walk-in.
 */
public record Session(UUID walkinId, String newToken, Instant expiresAt) {
    public boolean created() {
        return newToken != null;
    }
}
