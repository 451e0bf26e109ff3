package com.walkindb.server.worker;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A worker's frames to the supervisor. Calls finish on many threads; each frame is encoded
 * into one reused buffer, written whole and flushed while this is held.
 */
final class WorkerOutput {
    /** Fills the frame to send. */
    interface Encoder {
        void encode(FrameOut frame);
    }

    private final OutputStream out;
    private final FrameOut frame = new FrameOut(); // guarded by this

    WorkerOutput(OutputStream out) {
        this.out = out;
    }

    /** Sends one frame; false when the supervisor is gone (the worker then sees its input end). */
    synchronized boolean send(Encoder encoder) {
        try {
            encoder.encode(frame);
            frame.writeTo(out);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
