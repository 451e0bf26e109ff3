package com.walkindb.server.sql;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The Java heap that large answers may hold at once, process-wide (WALKINDB_ANSWER_MEMORY_MB).
 * An answer holds its share from the moment its rows pass {@code Limits.answerFreeBytes} until its last
 * byte is written to the socket: a caller that reads slowly keeps its answer in memory, and
 * without a bound a few hundred such callers with 1 MiB answers would exhaust the heap.
 *
 * <p>A call whose rows cannot get memory ends, rolled back, with 503 server busy; the budget is
 * taken while the rows are built, before COMMIT, so a refused answer never hides a committed
 * write. Small answers never wait: they are written to the socket buffer at once.
 */
public final class AnswerMemory implements LongConsumer {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public AnswerMemory(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    /** Takes {@code bytes} if they fit under the capacity. */
    public boolean tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what a finished (or failed) answer held. */
    public void release(long bytes) {
        if (bytes > 0) {
            held.addAndGet(-bytes);
        }
    }

    /** {@link #release}: an answer's share goes back here once written. */
    @Override
    public void accept(long bytes) {
        release(bytes);
    }

    /** Bytes held by answers now. */
    public long held() {
        return held.get();
    }
}
