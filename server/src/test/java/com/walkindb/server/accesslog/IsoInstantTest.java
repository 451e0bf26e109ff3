package com.walkindb.server.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
    private final IsoInstant iso = new IsoInstant();

    @Test
    void writesWhatInstantToStringWrites() {
        for (String s : new String[] {"2026-12-07T20:48:22Z", "2026-12-07T20:48:22.100Z", "2026-12-07T20:48:22.000100Z",
                "2026-12-07T20:48:22.000000001Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z",
                "0000-01-01T00:00:00.5Z", "9999-12-31T23:59:59.123456Z"}) {
            Instant i = Instant.parse(s);
            assertThat(iso.format(i)).isEqualTo(i.toString());
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 20_000; n++) {
            // Runs of the same second (the cache) and jumps between seconds, with every kind of fraction.
            long second = 1_700_000_000L + random.nextLong(3 * 86_400);
            int nano = switch (n % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            for (int k = 0; k < 3; k++) {
                Instant i = Instant.ofEpochSecond(second, (nano + k) % 1_000_000_000);
                assertThat(iso.format(i)).isEqualTo(i.toString());
            }
        }
    }

    @Test
    void yearsPastFourDigitsTakeTheJdksForm() {
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(iso.format(far)).isEqualTo(far.toString());
        Instant before = Instant.parse("-0001-06-01T12:00:00.25Z");
        assertThat(iso.format(before)).isEqualTo(before.toString());
    }
}
