package com.walkindb.server.accesslog;

import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many access-log lines a source IP may cause per minute with requests that no request
 * budget charges (404, 405, OPTIONS, /healthz, 429 and other answers before the per-IP budget
 * admitted the request): {@code WALKINDB_ACCESS_LOG_EDGE_LINES}. Past it lines are dropped and
 * counted; the server log says how many at most once a minute.
 */
final class EdgeLines {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeLines.class);
    private static final int MAX_KEYS = 10_000;
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final int perMinute;
    private final int ipv6PrefixBits;
    private final KeyedBudgets<ClientKey> budgets;
    private final Clock clock;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);

    /** {@code ipv6PrefixBits}: an IPv6 caller is one key per prefix of this length, as for the other budgets. */
    EdgeLines(int perMinute, int ipv6PrefixBits, Clock clock) {
        this.perMinute = perMinute;
        this.ipv6PrefixBits = ipv6PrefixBits;
        this.clock = clock;
        this.budgets = perMinute > 0 ? new KeyedBudgets<>(perMinute, MAX_KEYS, clock) : null;
    }

    /** Whether one more edge line of {@code sourceIp} may be written now; counts it as dropped if not. */
    boolean admit(String sourceIp) {
        if (budgets != null && budgets.tryConsume(key(sourceIp)).allowed()) {
            return true;
        }
        dropped.incrementAndGet();
        droppedSinceWarning.incrementAndGet();
        long now = clock.millis();
        long last = lastWarning.get();
        if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_MILLIS) && lastWarning.compareAndSet(last, now)) {
            long n = droppedSinceWarning.getAndSet(0);
            LOG.warn("access log: dropped {} line(s) of requests no budget charges since the last warning (over "
                    + "WALKINDB_ACCESS_LOG_EDGE_LINES={} per source IP and minute; {} in all)", n, perMinute,
                    dropped.get());
        }
        return false;
    }

    /** Lines dropped since start (tests, figures). */
    long dropped() {
        return dropped.get();
    }

    /** The same key the per-client budgets count (IPv6 cut to its prefix). */
    ClientKey key(String ip) {
        return ClientKey.ofText(ip == null ? "" : ip, ipv6PrefixBits);
    }
}
