package com.walkindb.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.walkindb.server.config.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key per-client limits count: IPv4 /32, IPv6 cut to the configured prefix, mapped IPv4 as IPv4. */
class ClientKeyTest {

    private static ClientKey key(String literal, int bits) {
        return ClientKey.of(InetAddress.ofLiteral(literal), bits);
    }

    @Test
    void ipv4IsTheWholeAddress() {
        assertThat(key("203.0.113.7", 64).value()).isEqualTo("203.0.113.7");
        assertThat(key("203.0.113.7", 64)).isNotEqualTo(key("203.0.113.8", 64));
        // the IPv6 prefix never shortens an IPv4 address
        assertThat(key("203.0.113.7", 8)).isNotEqualTo(key("203.0.113.8", 8));
    }

    @Test
    void ipv6AddressesInOneSlash64ShareAKey() {
        ClientKey a = key("2001:db8:1:2::1", 64);
        assertThat(a.value()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(key("2001:db8:1:2::ffff", 64)).isEqualTo(a);
        assertThat(key("2001:db8:1:2:ffff:ffff:ffff:ffff", 64)).isEqualTo(a);
        assertThat(key("2001:db8:1:3::1", 64)).isNotEqualTo(a);
        assertThat(key("2001:db8:2:2::1", 64)).isNotEqualTo(a);
    }

    @Test
    void otherPrefixes() {
        // /48: a site; the fourth group no longer matters
        assertThat(key("2001:db8:1:2::1", 48)).isEqualTo(key("2001:db8:1:ffff::9", 48));
        assertThat(key("2001:db8:1:2::1", 48)).isNotEqualTo(key("2001:db8:2:2::1", 48));
        assertThat(key("2001:db8:1:2::1", 48).value()).isEqualTo("2001:db8:1:0:0:0:0:0/48");
        // /128: every address is its own client
        assertThat(key("2001:db8::1", 128)).isNotEqualTo(key("2001:db8::2", 128));
        assertThat(key("2001:db8::1", 128).value()).isEqualTo("2001:db8:0:0:0:0:0:1/128");
        // a prefix that ends inside a byte: /60 keeps the high nibble of the 8th byte
        assertThat(key("2001:db8:1:20::1", 60)).isEqualTo(key("2001:db8:1:2f::1", 60));
        assertThat(key("2001:db8:1:20::1", 60)).isNotEqualTo(key("2001:db8:1:30::1", 60));
        assertThat(key("2001:db8:1:2f::1", 60).value()).isEqualTo("2001:db8:1:20:0:0:0:0/60");
        assertThat(key("8000::1", 1).value()).isEqualTo("8000:0:0:0:0:0:0:0/1");
        assertThat(key("7fff::1", 1).value()).isEqualTo("0:0:0:0:0:0:0:0/1");
    }

    @Test
    void ipv4MappedIpv6IsTheIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 203;
        mapped[13] = 0;
        mapped[14] = 113;
        mapped[15] = 7;
        // an Inet6Address holding the mapped form, as a dual-stack socket may report it
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, null);
        assertThat(v6).isInstanceOf(Inet6Address.class);
        assertThat(ClientKey.of(v6, 64)).isEqualTo(key("203.0.113.7", 64));
        assertThat(ClientKey.ofText("::ffff:203.0.113.7", 64)).isEqualTo(key("203.0.113.7", 64));
        assertThat(ClientKey.ofText("::ffff:203.0.113.8", 128)).isNotEqualTo(key("203.0.113.7", 128));
    }

    @Test
    void theScopeOfALinkLocalAddressIsNotPartOfTheKey() throws Exception {
        InetAddress plain = InetAddress.ofLiteral("fe80::1");
        InetAddress scoped = Inet6Address.getByAddress(null, plain.getAddress(), 1);
        assertThat(ClientKey.of(scoped, 64)).isEqualTo(ClientKey.of(plain, 64));
    }

    @Test
    void recordedTextMapsToTheSameKeyAsTheAddress() {
        // meta.json holds the full address: restored, it counts under today's key
        assertThat(ClientKey.ofText("2001:db8:1:2:0:0:0:1", 64)).isEqualTo(key("2001:db8:1:2::ffff", 64));
        assertThat(ClientKey.ofText("[2001:db8:1:2::1]", 64)).isEqualTo(key("2001:db8:1:2::2", 64));
        assertThat(ClientKey.ofText("203.0.113.7", 64)).isEqualTo(key("203.0.113.7", 64));
        // not an address: its own key, cut to 64 characters, and never looked up in DNS
        assertThat(ClientKey.ofText("unknown", 64).value()).isEqualTo("unknown");
        assertThat(ClientKey.ofText("cafe", 64).value()).isEqualTo("cafe");
        assertThat(ClientKey.ofText("x".repeat(200), 64).value()).hasSize(64);
    }

    @Test
    void aPrefixOutOfRangeIsRefused() {
        InetAddress a = InetAddress.ofLiteral("2001:db8::1");
        assertThatThrownBy(() -> ClientKey.of(a, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientKey.of(a, 129)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwardedForKeepsTheFullAddressAndKeysTheNetwork() {
        ClientAddress clients = new ClientAddress(List.of(Cidr.parse("127.0.0.1/32")), 64);
        InetAddress proxy = InetAddress.ofLiteral("127.0.0.1");
        ClientAddress.Client c = clients.resolve(proxy, List.of("198.51.100.1, 2001:db8:1:2::ffff"));
        assertThat(InetAddress.ofLiteral(c.address())).isEqualTo(InetAddress.ofLiteral("2001:db8:1:2::ffff"));
        assertThat(c.key()).isEqualTo(key("2001:db8:1:2::1", 64));
        // the right-most untrusted entry wins; trusted hops are skipped
        assertThat(clients.resolve(proxy, List.of("2001:db8:1:3::1", "127.0.0.1")).key())
                .isEqualTo(key("2001:db8:1:3::9", 64));
        // a peer that is not a trusted proxy: the header is ignored
        InetAddress stranger = InetAddress.ofLiteral("2001:db8:9:9::5");
        ClientAddress.Client direct = clients.resolve(stranger, List.of("2001:db8:1:2::1"));
        assertThat(direct.key()).isEqualTo(key("2001:db8:9:9::1", 64));
        assertThat(InetAddress.ofLiteral(direct.address())).isEqualTo(stranger);
        // an entry that is not an address is kept as text, cut to 64 characters
        ClientAddress.Client odd = clients.resolve(proxy, List.of("unknown-" + "y".repeat(100)));
        assertThat(odd.address()).hasSize(64);
        assertThat(odd.key().value()).isEqualTo(odd.address());
    }
}
