package com.walkindb.server.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call waits for a SQL slot only as long as it is told, then gets null (answered busy). */
class SqlWorkersTest {
    @Test
    void aCallThatFindsEverySlotTakenGivesUpAfterItsWait() throws Exception {
        SqlWorkers workers = new SqlWorkers(1);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> holder = pool.submit(() -> workers.run(Duration.ofSeconds(5), () -> {
                inside.countDown();
                release.await();
                return "held";
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            assertThat(workers.run(Duration.ofMillis(200), () -> "ran")).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(workers.run(Duration.ZERO, () -> "ran")).isNull();
            assertThat(workers.run(Duration.ofMillis(-5), () -> "ran")).as("a wait already spent").isNull();

            release.countDown();
            assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("held");
            assertThat(workers.run(Duration.ZERO, () -> "ran")).isEqualTo("ran");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskGivesItsSlotBack() throws Exception {
        SqlWorkers workers = new SqlWorkers(1);
        assertThatThrownBy(() -> workers.run(Duration.ZERO, () -> {
            throw new IllegalArgumentException("boom");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
        assertThat(workers.run(Duration.ZERO, () -> "ran")).isEqualTo("ran");
    }
}
