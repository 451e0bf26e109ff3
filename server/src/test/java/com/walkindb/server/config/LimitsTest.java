package com.walkindb.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.sqlite.Limit;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults are the numbers docs/API.md ("Limits") publishes; tests may shrink single values. */
class LimitsTest {
    private static final Limits L = Limits.DEFAULTS;

    @Test
    void theDefaultsAreTheDocumentedContract() {
        assertThat(L.maxBodyBytes()).isEqualTo(8192);
        assertThat(L.maxHeaderBytes()).isEqualTo(8 * 1024);
        assertThat(L.queryDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(L.gateWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(L.maxRows()).isEqualTo(10_000);
        assertThat(L.maxResultBytes()).isEqualTo(1024 * 1024);
        assertThat(L.maxArgs()).isEqualTo(100);
        assertThat(L.maxPageCount()).isEqualTo(2560);
        assertThat(L.maxPageCount() * 4096L).as("10 MB per walk-in").isEqualTo(10_485_760L);
        assertThat(L.busyTimeoutMs()).isEqualTo(1000);
        assertThat(L.minBodyBytesPerSecond()).isEqualTo(512);
        assertThat(L.bodyGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(L.bodyGrace().toSeconds() + L.maxBodyBytes() / L.minBodyBytesPerSecond())
                .as("8 KB within 19 s").isEqualTo(19);
        assertThat(L.headDeadline()).isEqualTo(Duration.ofSeconds(20));
        assertThat(L.accessLogDays()).isEqualTo(7);
        assertThat(L.maxJsonDepth()).isEqualTo(32);
        assertThat(L.maxNumberChars()).isEqualTo(100);
        assertThat(L.maxHintChars()).as("hints stay under 500 characters").isLessThan(500);
        assertThat(L.sqliteLimits()).isEqualTo(Map.ofEntries(
                Map.entry(Limit.SQL_LENGTH, 8192), Map.entry(Limit.LENGTH, 1_000_000),
                Map.entry(Limit.COLUMN, 100), Map.entry(Limit.EXPR_DEPTH, 50),
                Map.entry(Limit.COMPOUND_SELECT, 10), Map.entry(Limit.VDBE_OP, 500_000),
                Map.entry(Limit.FUNCTION_ARG, 16), Map.entry(Limit.ATTACHED, 0),
                Map.entry(Limit.LIKE_PATTERN_LENGTH, 100), Map.entry(Limit.VARIABLE_NUMBER, 100),
                Map.entry(Limit.TRIGGER_DEPTH, 5), Map.entry(Limit.WORKER_THREADS, 0)));
        assertThat(L.sqliteLimits().get(Limit.VARIABLE_NUMBER)).as("one bound value per variable")
                .isEqualTo(L.maxArgs());
    }

    @Test
    void theServersOwnBoundsKeepTheirValues() {
        assertThat(L.maxTrackedIps()).isEqualTo(10_000);
        assertThat(L.maxTrackedInstances()).isEqualTo(100_000);
        assertThat(L.sweepBatch()).isEqualTo(10_000);
        assertThat(L.connectionIdleTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(L.answerFreeBytes()).isEqualTo(64 * 1024);
        assertThat(L.answerStepBytes()).isEqualTo(256 * 1024);
        assertThat(L.heapRoomWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(L.opsBetweenDeadlineChecks()).isEqualTo(1000);
        assertThat(L.hintMaxTables()).isEqualTo(200);
        assertThat(L.hintMaxScope()).isEqualTo(8);
        assertThat(L.hintMaxCompared()).isEqualTo(64);
        assertThat(L.nearlyFullBytes()).as("one walk-in and a MiB").isEqualTo(2560 * 4096L + (1 << 20));
        assertThat(L.stopWait()).isEqualTo(Duration.ofSeconds(4));
        assertThat(L.stopLimit()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theEnvironmentNeverChangesThemAndTestsReplaceThemWhole() {
        Config config = EnvConfigReader.read(Map.of("WALKINDB_TTL", "60"));
        assertThat(config.limits()).isSameAs(Limits.DEFAULTS);

        Limits shrunk = L.withQueryDeadline(Duration.ofMillis(50)).withGateWait(Duration.ofMillis(10));
        Config shrunkConfig = config.withLimits(shrunk);
        assertThat(shrunkConfig.limits().queryDeadline()).isEqualTo(Duration.ofMillis(50));
        assertThat(shrunkConfig.limits().gateWait()).isEqualTo(Duration.ofMillis(10));
        assertThat(shrunkConfig.limits().maxRows()).isEqualTo(L.maxRows());
        assertThat(shrunkConfig.withLimits(L)).isEqualTo(config);
    }
}
