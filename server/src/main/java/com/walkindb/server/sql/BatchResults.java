package com.walkindb.server.sql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The envelope of a batch answer, {@code {"results":[...]}}: where each entry's part ends in the
 * {@link AnswerBuffer}, and the tail each entry still needs ({@code rows_affected},
 * {@code truncated}). The tails are written only when the body is assembled, because a plain
 * ROLLBACK in a later entry discards the earlier entries' writes, and with them their counts.
 */
final class BatchResults {
    static final String PREFIX = "{\"results\":[";

    private final int[] ends;
    private final long[] rowsAffected;
    private final boolean[] truncated;
    private int count;

    BatchResults(int entries) {
        ends = new int[entries];
        rowsAffected = new long[entries];
        truncated = new boolean[entries];
    }

    /** Entries finished so far. */
    int count() {
        return count;
    }

    /** The current entry's part ends at {@code end} in the buffer. */
    void finish(int end, long affected, boolean cut) {
        ends[count] = end;
        rowsAffected[count] = affected;
        truncated[count] = cut;
        count++;
    }

    /** A plain ROLLBACK discarded the whole call so far, the finished entries' writes included. */
    void discardRowsAffected() {
        Arrays.fill(rowsAffected, 0, count, 0L);
    }

    /** The whole body: each entry's part from {@code out}, its tail, and the closing brackets. */
    byte[] body(AnswerBuffer out) {
        byte[][] tails = new byte[count][];
        int size = out.size() + 2;
        for (int i = 0; i < count; i++) {
            tails[i] = ("],\"rows_affected\":" + rowsAffected[i] + ",\"truncated\":" + truncated[i] + "}")
                    .getBytes(StandardCharsets.US_ASCII);
            size += tails[i].length;
        }
        byte[] body = new byte[size];
        int from = 0;
        int at = 0;
        for (int i = 0; i < count; i++) {
            at = out.copyTo(from, ends[i], body, at);
            System.arraycopy(tails[i], 0, body, at, tails[i].length);
            at += tails[i].length;
            from = ends[i];
        }
        at = out.copyTo(from, out.size(), body, at);
        body[at++] = ']';
        body[at] = '}';
        return body;
    }
}
