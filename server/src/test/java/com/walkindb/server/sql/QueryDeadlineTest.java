package com.walkindb.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query deadline is read from the connection's ticker: moving it ends a call without waiting 2 s. */
class QueryDeadlineTest {
    private static final String ENDLESS =
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

    /** Stands still until the test moves it; counts down once the deadline was set and looked at. */
    private static final class HandTicker implements Ticker {
        final AtomicLong now = new AtomicLong();
        final CountDownLatch looked = new CountDownLatch(2);

        @Override
        public long nanoTime() {
            looked.countDown();
            return now.get();
        }
    }

    @TempDir Path dir;

    private WalkinConnection open(Ticker ticker) throws Exception {
        Path file = dir.resolve("db.sqlite");
        Files.write(file, new DatabaseTemplate(dir).bytes());
        return WalkinConnection.open(file, Limits.DEFAULTS, ticker);
    }

    @Test
    void anEndlessQueryTimesOutOnceTheTickerPassesTheDeadline() throws Exception {
        HandTicker ticker = new HandTicker();
        WalkinConnection connection = open(ticker);
        connection.release(); // the call runs on another thread
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CallOutcome> call = pool.submit(() -> {
                connection.claim();
                try {
                    return CallExecutor.execute(connection, ENDLESS, CallArgs.None.INSTANCE,
                            new AnswerMemory(1 << 20));
                } finally {
                    connection.close();
                }
            });
            // Once the deadline is set and the progress handler has looked at it, the query runs.
            assertThat(ticker.looked.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(call.isDone()).as("a ticker standing still never ends the call").isFalse();
            ticker.now.addAndGet(Limits.DEFAULTS.queryDeadline().plusNanos(1).toNanos());
            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(CallOutcome.Timeout.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aShrunkDeadlineEndsTheCallOnTheSystemTicker() throws Exception {
        Path file = dir.resolve("db.sqlite");
        Files.write(file, new DatabaseTemplate(dir).bytes());
        // Short enough to keep the test quick, long enough that SELECT 1 fits on a loaded machine.
        Limits shrunk = Limits.DEFAULTS.withQueryDeadline(Duration.ofSeconds(1));
        try (WalkinConnection connection = WalkinConnection.open(file, shrunk, Ticker.SYSTEM)) {
            assertThat(CallExecutor.execute(connection, ENDLESS, CallArgs.None.INSTANCE, new AnswerMemory(1 << 20)))
                    .isInstanceOf(CallOutcome.Timeout.class);
            assertThat(connection.resetAfterCall()).isTrue(); // as Walkins does between calls
            assertThat(CallExecutor.execute(connection, "SELECT 1", CallArgs.None.INSTANCE, new AnswerMemory(1 << 20)))
                    .as("the next call gets a deadline of its own").isInstanceOf(CallOutcome.Success.class);
        }
    }
}
