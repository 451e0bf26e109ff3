package com.walkindb.server.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The checks that keep request text exact (docs/API.md, "invalid json"): the raw bytes must be
 * well-formed UTF-8, and no decoded string may hold half of a surrogate pair. Either would
 * otherwise be changed silently on its way into SQLite (to U+FFFD or {@code ?}). They run on
 * every request, so they read their input once, eight bytes at a time where it is plain ASCII,
 * and allocate nothing.
 */
public final class StrictText {
    /** What {@link #scan} found in a body. */
    public enum Bytes {
        /** Not well-formed UTF-8, or a NUL byte. */
        MALFORMED,
        /** Well-formed, and no backslash-u escape of a surrogate (D800 to DFFF) anywhere. */
        EXACT,
        /** Well-formed, but a surrogate escape may be in it: decoded strings need {@link #hasNoLoneSurrogate}. */
        SURROGATE_ESCAPES
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private StrictText() {}

    /**
     * Checks that {@code b} is well-formed UTF-8 (RFC 3629: shortest form only, no encoded
     * surrogates such as CESU-8's {@code ED A0 80}, nothing above U+10FFFF) without a NUL byte,
     * and notes whether it holds a surrogate escape. JSON text never holds a raw NUL; and without
     * NUL bytes (and the bytes FE and FF) Jackson's encoding detection can only settle on UTF-8.
     */
    public static Bytes scan(byte[] b) {
        boolean surrogateEscapes = false;
        int n = b.length;
        int i = 0;
        while (i < n) {
            if (n - i >= 8) {
                long v = (long) LONGS.get(b, i);
                long x = v ^ BACKSLASHES;
                // Any byte with its high bit set, any zero byte, any backslash: look closer.
                if (((v | ((v - ONES) & ~v) | ((x - ONES) & ~x)) & HIGHS) == 0) {
                    i += 8;
                    continue;
                }
            }
            int c = b[i];
            if (c > 0) {
                if (c == '\\' && i + 1 < n && b[i + 1] > 0) {
                    surrogateEscapes |= isSurrogateEscape(b, i);
                    i += 2; // the escaped character too, so that an escaped backslash ends here
                } else {
                    i++;
                }
                continue;
            }
            int length = sequenceLength(b, i);
            if (length == 0) {
                return Bytes.MALFORMED;
            }
            i += length;
        }
        return surrogateEscapes ? Bytes.SURROGATE_ESCAPES : Bytes.EXACT;
    }

    /** {@code b[i]} is a backslash: is it the start of backslash-u D8..DF? */
    private static boolean isSurrogateEscape(byte[] b, int i) {
        if (i + 3 >= b.length || b[i + 1] != 'u' || (b[i + 2] | 0x20) != 'd') {
            return false;
        }
        int d = b[i + 3] | 0x20; // lower case for letters
        return d == '8' || d == '9' || (d >= 'a' && d <= 'f');
    }

    /** The length of the well-formed non-ASCII sequence at {@code b[i]}, or 0 (also for NUL). */
    private static int sequenceLength(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int need;
        int min = 0x80; // range of the second byte
        int max = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            min = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
            max = c == 0xED ? 0x9F : 0xBF; // ED A0..BF would encode a surrogate
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            min = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
            max = c == 0xF4 ? 0x8F : 0xBF; // F4 90.. would pass U+10FFFF
        } else {
            return 0; // NUL, a continuation byte first, C0/C1 (overlong), or F5..FF
        }
        if (b.length - i <= need) {
            return 0;
        }
        int second = b[i + 1] & 0xFF;
        if (second < min || second > max) {
            return 0;
        }
        for (int k = 2; k <= need; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return need + 1;
    }

    /** True unless {@code s} holds a surrogate that is not half of a high-low pair. */
    public static boolean hasNoLoneSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
                continue;
            }
            if (Character.isLowSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                return false;
            }
            i++; // the low half of the pair
        }
        return true;
    }

    /**
     * How many bytes {@code s.getBytes(UTF_8)} would have, without making them (the access log's
     * {@code sql_byte_length} of every call): a lone surrogate counts 1, as its replacement
     * {@code ?} does.
     */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the two chars of the pair
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }
}
