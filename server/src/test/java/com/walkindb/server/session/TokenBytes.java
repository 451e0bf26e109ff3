package com.walkindb.server.session;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Test-side token surgery, built on the JDK's own Base64 and HMAC so it checks ours. */
final class TokenBytes {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private TokenBytes() {
    }

    static byte[] decode(String token) {
        return Base64.getUrlDecoder().decode(token.substring(SessionTokens.PREFIX.length()));
    }

    static String encode(byte[] raw) {
        return SessionTokens.PREFIX + URL.encodeToString(raw);
    }

    static byte[] hmac(byte[] secret, byte[] data, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update(data, 0, length);
        return mac.doFinal();
    }

    /** A correctly signed token for any UUID, even one {@code issue} would refuse. */
    static String signed(byte[] secret, UUID id, byte[] nonce) throws Exception {
        byte[] raw = new byte[SessionTokens.RAW_BYTES];
        ByteBuffer.wrap(raw).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).put(nonce);
        System.arraycopy(hmac(secret, raw, SessionTokens.SIGNED_BYTES), 0, raw, SessionTokens.SIGNED_BYTES, 32);
        return encode(raw);
    }
}
