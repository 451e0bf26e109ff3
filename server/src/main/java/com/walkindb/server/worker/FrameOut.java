package com.walkindb.server.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one frame: a 4-byte big-endian length, then the payload ({@link Frames}). Reused by its
 * owner where one thread writes (the worker); the supervisor builds one per frame it queues.
 */
final class FrameOut {
    /** A CALL of a short statement fits; the supervisor makes one per frame, so this is per call. */
    private byte[] buf = new byte[256];
    private int len = 4; // room for the length

    FrameOut reset() {
        len = 4;
        return this;
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    FrameOut u8(int v) {
        room(1);
        buf[len++] = (byte) v;
        return this;
    }

    FrameOut i32(int v) {
        room(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    FrameOut i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    /** Length-prefixed bytes; null is written as length -1. */
    FrameOut bytes(byte[] b) {
        if (b == null) {
            return i32(-1);
        }
        i32(b.length);
        room(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    FrameOut text(String s) {
        return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the frame with its length (not flushed). */
    void writeTo(OutputStream out) throws IOException {
        int payload = len - 4;
        buf[0] = (byte) (payload >>> 24);
        buf[1] = (byte) (payload >>> 16);
        buf[2] = (byte) (payload >>> 8);
        buf[3] = (byte) payload;
        out.write(buf, 0, len);
    }

    /** The payload written so far (tests). */
    byte[] payload() {
        return Arrays.copyOfRange(buf, 4, len);
    }
}
