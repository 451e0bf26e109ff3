package com.walkindb.server.session;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and verifies session tokens (docs/API.md, sessions and walk-ins): {@code wkn_} followed by the unpadded
 * base64url of {@code uuid (16 bytes, big-endian) ‖ nonce (32 random bytes) ‖
 * HMAC-SHA256(secret, uuid ‖ nonce)}, 111 characters in all. Verification answers empty for
 * every failure without throwing and without saying why, so callers can answer one 404
 * for all of them: length, prefix, alphabet and canonical spelling come first (public
 * data, cheap), then the version-7 check, then the MAC in constant time against the current
 * and then the previous secret. Tokens are never logged or kept. Thread-safe.
 */
public final class SessionTokens {
    static final String PREFIX = "wkn_";
    static final int UUID_BYTES = 16;
    static final int NONCE_BYTES = 32;
    static final int SIGNED_BYTES = UUID_BYTES + NONCE_BYTES;
    static final int RAW_BYTES = SIGNED_BYTES + Macs.MAC_BYTES;
    static final int TOKEN_LENGTH = PREFIX.length() + Base64Url.encodedLength(RAW_BYTES);
    private static final int POOL_SLOTS = 64;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretStore secrets;
    private final SecureRandom random;
    private final MacPool macs = new MacPool(POOL_SLOTS);

    public SessionTokens(SecretStore secrets, SecureRandom random) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * A new token for {@code instanceId}, which must be a version 7 UUID (anything else
     * could never verify, so it is a caller bug and throws IllegalArgumentException).
     */
    public String issue(UUID instanceId) {
        if (!UuidV7.isV7(Objects.requireNonNull(instanceId, "instanceId"))) {
            throw new IllegalArgumentException("instance ids are version 7 UUIDs");
        }
        byte[] raw = new byte[RAW_BYTES];
        ByteBuffer.wrap(raw)
                .putLong(instanceId.getMostSignificantBits())
                .putLong(instanceId.getLeastSignificantBits());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, raw, UUID_BYTES, NONCE_BYTES);
        // Not released in a finally: engines that threw mid-hash may hold state; drop them.
        Macs engines = macs.acquire(secrets.current());
        byte[] mac = engines.sign(raw, SIGNED_BYTES);
        macs.release(engines);
        System.arraycopy(mac, 0, raw, SIGNED_BYTES, Macs.MAC_BYTES);
        return PREFIX + ENCODER.encodeToString(raw);
    }

    /** The instance id the token was issued for, or empty if it is not a valid token. */
    public Optional<UUID> verify(String token) {
        if (token == null || token.length() != TOKEN_LENGTH || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] raw = new byte[RAW_BYTES];
        if (!Base64Url.decode(token, PREFIX.length(), raw)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        UUID id = new UUID(buffer.getLong(), buffer.getLong());
        if (!UuidV7.isV7(id)) {
            return Optional.empty();
        }
        byte[] mac = new byte[Macs.MAC_BYTES];
        System.arraycopy(raw, SIGNED_BYTES, mac, 0, Macs.MAC_BYTES);
        Macs engines = macs.acquire(secrets.current());
        boolean valid = engines.verifies(raw, SIGNED_BYTES, mac);
        macs.release(engines);
        return valid ? Optional.of(id) : Optional.empty();
    }
}
