package com.walkindb.server.ratelimit;

import com.walkindb.server.config.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Which address a request counts against (SPEC §4 layer 7): the socket's peer, unless the peer
 * is a trusted proxy; then the right-most X-Forwarded-For entry that is not itself trusted.
 */
public final class ClientAddress {
    private static final int MAX_ENTRY = 64;
    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    public String resolve(InetAddress peer, List<String> forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer) || forwardedFor.isEmpty()) {
            return peer.getHostAddress();
        }
        String candidate = peer.getHostAddress();
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] entries = forwardedFor.get(h).split(",");
            for (int i = entries.length - 1; i >= 0; i--) {
                String entry = entries[i].trim();
                if (entry.isEmpty()) {
                    continue;
                }
                InetAddress parsed = literal(entry);
                if (parsed == null) {
                    return entry.length() > MAX_ENTRY ? entry.substring(0, MAX_ENTRY) : entry;
                }
                candidate = parsed.getHostAddress();
                if (!isTrusted(parsed)) {
                    return candidate;
                }
            }
        }
        return candidate;
    }

    private boolean isTrusted(InetAddress a) {
        for (Cidr c : trusted) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Parses an IP literal without ever resolving a name. */
    private static InetAddress literal(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > 45 || !t.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
