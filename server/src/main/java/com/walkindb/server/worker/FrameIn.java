package com.walkindb.server.worker;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads frames from a stream ({@link Frames}): each is read whole first, then parsed, so a
 * frame that lies about its contents fails as a protocol error, never as a read past its end.
 */
final class FrameIn {
    private final DataInputStream in;
    private final int maxFrameBytes;
    private ByteBuffer frame;

    FrameIn(DataInputStream in, int maxFrameBytes) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** A parser over the bytes of one frame (tests and decoders). */
    static FrameIn of(byte[] payload) {
        FrameIn f = new FrameIn(null, payload.length);
        f.frame = ByteBuffer.wrap(payload);
        return f;
    }

    /** Reads the next frame; false at a clean end of stream (between frames). */
    boolean next() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return false;
        }
        if (length < 1 || length > maxFrameBytes) {
            throw new IOException("bad frame length " + length);
        }
        byte[] b = new byte[length];
        in.readFully(b);
        frame = ByteBuffer.wrap(b);
        return true;
    }

    int u8() throws IOException {
        need(1);
        return frame.get() & 0xff;
    }

    int i32() throws IOException {
        need(4);
        return frame.getInt();
    }

    long i64() throws IOException {
        need(8);
        return frame.getLong();
    }

    double f64() throws IOException {
        need(8);
        return frame.getDouble();
    }

    byte[] bytes() throws IOException {
        int n = i32();
        if (n == -1) {
            return null;
        }
        if (n < 0) {
            throw new IOException("bad length " + n);
        }
        need(n);
        byte[] b = new byte[n];
        frame.get(b);
        return b;
    }

    String text() throws IOException {
        int n = i32();
        if (n == -1) {
            return null;
        }
        if (n < 0) {
            throw new IOException("bad length " + n);
        }
        need(n);
        String s = new String(frame.array(), frame.arrayOffset() + frame.position(), n, StandardCharsets.UTF_8);
        frame.position(frame.position() + n);
        return s;
    }

    private void need(int n) throws IOException {
        if (frame.remaining() < n) {
            throw new IOException("frame ends early");
        }
    }
}
