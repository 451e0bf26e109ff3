package com.walkindb.server.call;

import com.walkindb.server.sql.AnswerMemory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A successful call's complete JSON body, and the owner of its share of {@link AnswerMemory}:
 * the share is held until the transport has written the body (or given up) and calls
 * {@link #release()}. Releasing twice gives back nothing the second time.
 */
public final class Answer {
    private final byte[] body;
    private final AnswerMemory memory;
    private final AtomicLong share;

    Answer(byte[] body, AnswerMemory memory, long share) {
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
        memory.release(share.getAndSet(0));
    }
}
