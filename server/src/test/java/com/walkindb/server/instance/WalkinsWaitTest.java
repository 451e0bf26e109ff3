package com.walkindb.server.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.session.UuidV7;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.time.Ticker;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate and the SQL slot share one wait budget: {@link Limits#gateWait()}, measured on the
 * server's ticker. Tests shrink it, or move the ticker, instead of waiting 2 s.
 */
class WalkinsWaitTest {
    @TempDir Path dir;

    private final InstanceGates gates = new InstanceGates();
    private InstanceStore store;

    private UUID newWalkin() throws Exception {
        store = new InstanceStore(dir, Clock.systemUTC(), Duration.ofMinutes(10), new DatabaseTemplate(dir),
                new DiskGuard(DiskGuard.Space.of(dir), 0, 0, Limits.DEFAULTS.nearlyFullBytes()));
        UUID id = new UuidV7(Clock.systemUTC(), new SecureRandom()).next();
        store.create(id, "127.0.0.1");
        return id;
    }

    private Walkins walkins(SqlWorkers workers, Limits limits, Ticker ticker) {
        ConnectionCache cache = new ConnectionCache(4, Duration.ofSeconds(5), ticker);
        return new Walkins(store, gates, new LocalCalls(store::databaseFile, cache, new AnswerMemory(1 << 20), limits,
                ticker), workers, limits, ticker);
    }

    @Test
    void aShrunkGateWaitAnswersBusySoon() throws Exception {
        UUID id = newWalkin();
        Limits shrunk = Limits.DEFAULTS.withGateWait(Duration.ofMillis(10));
        Walkins walkins = walkins(new SqlWorkers(2), shrunk, Ticker.SYSTEM);
        long start = System.nanoTime();
        try (InstanceGates.Pass held = gates.enter(id, Duration.ZERO)) {
            assertThat(held).isNotNull();
            assertThat(walkins.run(id, true, "SELECT 1", CallArgs.None.INSTANCE))
                    .isInstanceOf(Walkins.Attempt.Busy.class);
        }
        // A safety bound, not a measurement: unshrunk, the wait alone would be 2 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Limits.DEFAULTS.gateWait());
        assertThat(walkins.run(id, true, "SELECT 1", CallArgs.None.INSTANCE))
                .isInstanceOfSatisfying(Walkins.Attempt.Ran.class,
                        ran -> assertThat(ran.outcome()).isInstanceOf(CallOutcome.Success.class));
    }

    @Test
    void theSlotWaitGetsWhatTheTickerSaysIsLeftOfTheBudget() throws Exception {
        UUID id = newWalkin();
        // Every reading is one whole budget later than the one before: the gate wait spends it all.
        AtomicLong readings = new AtomicLong();
        long budget = Limits.DEFAULTS.gateWait().toNanos();
        Ticker jumping = () -> readings.getAndIncrement() * budget;
        SqlWorkers workers = new SqlWorkers(1, jumping);
        Walkins walkins = walkins(workers, Limits.DEFAULTS, jumping);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> holder = pool.submit(() -> workers.run(Duration.ofDays(1), () -> {
                inside.countDown();
                release.await();
                return "held";
            }));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThat(walkins.run(id, true, "SELECT 1", CallArgs.None.INSTANCE))
                    .isInstanceOf(Walkins.Attempt.NoSlot.class);
            // A safety bound: on the system ticker the slot wait alone would be 2 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Limits.DEFAULTS.gateWait());
            release.countDown();
            assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo("held");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
