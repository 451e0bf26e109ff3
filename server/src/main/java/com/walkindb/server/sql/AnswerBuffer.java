package com.walkindb.server.sql;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one answer, in one growable array: the JSON generators write straight into it, and
 * a row that must not be kept is cut off again with {@link #truncate}. One array instead of a row
 * buffer, a rows buffer and a body assembled from copies of both keeps a 1 MiB answer to about
 * 2 MiB of heap while it is built, not 4–6.
 */
final class AnswerBuffer extends OutputStream {
    /** Never grown past this by doubling: the most an answer ever needs is a full body plus one over-long row. */
    private final int doublingLimit;

    private byte[] buf;
    private int size;

    /** {@code maxResultBytes}: the cap on an answer's rows and on one row (see {@code Limits}). */
    AnswerBuffer(int initialCapacity, int maxResultBytes) {
        buf = new byte[initialCapacity];
        doublingLimit = 2 * maxResultBytes + 64 * 1024;
    }

    int size() {
        return size;
    }

    /** Drops everything from {@code length} on (a row that will not be sent, or an earlier statement's rows). */
    void truncate(int length) {
        if (length < 0 || length > size) {
            throw new IllegalArgumentException("truncate to " + length + " of " + size);
        }
        size = length;
    }

    void writeAscii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        write(b, 0, b.length);
    }

    @Override
    public void write(int b) {
        ensure(size + 1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(size + len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A generator closing must not end the answer: the next row is written to the same buffer. */
    @Override
    public void close() {
        // nothing to release
    }

    /** The bytes written, in an array of exactly their length. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Copies bytes {@code from} to {@code to} into {@code dest} at {@code at}; returns where the copy ends there. */
    int copyTo(int from, int to, byte[] dest, int at) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("copy " + from + ".." + to + " of " + size);
        }
        System.arraycopy(buf, from, dest, at, to - from);
        return at + to - from;
    }

    private void ensure(int needed) {
        if (needed > buf.length) {
            int doubled = buf.length >= doublingLimit ? needed : Math.min(2 * buf.length, doublingLimit);
            buf = Arrays.copyOf(buf, Math.max(needed, doubled));
        }
    }
}
