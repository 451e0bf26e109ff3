package com.walkindb.server.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.server.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle connections age on the server's ticker: moving it closes them without waiting. */
class ConnectionCacheIdleTest {
    @TempDir Path dir;

    @Test
    void aConnectionIdlePastTheIdleTimeIsClosed() throws Exception {
        TestClock clock = new TestClock();
        ConnectionCache cache = new ConnectionCache(4, Duration.ofSeconds(5), clock);
        Path file = dir.resolve("db.sqlite");
        Files.write(file, new DatabaseTemplate(dir).bytes());
        UUID id = UUID.randomUUID();
        cache.put(id, WalkinConnection.open(file, Limits.DEFAULTS, clock));

        assertThat(cache.closeIdle()).as("not idle long enough yet").isZero();
        assertThat(cache.size()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(6));
        assertThat(cache.closeIdle()).isEqualTo(1);
        assertThat(cache.size()).isZero();
        assertThat(cache.take(id)).isNull();
    }
}
