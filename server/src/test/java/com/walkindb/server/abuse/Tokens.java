package com.walkindb.server.abuse;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and forges session tokens ({@code wkn_} + base64url of UUIDv7 ‖ nonce ‖ MAC). */
final class Tokens {
    static final int RAW_BYTES = 16 + 32 + 32;
    static final int LENGTH = 4 + 107;
    private static final Pattern TOKEN = Pattern.compile("wkn_[A-Za-z0-9_-]{107}");

    private Tokens() {}

    static byte[] raw(String token) {
        return Base64.getUrlDecoder().decode(token.substring(4));
    }

    static String encode(byte[] raw) {
        return "wkn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The walk-in id a well-formed token names (whether or not its MAC holds), or null. */
    static UUID instanceId(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(raw(token));
            return new UUID(b.getLong(), b.getLong());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every well-formed token spelled somewhere in {@code text}. */
    static java.util.List<String> findAll(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** {@code token} with the UUID part replaced by {@code id} (nonce and MAC kept). */
    static String withInstance(String token, UUID id) {
        byte[] raw = raw(token);
        ByteBuffer.wrap(raw).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return encode(raw);
    }

    /** {@code token} with one bit of byte {@code index} of its raw form flipped. */
    static String flipBit(String token, int index) {
        byte[] raw = raw(token);
        raw[index] ^= 0x01;
        return encode(raw);
    }
}
