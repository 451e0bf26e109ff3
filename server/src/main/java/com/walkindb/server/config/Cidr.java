package com.walkindb.server.config;

import java.net.InetAddress;

/** An IPv4 or IPv6 network written as {@code address/prefix}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        byte[] addr;
        try {
            addr = InetAddress.ofLiteral(host).getAddress(); // never a DNS lookup: "cafe" is a name
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: " + host);
        }
        int prefix;
        try {
            prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix is not a number: " + t);
        }
        if (prefix < 0 || prefix > addr.length * 8) {
            throw new IllegalArgumentException("prefix out of range: " + t);
        }
        return new Cidr(addr, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8, rest = prefix % 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
