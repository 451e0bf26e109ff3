package com.walkindb.server.http;

import com.walkindb.server.config.Limits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Streams an upload (POST /import) into a file as it arrives: each chunk Jetty hands over is
 * written and released, so the heap holds no more than Jetty's own buffers whatever the size.
 * The cap, the minimum data rate and the budget are enforced while it streams
 * ({@link RequestBody} does the same for the small JSON bodies).
 */
final class UploadBody {
    enum Result {
        /** The whole body is in the file. */
        DONE,
        /** The body passed the cap; the rest stays unread. */
        TOO_LARGE,
        /** The caller's upload budget ran out while it streamed; the rest stays unread. */
        OVER_BUDGET
    }

    /** Writing the spool file failed (a full or failing volume): not the caller's doing. */
    static final class WriteFailed extends IOException {
        WriteFailed(IOException cause) {
            super(cause);
        }
    }

    /** Charges bytes as they arrive; false when the budget is spent. */
    interface Meter {
        boolean charge(long bytes);
    }

    private UploadBody() {}

    static Result copy(Request request, FileChannel out, long maxBytes, Limits limits, Meter meter)
            throws IOException {
        long n = 0;
        long start = System.nanoTime();
        Semaphore arrived = new Semaphore(0);
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                RequestBody.awaitMore(request, arrived, start + RequestBody.allowanceNanos(n, limits), n, limits);
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    throw RequestBody.failure(chunk.getFailure());
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int size = bytes.remaining();
                if (n + size > maxBytes) {
                    return drained(Result.TOO_LARGE, chunk, request, limits);
                }
                if (size > 0 && !meter.charge(size)) {
                    return drained(Result.OVER_BUDGET, chunk, request, limits);
                }
                try {
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                } catch (IOException e) {
                    throw new WriteFailed(e);
                }
                n += size;
                if (chunk.isLast()) {
                    return Result.DONE;
                }
            } finally {
                chunk.release();
            }
        }
    }

    /** Past a refusal in the middle of a body, at most {@link RequestBody#DRAIN_BYTES} more is read. */
    private static Result drained(Result refusal, Content.Chunk refused, Request request, Limits limits) {
        if (!refused.isLast()) {
            RequestBody.drain(request, limits, RequestBody.DRAIN_BYTES);
        }
        return refusal;
    }
}
