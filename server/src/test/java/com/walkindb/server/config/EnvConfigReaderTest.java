package com.walkindb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvConfigReaderTest {

    @Test
    void defaultsAreTheContractsDefaults() {
        Config c = EnvConfigReader.read(Map.of());
        assertThat(c.listen().getHostString()).isEqualTo("127.0.0.1");
        assertThat(c.listen().getPort()).isEqualTo(8080);
        assertThat(c.dataDir().toString()).endsWith("/data");
        assertThat(c.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.requestsPerMinute()).isEqualTo(60);
        assertThat(c.creationsPerMinute()).isEqualTo(10);
        assertThat(c.maxInstancesPerIp()).isEqualTo(50);
        assertThat(c.instanceRequestsPerMinute()).isEqualTo(300);
        assertThat(c.trustedProxies()).isEmpty();
        assertThat(c.sweepInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.answerMemory()).isEqualTo(16L << 20);
        assertThat(c.isolation().warmSpares()).isTrue();
        assertThat(EnvConfigReader.read(Map.of("WALKINDB_WORKER_WARMUP", "off")).isolation().warmSpares()).isFalse();
        assertThat(EnvConfigReader.read(Map.of("WALKINDB_ANSWER_MEMORY_MB", "8")).answerMemory()).isEqualTo(8L << 20);
    }

    @Test
    void sandboxIsOnByDefaultAndReadCaseInsensitively() {
        assertThat(EnvConfigReader.read(Map.of()).sandbox())
                .isEqualTo(new SandboxSettings(SandboxSettings.Mode.ON, false, null));
        assertThat(EnvConfigReader.read(Map.of("WALKINDB_SANDBOX", "Require")).sandbox().mode())
                .isEqualTo(SandboxSettings.Mode.REQUIRE);
        SandboxSettings s = EnvConfigReader.read(Map.of("WALKINDB_SANDBOX", "off",
                "WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", "1", "WALKINDB_SANDBOX_JAILED", "abi=7")).sandbox();
        assertThat(s).isEqualTo(new SandboxSettings(SandboxSettings.Mode.OFF, true, "abi=7"));
    }

    @Test
    void valuesAreRead() {
        Config c = EnvConfigReader.read(Map.of("WALKINDB_ADDR", "[::1]:0", "WALKINDB_TTL", "2",
                "WALKINDB_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7"));
        assertThat(c.listen().getPort()).isZero();
        assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.trustedProxies()).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "WALKINDB_TTL|ten|WALKINDB_TTL=\"ten\" is not a whole number",
            "WALKINDB_TTL|0|WALKINDB_TTL=\"0\" is out of range",
            "WALKINDB_RATE_LIMIT_REQS|-5|WALKINDB_RATE_LIMIT_REQS=\"-5\" is out of range",
            "WALKINDB_ADDR|localhost|WALKINDB_ADDR=\"localhost\" must be host:port",
            "WALKINDB_ADDR|127.0.0.1:99999|WALKINDB_ADDR=\"127.0.0.1:99999\" has a port out of range",
            "WALKINDB_TRUSTED_PROXIES|10.0.0.0/33|WALKINDB_TRUSTED_PROXIES=\"10.0.0.0/33\"",
            "WALKINDB_TRUSTED_PROXIES|example.com|WALKINDB_TRUSTED_PROXIES=\"example.com\": not an IP address",
            "WALKINDB_TRUSTED_PROXIES|cafe/16|WALKINDB_TRUSTED_PROXIES=\"cafe/16\": not an IP address",
            "WALKINDB_TRUSTED_PROXIES|10.0.0.0/x|WALKINDB_TRUSTED_PROXIES=\"10.0.0.0/x\": prefix",
            "WALKINDB_ANSWER_MEMORY_MB|0|WALKINDB_ANSWER_MEMORY_MB=\"0\" is out of range",
            "WALKINDB_ACCESS_LOG|maybe|WALKINDB_ACCESS_LOG=\"maybe\" is not on/off",
            "WALKINDB_WORKER_WARMUP|later|WALKINDB_WORKER_WARMUP=\"later\" is not on/off",
            "WALKINDB_SANDBOX|maybe|WALKINDB_SANDBOX=\"maybe\" is not on, off or require",
            "WALKINDB_ADDR|:8080|WALKINDB_ADDR=\":8080\" has no host: write 127.0.0.1:8080 for this machine only, or 0.0.0.0:8080 for every interface",
            "WALKINDB_ADDR|no-such-host.invalid:8080|WALKINDB_ADDR=\"no-such-host.invalid:8080\": cannot resolve no-such-host.invalid (",
            "WALKINDB_ADMIN_ADDR|:9091|WALKINDB_ADMIN_ADDR=\":9091\" has no host",
            "WALKINDB_PROFILE|staging|WALKINDB_PROFILE=\"staging\" is not production or dev",
            "WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK|perhaps|WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK=\"perhaps\" is not on/off"})
    void badValueStopsStartUpNamingTheVariable(String name, String value, String message) {
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of(name, value)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void devProfileLiftsThePerClientAndPerWalkinLimitsOnly() {
        Config prod = EnvConfigReader.read(Map.of());
        Config dev = EnvConfigReader.read(Map.of("WALKINDB_PROFILE", "dev"));
        assertThat(prod.dev()).isFalse();
        assertThat(dev.dev()).isTrue();
        assertThat(List.of(dev.requestsPerMinute(), dev.creationsPerMinute(), dev.maxInstancesPerIp(),
                dev.instanceRequestsPerMinute(), dev.maxConnectionsPerIp())).containsOnly(DevProfile.LIFTED);
        assertThat(dev.dataIo().importBudgetBytesPerMinute()).isEqualTo((long) DevProfile.LIFTED << 20);
        assertThat(prod.dataIo().importBudgetBytesPerMinute()).isEqualTo(20L << 20);
        // everything else as in production: the TTL, the server-wide guards, the contract's limits
        assertThat(dev.ttl()).isEqualTo(prod.ttl());
        assertThat(dev.maxInflight()).isEqualTo(prod.maxInflight());
        assertThat(dev.maxConnections()).isEqualTo(prod.maxConnections());
        assertThat(dev.diskMinFreeBytes()).isEqualTo(prod.diskMinFreeBytes());
        assertThat(dev.limits()).isEqualTo(prod.limits());
        // a value set explicitly still wins, and the banner says which were kept
        Config mixed = EnvConfigReader.read(Map.of("WALKINDB_PROFILE", "Dev", "WALKINDB_RATE_LIMIT_REQS", "5",
                "WALKINDB_TTL", "60"));
        assertThat(mixed.requestsPerMinute()).isEqualTo(5);
        assertThat(mixed.creationsPerMinute()).isEqualTo(DevProfile.LIFTED);
        assertThat(DevProfile.banner(mixed)).startsWith("DEV MODE").contains("kept as set: WALKINDB_RATE_LIMIT_REQS=5",
                "TTL 60 s as set").doesNotContain("WARNING");
        assertThat(DevProfile.banner(EnvConfigReader.read(Map.of("WALKINDB_PROFILE", "dev",
                "WALKINDB_ADDR", "0.0.0.0:8080")))).contains("WARNING: WALKINDB_ADDR 0.0.0.0:8080 is not a loopback");
    }

    @Test
    void theDevArgumentIsTheDevProfileAndContradictingItIsRefused() {
        assertThat(DevProfile.withDevFlag(Map.of())).containsEntry("WALKINDB_PROFILE", "dev");
        assertThat(DevProfile.withDevFlag(Map.of("WALKINDB_PROFILE", "dev"))).containsEntry("WALKINDB_PROFILE", "dev");
        assertThatThrownBy(() -> DevProfile.withDevFlag(Map.of("WALKINDB_PROFILE", "production")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--dev contradicts WALKINDB_PROFILE=\"production\"; drop one of them");
    }

    @Test
    void cidrMatchesItsNetworkOnly() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertThat(net.contains(InetAddress.getByName("10.1.255.3"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/31").contains(InetAddress.getByName("10.1.2.2"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3/31").contains(InetAddress.getByName("10.1.2.4"))).isFalse();
    }

    @Test
    void edgeRateLimitsLiftThePerClientBudgetsOnlyAndASetValueStillWins() {
        Config edge = EnvConfigReader.read(Map.of("WALKINDB_RATE_LIMITS", "edge"));
        assertThat(edge.node().edgeLimits()).isTrue();
        assertThat(List.of(edge.requestsPerMinute(), edge.creationsPerMinute(), edge.maxInstancesPerIp(),
                edge.maxConnectionsPerIp())).containsOnly(DevProfile.LIFTED);
        assertThat(edge.dataIo().importBudgetBytesPerMinute()).isEqualTo((long) DevProfile.LIFTED << 20);
        assertThat(edge.instanceRequestsPerMinute()).isEqualTo(300);
        assertThat(edge.maxInflight()).isEqualTo(256);
        assertThat(edge.dev()).isFalse();
        Config set = EnvConfigReader.read(Map.of("WALKINDB_RATE_LIMITS", " EDGE ", "WALKINDB_RATE_LIMIT_REQS", "7"));
        assertThat(set.requestsPerMinute()).isEqualTo(7);
        assertThat(EnvConfigReader.read(Map.of()).node().edgeLimits()).isFalse();
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_RATE_LIMITS", "proxy")))
                .isInstanceOf(ConfigException.class).hasMessage("WALKINDB_RATE_LIMITS=\"proxy\" is not local or edge");
    }

    @Test
    void theNodeNameIsCheckedAndDefaultsToTheHostName() {
        assertThat(EnvConfigReader.read(Map.of("WALKINDB_NODE_NAME", "node-1")).node().name()).isEqualTo("node-1");
        assertThat(EnvConfigReader.read(Map.of()).node().name()).isEqualTo(Node.defaultName()).isNotEmpty();
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_NODE_NAME", "node 1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("WALKINDB_NODE_NAME=\"node 1\" must be");
        assertThatThrownBy(() -> EnvConfigReader.read(Map.of("WALKINDB_NODE_NAME", "n".repeat(65))))
                .isInstanceOf(ConfigException.class);
    }
}
