package com.walkindb.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * Token buckets per key (an IP, a walk-in), N per minute refilled smoothly, held in a cache
 * bounded to {@code maxKeys} entries. A key evicted after two idle minutes would have had a
 * full bucket anyway, so eviction never grants more than the budget.
 */
public final class KeyedBudgets<K> {
    private final Cache<K, Bucket> buckets;
    private final int perMinute;
    private final TimeMeter time;

    public KeyedBudgets(int perMinute, int maxKeys, Clock clock) {
        this.perMinute = perMinute;
        this.time = new ClockTimeMeter(clock);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofMinutes(2))
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
    }

    /** Takes one token from the key's bucket. */
    public Verdict tryConsume(K key) {
        return tryConsume(key, 1);
    }

    /** Takes {@code tokens} tokens at once, or none; more than a minute's budget never fits. */
    public Verdict tryConsume(K key, long tokens) {
        if (tokens > perMinute) {
            return Verdict.refused(Duration.ofMinutes(1).toNanos());
        }
        Bucket bucket = buckets.get(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .withCustomTimePrecision(time)
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
        return probe.isConsumed() ? Verdict.ALLOWED : Verdict.refused(probe.getNanosToWaitForRefill());
    }

    /** Bucket4j reads time through this, so tests move a clock instead of sleeping. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
