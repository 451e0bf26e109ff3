package com.walkindb.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {
    private static final String NOW = "2025-11-21T09:00:00.123Z";
    private static final long NOW_MILLIS = 1_763_715_600_123L;

    @Test
    void valueHasVersion7AndRfcVariant() {
        UUID id = new UuidV7(TestClock.at(NOW), new SecureRandom()).next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void firstFortyEightBitsAreTheClockMilliseconds() {
        UUID id = new UuidV7(TestClock.at(NOW), new SecureRandom()).next();

        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(NOW_MILLIS);
    }

    @Test
    void allOtherBitsComeFromTheRandomSource() {
        UUID ones = new UuidV7(TestClock.at(NOW), new FixedBytesRandom(0xFF)).next();
        UUID zeros = new UuidV7(TestClock.at(NOW), new FixedBytesRandom(0x00)).next();

        assertThat(ones).hasToString("019aa5a4-4efb-7fff-bfff-ffffffffffff");
        assertThat(zeros).hasToString("019aa5a4-4efb-7000-8000-000000000000");
    }

    @Test
    void tenThousandValuesInOneMillisecondAreUnique() {
        UuidV7 ids = new UuidV7(TestClock.at(NOW), new SecureRandom());
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ids.next());
        }

        assertThat(seen).hasSize(10_000);
    }

    @Test
    void valuesFromLaterMillisecondsSortLater() {
        TestClock clock = TestClock.at(NOW);
        UuidV7 ids = new UuidV7(clock, new SecureRandom());
        List<UUID> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            made.add(ids.next());
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(made.getLast().getMostSignificantBits() >>> 16).isEqualTo(NOW_MILLIS + 9_999);
    }

    @Test
    void versionCheckAcceptsOnlyVersion7WithRfcVariant() {
        assertThat(UuidV7.isV7(UUID.fromString("019aa5a4-4efb-7000-8000-000000000000"))).isTrue();
        assertThat(UuidV7.isV7(UUID.fromString("019aa5a4-4efb-4000-8000-000000000000"))).isFalse();
        assertThat(UuidV7.isV7(UUID.fromString("019aa5a4-4efb-7000-c000-000000000000"))).isFalse();
        assertThat(UuidV7.isV7(UUID.randomUUID())).isFalse();
    }
}
