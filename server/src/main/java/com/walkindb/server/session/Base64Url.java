package com.walkindb.server.session;

/**
 * Strict, canonical base64url (RFC 4648 §5) decoding without padding. Hand-written rather
 * than {@code java.util.Base64} because the JDK decoder throws on bad input (we want a
 * boolean on the hot failure path) and silently accepts set unused bits in the last
 * character (we want exactly one text per byte string, so tokens cannot be re-spelled).
 */
final class Base64Url {
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /** Characters that encode {@code bytes} bytes without padding. */
    static int encodedLength(int bytes) {
        return (bytes * 8 + 5) / 6;
    }

    /**
     * Decodes {@code text} from index {@code from} to its end into all of {@code out}.
     * Returns false, leaving {@code out} partly written, unless the text is exactly the
     * canonical unpadded base64url spelling of {@code out.length} bytes.
     */
    static boolean decode(String text, int from, byte[] out) {
        if (from < 0 || text.length() - from != encodedLength(out.length)) {
            return false;
        }
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= VALUES.length || VALUES[c] < 0) {
                return false;
            }
            acc = (acc << 6) | VALUES[c];
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        // Leftover bits of the last character are unused; canonical text has them zero.
        return acc == 0;
    }
}
