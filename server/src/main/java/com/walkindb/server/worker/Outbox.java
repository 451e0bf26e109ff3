package com.walkindb.server.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Frames on their way to one worker, written to its standard input by a platform thread of
 * their own. Callers are virtual threads, and a pipe write is blocking file I/O: on a virtual
 * thread it holds the carrier for as long as the pipe is full, so a worker that stopped reading
 * could take every carrier (on older JDKs the JDK also started a carrier to make up for each
 * write, about a thread start per call under load). Here a caller only queues its frame; the
 * writer writes whatever has queued up and flushes once per batch. Writing from the caller when
 * nothing was queued was measured on JDK 25: no CPU saved (docs/ARCHITECTURE.md).
 */
final class Outbox {
    private final OutputStream out;
    private final ConcurrentLinkedQueue<FrameOut> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean parked = new AtomicBoolean();
    private final Thread writer;
    private volatile boolean closing;
    private volatile boolean broken;

    Outbox(OutputStream out, String threadName) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name(threadName).start(this::drain);
    }

    /** Queues one frame, written as it is (no copy); false once the worker's input is closed or broken. */
    boolean offer(FrameOut frame) {
        if (broken || closing) {
            return false;
        }
        queue.add(frame);
        if (parked.get()) {
            LockSupport.unpark(writer);
        }
        return true;
    }

    /** Writes what is queued, then closes the worker's input (it exits when it reads the end). */
    void close() {
        closing = true;
        LockSupport.unpark(writer);
    }

    private void drain() {
        try {
            while (true) {
                FrameOut frame = queue.poll();
                if (frame != null) {
                    frame.writeTo(out);
                    continue;
                }
                out.flush();
                if (closing && queue.isEmpty()) {
                    out.close();
                    return;
                }
                parked.set(true);
                if (queue.isEmpty() && !closing) {
                    LockSupport.park(this); // an offer after the check above unparks us, or finds the queue seen
                }
                parked.set(false);
            }
        } catch (IOException e) {
            broken = true; // the worker is gone; its reader reports how
            queue.clear();
        }
    }
}
