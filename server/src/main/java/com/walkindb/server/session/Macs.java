package com.walkindb.server.session;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Two HMAC-SHA256 engines keyed with one {@link SecretPair}, re-keyed only when the pair
 * changes (once a day), so the per-token cost is the hashing alone. Not thread-safe: one
 * user at a time, handed out by {@link MacPool}.
 */
final class Macs {
    static final String ALGORITHM = "HmacSHA256";
    static final int MAC_BYTES = 32;

    private final Mac current = newMac();
    private final Mac previous = newMac();
    private SecretPair keyedWith;

    void keyWith(SecretPair pair) {
        if (pair != keyedWith) {
            init(current, pair.current());
            init(previous, pair.previous());
            keyedWith = pair;
        }
    }

    /** HMAC with the current secret of {@code data[0, length)}. */
    byte[] sign(byte[] data, int length) {
        current.update(data, 0, length);
        return current.doFinal();
    }

    /**
     * Whether {@code expected} is the HMAC of {@code data[0, length)} under the current or
     * else the previous secret, each compared in constant time.
     */
    boolean verifies(byte[] data, int length, byte[] expected) {
        current.update(data, 0, length);
        if (MessageDigest.isEqual(current.doFinal(), expected)) {
            return true;
        }
        previous.update(data, 0, length);
        return MessageDigest.isEqual(previous.doFinal(), expected);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide " + ALGORITHM, e);
        }
    }

    private static void init(Mac mac, byte[] secret) {
        try {
            mac.init(new SecretKeySpec(secret, ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(ALGORITHM + " refused a " + secret.length + "-byte key", e);
        }
    }
}
