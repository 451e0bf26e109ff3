package com.walkindb.server.http;

import com.walkindb.server.config.Limits;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a POST body under the 8 KB cap without ever holding more than the cap plus one byte, and
 * cuts a body that arrives too slowly (docs/API.md, "Slow request bodies").
 */
final class RequestBody {
    /** How much more of a body refused in its middle is still read (and dropped), see {@link #drain}. */
    static final long DRAIN_BYTES = 1024 * 1024;


    /** The body fell behind the minimum rate, or Jetty's idle timeout ended it: 408. */
    static final class TooSlow extends IOException {
        TooSlow(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private RequestBody() {}

    /**
     * The body, or null when it is over the cap (by Content-Length or while reading). A request
     * that has received {@code n} bytes of its body must have its next byte by
     * {@link #allowanceNanos}{@code (n)} after the read began, else {@link TooSlow}: a trickle is
     * cut once the grace is over, and 8 KB takes at most the grace plus 16 s whatever the
     * server has read for others before.
     */
    static byte[] read(Request request, Limits limits) throws IOException {
        return read(request, limits.maxBodyBytes(), limits);
    }

    /**
     * {@link #read(Request, Limits)} under a cap of {@code maxBytes} (POST /mcp's): the buffer
     * is the declared length (or starts at 16 KiB and grows as the body arrives), never past the
     * cap plus one byte.
     */
    static byte[] read(Request request, int maxBytes, Limits limits) throws IOException {
        long declared = request.getLength();
        if (declared > maxBytes) {
            return null;
        }
        // Exactly the declared length (Jetty delivers no more than that), so the usual body is
        // read into the array it is returned in; a chunked one starts at 16 KiB and grows.
        byte[] buf = new byte[(int) (declared >= 0 ? declared : Math.min(maxBytes + 1L, 16 * 1024))];
        int n = 0;
        long start = System.nanoTime();
        Semaphore arrived = null; // made only when the body is not all there yet
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                if (arrived == null) {
                    arrived = new Semaphore(0);
                }
                awaitMore(request, arrived, start + allowanceNanos(n, limits), n, limits);
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    throw failure(chunk.getFailure());
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                while (bytes.hasRemaining()) {
                    if (n == buf.length) {
                        if (n > maxBytes) {
                            return null; // the rest stays unread
                        }
                        buf = Arrays.copyOf(buf, (int) Math.min(maxBytes + 1L, Math.max(16, 2L * buf.length)));
                    }
                    int take = Math.min(bytes.remaining(), buf.length - n);
                    bytes.get(buf, n, take);
                    n += take;
                }
                if (n > maxBytes) {
                    return null; // the rest stays unread
                }
                if (chunk.isLast()) {
                    return n == buf.length ? buf : Arrays.copyOf(buf, n);
                }
            } finally {
                chunk.release();
            }
        }
    }

    /**
     * How long after the read began a body of which {@code bytes} arrived may wait for more: the
     * grace, then {@link Limits#minBodyBytesPerSecond()} counting only this body's own bytes.
     */
    static long allowanceNanos(long bytes, Limits limits) {
        return limits.bodyGrace().toNanos() + bytes * TimeUnit.SECONDS.toNanos(1) / limits.minBodyBytesPerSecond();
    }

    /** Waits until Jetty has more of the body or the deadline passes. */
    static void awaitMore(Request request, Semaphore arrived, long deadline, long received, Limits limits)
            throws IOException {
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            request.demand(arrived::release); // runs once; a demand left pending by a timeout is harmless
            try {
                if (arrived.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
        }
        throw new TooSlow("request body under " + limits.minBodyBytesPerSecond() + " bytes/s (" + received
                + " bytes arrived)", null);
    }

    /**
     * Reads and drops what is left of a refused body, up to {@code maxBytes} and at the body's
     * minimum rate. The server closes the connection after a refusal; closing it with bytes
     * unread makes the kernel send a reset, which can reach a client that is still sending
     * before it has read the refusal, so it would see a dropped connection instead. A body that
     * goes on past the bound, or too slowly, is cut off as before.
     */
    static void drain(Request request, Limits limits, long maxBytes) {
        long start = System.nanoTime();
        long dropped = 0;
        Semaphore arrived = new Semaphore(0);
        try {
            while (dropped <= maxBytes) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    awaitMore(request, arrived, start + allowanceNanos(dropped, limits), dropped,
                            limits);
                    continue;
                }
                try {
                    if (Content.Chunk.isFailure(chunk) || chunk.isLast()) {
                        return;
                    }
                    dropped += chunk.remaining();
                } finally {
                    chunk.release();
                }
            }
        } catch (IOException e) {
            // too slow, or gone: the refusal stands, and the connection closes anyway
        }
    }

    /** Jetty's failure of the body as an IOException; its idle timeout counts as too slow. */
    static IOException failure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new TooSlow("request body idle", failure);
            }
        }
        return new IOException(failure);
    }

    /** application/json, with no charset or charset=utf-8. */
    static boolean isJson(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        if (type.equalsIgnoreCase("application/json")) {
            return true; // what nearly every client sends: no split, no allocation
        }
        String[] parts = type.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
