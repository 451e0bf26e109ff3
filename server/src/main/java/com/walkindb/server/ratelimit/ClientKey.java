package com.walkindb.server.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The identity every per-client limit counts against (request and creation budgets, the
 * live-walk-in cap, the connection cap): an IPv4 address as a whole (/32), an IPv6 address cut to
 * its first {@code WALKINDB_IPV6_PREFIX} bits (a /64 by default: one customer's network, in which
 * any host picks new addresses at will). An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is
 * its IPv4 address. The access log and meta.json keep the caller's full address; only limits
 * use the key.
 *
 * @param value {@code a.b.c.d}, or the masked IPv6 network as {@code x:x:x:x:x:x:x:x/bits}, or
 *              for a forwarded entry that is not an address, that entry as it came
 */
public record ClientKey(String value) {
    private static final int MAX_TEXT = 64;

    /** The key of {@code address} with IPv6 cut to {@code ipv6PrefixBits} (1–128). */
    public static ClientKey of(InetAddress address, int ipv6PrefixBits) {
        if (ipv6PrefixBits < 1 || ipv6PrefixBits > 128) {
            throw new IllegalArgumentException("IPv6 prefix out of range: " + ipv6PrefixBits);
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return new ClientKey(address.getHostAddress());
        }
        if (isIpv4Mapped(b)) {
            return new ClientKey((b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff));
        }
        int full = ipv6PrefixBits / 8, rest = ipv6PrefixBits % 8;
        byte[] net = new byte[16];
        System.arraycopy(b, 0, net, 0, full);
        if (rest != 0) {
            net[full] = (byte) (b[full] & (0xff << (8 - rest)));
        }
        try {
            // the scope (%eth0) of a link-local address is not part of the network: it is dropped
            return new ClientKey(Inet6Address.getByAddress(null, net, null).getHostAddress() + "/" + ipv6PrefixBits);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    /**
     * The key of an address written as text: the creator recorded in a walk-in's meta.json, or
     * an X-Forwarded-For entry. An IP literal is keyed as {@link #of} keys it (so a full address
     * recorded before a restart, or before the prefix changed, counts against today's key);
     * anything else (no DNS lookup ever happens) is its own key, cut to 64 characters.
     */
    public static ClientKey ofText(String text, int ipv6PrefixBits) {
        InetAddress literal = literal(text);
        if (literal != null) {
            return of(literal, ipv6PrefixBits);
        }
        String t = text.trim();
        return new ClientKey(t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t);
    }

    /** Parses an IPv4 or IPv6 literal (brackets allowed), or null; never resolves a name. */
    static InetAddress literal(String s) {
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || t.length() > 45) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(t);
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
