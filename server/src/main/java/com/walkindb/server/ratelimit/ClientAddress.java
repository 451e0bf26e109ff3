package com.walkindb.server.ratelimit;

import com.walkindb.server.config.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Which caller a request comes from (docs/SECURITY.md, layer 7): the socket's peer, unless the
 * peer is a trusted proxy; then the right-most X-Forwarded-For entry that is not itself trusted.
 * The caller's full address goes to the access log and meta.json; its {@link ClientKey} (IPv6
 * cut to the configured prefix) is what the per-client limits count.
 */
public final class ClientAddress {
    private static final int MAX_ENTRY = 64;
    private final List<Cidr> trusted;
    private final int ipv6PrefixBits;

    /** The caller of one request: its full address, and the key its limits are counted under. */
    public record Client(String address, ClientKey key) {}

    public ClientAddress(List<Cidr> trusted, int ipv6PrefixBits) {
        this.trusted = List.copyOf(trusted);
        this.ipv6PrefixBits = ipv6PrefixBits;
    }

    public Client resolve(InetAddress peer, List<String> forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer) || forwardedFor.isEmpty()) {
            return client(peer);
        }
        InetAddress candidate = peer;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] entries = forwardedFor.get(h).split(",");
            for (int i = entries.length - 1; i >= 0; i--) {
                String entry = entries[i].trim();
                if (entry.isEmpty()) {
                    continue;
                }
                InetAddress parsed = ClientKey.literal(entry);
                if (parsed == null) {
                    String text = entry.length() > MAX_ENTRY ? entry.substring(0, MAX_ENTRY) : entry;
                    return new Client(text, ClientKey.ofText(text, ipv6PrefixBits));
                }
                candidate = parsed;
                if (!isTrusted(parsed)) {
                    return client(candidate);
                }
            }
        }
        return client(candidate);
    }

    /** The key of a connection's peer, for the per-address connection cap. */
    public ClientKey keyOf(InetAddress peer) {
        return ClientKey.of(peer, ipv6PrefixBits);
    }

    /** Whether {@code address} is in WALKINDB_TRUSTED_PROXIES. */
    public boolean isTrusted(InetAddress address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private Client client(InetAddress a) {
        return new Client(a.getHostAddress(), ClientKey.of(a, ipv6PrefixBits));
    }
}
