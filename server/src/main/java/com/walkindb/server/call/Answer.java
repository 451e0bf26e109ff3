package com.walkindb.server.call;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A successful call's complete JSON body, and the owner of its share of answer memory
 * ({@code com.walkindb.server.sql.AnswerMemory}, in the process that built the answer):
 * the share is held until the transport has written the body (or given up) and calls
 * {@link #release()}. Releasing twice gives back nothing the second time.
 */
public final class Answer {
    private final byte[] body;
    private final LongConsumer memory;
    private final AtomicLong share;

    Answer(byte[] body, LongConsumer memory, long share) {
        this.body = body;
        this.memory = memory;
        this.share = new AtomicLong(share);
    }

    public byte[] body() {
        return body;
    }

    /** Whether the answer holds memory that {@link #release()} must give back. */
    public boolean holdsMemory() {
        return share.get() > 0;
    }

    public void release() {
        long bytes = share.getAndSet(0);
        if (bytes > 0) {
            memory.accept(bytes);
        }
    }
}
